"""MLOPS011: every stack has its own state, at a key its backend accepts unchanged. Judged on the
synthesized `terraform` block, whatever derived it."""

from __future__ import annotations

import copy

import pytest

from mlops_cicd.app import synth
from mlops_cicd.checks import ChecksFailed, run_checks
from mlops_cicd.checks.state_keys import pg_effective_name
from mlops_cicd.config import parse_config

from helpers import synthesize, project_config
from helpers import env_of

TOKEN_LIKE = "dose" + "0123456789abcdef" * 2


def _backends(docs: dict, staging: dict, prod: dict, kind: str = "backend") -> None:
    for name, block in (("staging", staging), ("prod", prod)):
        terraform = docs[name]["terraform"]
        terraform.pop("backend", None)
        terraform[kind] = copy.deepcopy(block)


def _state_findings(findings, docs) -> tuple[set, list]:
    active, report = findings(docs)
    return ({stack for check, stack in active if check == "MLOPS011"},
            [f for f in report.findings if f.check_id == "MLOPS011"])


def test_shipped_stacks_each_have_their_own_state(docs, findings):
    assert _state_findings(findings, docs)[0] == set()


def test_pg_schema_names_equal_in_their_first_63_bytes_are_one_schema(docs, findings):
    """The case from the issue: two long names that PostgreSQL truncates to one schema."""
    common = "a_long_project_name_and_an_environment_name_that_share_63_bytes"
    assert len(common) == 63
    _backends(docs, {"pg": {"schema_name": common + "_staging"}}, {"pg": {"schema_name": common + "_prod"}})
    stacks, found = _state_findings(findings, docs)
    assert stacks == {"staging", "prod"}
    assert any("shares its state" in f.message and "applying one destroys" in f.message for f in found)
    assert any("PostgreSQL keeps only the first 63" in f.message for f in found)


def test_pg_names_within_63_bytes_pass_and_case_is_kept(docs, findings):
    """The pg backend quotes the schema name: `Mlops_prod` and `mlops_prod` are two schemas."""
    _backends(docs, {"pg": {"schema_name": "mlops_prod"}}, {"pg": {"schema_name": "Mlops_prod"}})
    assert _state_findings(findings, docs)[0] == set()
    _backends(docs, {"pg": {}}, {"pg": {}})  # both on the default schema terraform_remote_state
    assert _state_findings(findings, docs)[0] == {"staging", "prod"}


def test_pg_truncates_on_a_character_boundary():
    name = "x" * 62 + "é"  # 64 bytes: the two-byte character does not fit
    assert pg_effective_name(name) == "x" * 62
    assert pg_effective_name("y" * 63) == "y" * 63


@pytest.mark.parametrize("staging, prod, shared", [
    ({"s3": {"bucket": "b", "key": "p/staging/terraform.tfstate"}},
     {"s3": {"bucket": "b", "key": "p/prod/terraform.tfstate"}}, False),
    ({"s3": {"bucket": "b", "key": "p/terraform.tfstate"}}, {"s3": {"bucket": "b", "key": "p/terraform.tfstate"}}, True),
    ({"s3": {"bucket": "b1", "key": "p/terraform.tfstate"}}, {"s3": {"bucket": "b2", "key": "p/terraform.tfstate"}}, False),
    ({"azurerm": {"storage_account_name": "acct", "container_name": "c", "key": "p/t.tfstate"}},
     {"azurerm": {"storage_account_name": "ACCT", "container_name": "c", "key": "p/t.tfstate"}}, True),
    ({"gcs": {"bucket": "b", "prefix": "p/env"}}, {"gcs": {"bucket": "b", "prefix": "/p/env/"}}, True),
    ({"gcs": {"bucket": "b", "prefix": "p/staging"}}, {"gcs": {"bucket": "b", "prefix": "p/prod"}}, False),
    ({"local": {"path": "/srv/state/prod.tfstate"}}, {"local": {"path": "/srv/state/x/../prod.tfstate"}}, True),
    ({"local": {"path": "/srv/state/staging.tfstate"}}, {"local": {"path": "/srv/state/prod.tfstate"}}, False),
    # Terraform writes `<path>.backup` and `.<name>.lock.info` (leading `.` of the name dropped) beside a state
    ({"local": {"path": "/st/x.tfstate"}}, {"local": {"path": "/st/x.tfstate.backup"}}, True),
    ({"local": {"path": "/st/x.tfstate"}}, {"local": {"path": "/st/.x.tfstate.lock.info"}}, True),
    ({"local": {"path": "/st/x.tfstate"}}, {"local": {"path": "/st/.x.tfstate"}}, True),
    ({"local": {"path": "/st/x.tfstate"}}, {"local": {"path": "/st/x.tfstate.backup.d/x.tfstate"}}, False),
], ids=["s3 own keys", "s3 one key", "s3 two buckets", "azurerm account case", "gcs slashes", "gcs own prefixes",
        "local one file", "local own files", "local backup", "local lock info", "local one lock info",
        "local backup-named directory"])
