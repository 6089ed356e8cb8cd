"""State keys: one per stack, unique also across projects sharing a backend, and within each backend's
limits (PostgreSQL truncates identifiers at 63 bytes; HCP Terraform workspace names; object key rules).
The limits are restated here from the documentation cited in stacks/backends.py, not imported from it."""

from __future__ import annotations

import re
from itertools import combinations
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlops_cicd.config import ConfigError, parse_config
from mlops_cicd.stacks.backends import gcs_prefix, hcp_workspace_name, local_state_path, object_key, pg_schema_name

from helpers import env_of

PG_MAX_BYTES = 63  # NAMEDATALEN - 1
PG_UNQUOTED = re.compile(r"[a-z_][a-z0-9_]*")
HCP_NAME = re.compile(r"[A-Za-z0-9_-]{1,90}")
S3_KEY_MAX = 1024 - len(".tflock")  # Terraform's S3 lock file is <key>.tflock
GCS_OBJECT_MAX = 1024  # bytes; the gcs backend writes <prefix>/default.tfstate and <prefix>/default.tflock

# Config validation's slug rule for project and environment names (config.py, README).
slugs = st.from_regex(r"[a-z][a-z0-9-]{0,110}[a-z0-9]", fullmatch=True)


def keys(project: str, environment: str) -> dict[str, str]:
    return {
        "s3": object_key(project, environment),
        "azurerm": object_key(project, environment, 1024),
        "gcs": gcs_prefix(project, environment),
        "pg": pg_schema_name(project, environment),
        "cloud": hcp_workspace_name(project, environment),
    }


def assert_within_limits(key: dict[str, str]) -> None:
    assert len(key["pg"].encode()) <= PG_MAX_BYTES and PG_UNQUOTED.fullmatch(key["pg"]), key["pg"]
    assert HCP_NAME.fullmatch(key["cloud"]), key["cloud"]
    s3 = key["s3"]
    assert len(s3.encode()) <= S3_KEY_MAX and not s3.startswith("/") and not s3.endswith("/") and "//" not in s3
    assert len(key["azurerm"]) <= 1024 and key["azurerm"].count("/") < 254
    assert len(f"{key['gcs']}/default.tfstate".encode()) <= GCS_OBJECT_MAX and not key["gcs"].startswith("/")


# --- what the synthesized stacks carry ----------------------------------------------------------------

BACKENDS = [
    ({"type": "s3", "bucket": "tf-state", "region": "eu-west-1"}, "s3",
     {"bucket": "tf-state", "key": "mlops-demo-classifier/prod/terraform.tfstate", "region": "eu-west-1", "encrypt": True, "use_lockfile": True}),
    ({"type": "s3", "bucket": "tf-state", "region": "eu-west-1", "dynamodb_table": "locks"}, "s3",
     {"bucket": "tf-state", "key": "mlops-demo-classifier/prod/terraform.tfstate", "region": "eu-west-1", "encrypt": True, "dynamodb_table": "locks"}),
    ({"type": "azurerm", "resource_group_name": "rg", "storage_account_name": "tfstate01", "container_name": "state"}, "azurerm",
     {"resource_group_name": "rg", "storage_account_name": "tfstate01", "container_name": "state", "key": "mlops-demo-classifier/prod/terraform.tfstate"}),
    ({"type": "gcs", "bucket": "tf-state"}, "gcs", {"bucket": "tf-state", "prefix": "mlops-demo-classifier/prod"}),
    # `-` needs quoting in PostgreSQL, so the readable `_` form gets a digest of "mlops-demo-classifier/prod".
    ({"type": "pg"}, "pg", {"schema_name": "mlops_demo_classifier_prod__07f30b7cf8"}),
]


@pytest.mark.parametrize("backend, kind, expected", BACKENDS, ids=[b[0]["type"] + str(i) for i, b in enumerate(BACKENDS)])
def test_remote_backends_key_state_by_project_and_environment(raw_config, synth_raw, backend, kind, expected):
    env_of(raw_config, "prod")["backend"] = backend
    stack = synth_raw(raw_config)["prod"]
    assert stack["terraform"]["backend"] == {kind: expected}


def test_hcp_terraform_workspace_per_environment(raw_config, synth_raw):
    env_of(raw_config, "prod")["backend"] = {"type": "cloud", "organization": "acme"}
    cloud = synth_raw(raw_config)["prod"]["terraform"]["cloud"]
    assert cloud == {"organization": "acme", "hostname": "app.terraform.io", "workspaces": {"name": "mlops-demo-classifier_prod"}}


def test_backend_fields_are_validated(raw_config):
    env_of(raw_config, "prod")["backend"] = {"type": "s3", "bucket": "tf-state"}
    with pytest.raises(ConfigError) as caught:
        parse_config(raw_config)
    assert [p.field for p in caught.value.problems] == ["environments[prod].backend.region"]


@pytest.mark.parametrize("path", ["", " state.tfstate", "state\n.tfstate"])
def test_a_local_path_must_be_a_plain_name(raw_config, path):
    env_of(raw_config, "staging")["backend"] = {"type": "local", "path": path}
    with pytest.raises(ConfigError) as caught:
        parse_config(raw_config)
    assert [p.field for p in caught.value.problems] == ["environments[staging].backend.path"]


# --- uniqueness and limits --------------------------------------------------------------------------

def test_names_that_differ_only_in_where_a_dash_is_get_distinct_keys():
    # Before: pg `a_b_c` for both (`-` -> `_`), cloud `a-b-c` for both (`-` between the names).
    first, second = keys("a-b", "c"), keys("a", "b-c")
    for kind in first:
        assert first[kind] != second[kind], kind


def test_long_names_sharing_a_63_byte_prefix_get_distinct_schemas_within_the_limits():
    # PostgreSQL keeps the first 63 bytes: both of these would have named one schema.
    project = "customer-churn-prediction-with-very-long-descriptive-name"
    first, second = keys(project, "staging-eu-west"), keys(project, "staging-eu-central")
    for kind in first:
        assert first[kind] != second[kind], kind
    assert_within_limits(first)
    assert_within_limits(second)
    assert first["pg"].startswith("customer_churn_prediction")  # still readable


def test_short_plain_names_stay_readable():
    assert keys("ml", "prod") == {"s3": "ml/prod/terraform.tfstate", "azurerm": "ml/prod/terraform.tfstate",
                                  "gcs": "ml/prod", "pg": "ml_prod", "cloud": "ml_prod"}


def test_a_name_at_a_limit_is_kept_and_one_byte_more_is_shortened():
    env = "e"
    fits = "p" * (PG_MAX_BYTES - len("_e"))
    assert pg_schema_name(fits, env) == f"{fits}_e"
    longer = pg_schema_name(fits + "p", env)
    assert len(longer.encode()) <= PG_MAX_BYTES and re.fullmatch(r"p+__[0-9a-f]{10}", longer), longer
    fits = "p" * (90 - len("_e"))
    assert hcp_workspace_name(fits, env) == f"{fits}_e"
    assert len(hcp_workspace_name(fits + "p", env)) <= 90


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(slugs, slugs), min_size=2, max_size=6, unique=True))
def test_generated_stacks_get_unique_keys_within_the_limits(stacks):
    derived = [keys(project, environment) for project, environment in stacks]
    for key in derived:
        assert_within_limits(key)
    for first, second in combinations(derived, 2):
        for kind in first:
            assert first[kind] != second[kind], kind


def test_many_similar_names_never_collide():
    projects = ["a", "a-b", "a-b-c", "ab", "a--b", "x" * 60, "x" * 61, "x" * 60 + "-y"]
    environments = ["c", "b-c", "c-d", "prod", "b", "staging", "y"]
    stacks = [(p, e) for p in projects for e in environments]
    for kind in keys("a", "b"):
        values = [keys(p, e)[kind] for p, e in stacks]
        assert len(set(values)) == len(stacks), kind


# --- local state paths ---------------------------------------------------------------------------

def test_local_state_defaults_beside_the_configuration_under_its_project(tmp_path):
    """Two configuration files in one directory (projects alpha and beta) get two states per environment."""
    state = tmp_path.resolve() / ".mlops-cicd" / "state"
    assert local_state_path(tmp_path, "alpha", "staging") == state / "alpha" / "staging.tfstate"
    assert local_state_path(tmp_path, "beta", "staging") == state / "beta" / "staging.tfstate"


def test_a_relative_local_path_is_relative_to_the_configuration_and_an_absolute_one_stays(tmp_path):
    assert local_state_path(tmp_path, "p", "staging", "state/s.tfstate") == tmp_path.resolve() / "state" / "s.tfstate"
    assert local_state_path(tmp_path, "p", "staging", "/srv/tf/s.tfstate") == Path("/srv/tf/s.tfstate")


def test_a_shortened_name_ends_its_readable_prefix_cleanly_before_the_digest():
    # Cut at 51 bytes, the pg name would end in the `_` that replaced the dash: it is dropped, not doubled.
    name = pg_schema_name("a" * 50 + "-b", "e")
    assert re.fullmatch(r"a{50}__[0-9a-f]{10}", name), name


def test_very_long_names_fit_object_keys_and_prefixes():
    project = "p" * 1100  # far beyond any limit: only the length rule applies
    key = keys(project, "prod")
    assert_within_limits(key)
    assert key["s3"].endswith("/terraform.tfstate") and len(key["s3"].encode()) == S3_KEY_MAX
    assert len(key["azurerm"]) == 1024 and len(f"{key['gcs']}/default.tfstate".encode()) == GCS_OBJECT_MAX


def test_local_state_paths_are_absolute_and_expand_the_home_directory(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert local_state_path(Path("project"), "p", "staging") == \
        tmp_path.resolve() / "project" / ".mlops-cicd" / "state" / "p" / "staging.tfstate"
    assert local_state_path(tmp_path, "p", "staging", "~/state/s.tfstate") == Path.home().resolve() / "state" / "s.tfstate"