def test_one_state_location_is_shared_however_it_is_written(docs, findings, staging, prod, shared):
    _backends(docs, staging, prod)
    assert _state_findings(findings, docs)[0] == ({"staging", "prod"} if shared else set())


def test_hcp_workspaces_compare_by_host_organization_and_name(docs, findings):
    workspace = {"organization": "acme", "hostname": "app.terraform.io", "workspaces": {"name": "mlops_prod"}}
    other_case = copy.deepcopy(workspace)
    other_case["workspaces"]["name"] = "MLOPS_prod"
    _backends(docs, workspace, other_case, kind="cloud")
    assert _state_findings(findings, docs)[0] == {"staging", "prod"}
    other_case["organization"] = "another-org"
    _backends(docs, workspace, other_case, kind="cloud")
    assert _state_findings(findings, docs)[0] == set()


@pytest.mark.parametrize("backend, expected", [
    ({"s3": {"bucket": "b", "key": "/p/terraform.tfstate"}}, "starts or ends with '/'"),
    ({"s3": {"bucket": "b", "key": "p//terraform.tfstate"}}, "contains '//'"),
    ({"s3": {"bucket": "b", "key": "k" * 1018, "use_lockfile": True}}, "at most 1017 fit"),
    ({"azurerm": {"storage_account_name": "a", "container_name": "c", "key": "k" * 1025}}, "1 to 1024"),
    ({"azurerm": {"storage_account_name": "a", "container_name": "c", "key": "p/state."}}, "ends with '.'"),
    ({"gcs": {"bucket": "b", "prefix": "p" * 1010}}, "GCS allows 1024"),
    ({"local": {"path": "terraform.prod.tfstate"}}, "relative"),
], ids=["s3 leading slash", "s3 double slash", "s3 lock file too long", "azurerm too long", "azurerm trailing dot",
        "gcs too long", "local relative"])
def test_a_key_its_backend_refuses_or_loses_is_an_error(docs, findings, backend, expected):
    docs["prod"]["terraform"]["backend"] = backend
    stacks, found = _state_findings(findings, docs)
    assert stacks == {"prod"}
    assert expected in found[0].message and found[0].address == "terraform.backend"


@pytest.mark.parametrize("backend", [
    {"s3": {"bucket": "b", "key": "k" * 1017, "use_lockfile": True}},
    {"s3": {"bucket": "b", "key": "k" * 1024}},
    {"gcs": {"bucket": "b", "prefix": "p" * (1024 - len("/default.tfstate"))}},
], ids=["s3 with lock file at the limit", "s3 at the limit", "gcs at the limit"])
def test_keys_at_the_limit_pass(docs, findings, backend):
    docs["prod"]["terraform"]["backend"] = backend
    assert _state_findings(findings, docs)[0] == set()


def test_an_invalid_hcp_workspace_name_is_an_error(docs, findings):
    docs["prod"]["terraform"].pop("backend")
    docs["prod"]["terraform"]["cloud"] = {"organization": "acme", "workspaces": {"name": "mlops.prod"}}
    stacks, found = _state_findings(findings, docs)
    assert stacks == {"prod"} and "HCP Terraform refuses it" in found[0].message


def test_the_message_quotes_no_secret_looking_key(docs, findings):
    key = f"p/{TOKEN_LIKE}/terraform.tfstate"
    _backends(docs, {"s3": {"bucket": "b", "key": key}}, {"s3": {"bucket": "b", "key": key}})
    stacks, found = _state_findings(findings, docs)
    assert stacks == {"staging", "prod"}
    assert all(TOKEN_LIKE not in f.message + f.fix + f.address for f in found)


def test_one_local_state_file_configured_for_two_environments_does_not_synthesize(raw, tmp_path):
    for name in ("staging", "prod"):
        env_of(raw, name)["backend"] = {"type": "local", "path": str(tmp_path / "state" / "shared.tfstate")}
    with pytest.raises(ChecksFailed) as failed:
        synth(project_config(raw, tmp_path / "project"), tmp_path / "out")
    assert "MLOPS011" in str(failed.value) and not (tmp_path / "out").exists()


@pytest.mark.parametrize("backend", [
    {"type": "pg"},
    {"type": "s3", "bucket": "tf-state", "region": "eu-west-1"},
    {"type": "cloud", "organization": "acme"},
], ids=["pg", "s3", "cloud"])
def test_derived_keys_of_long_names_are_unique_and_within_limits(raw, tmp_path, backend):
    """The derivation (stacks/backends.py) judged by this check: two environments whose names share a long
    prefix, under a long project name, still get two states that fit."""
    raw["project"]["name"] = "a-long-project-name-for-the-machine-learning-platform-team"
    for name, env_name in (("staging", "staging-environment-number-one"), ("prod", "staging-environment-number-two")):
        env_of(raw, name)["name"] = env_name
        env_of(raw, env_name)["backend"] = backend
    raw["github"]["shared_secrets_stack"] = "staging-environment-number-one"
    raw["checks"]["suppress"] = []
    documents = synthesize(raw, tmp_path / "out")
    report = run_checks(parse_config(raw), documents, {})
    assert [f for f in report.findings if f.check_id == "MLOPS011"] == []
