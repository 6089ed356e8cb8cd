"""The emulator's upstream facts (mlops_cicd_offline/build/overrides.py) against the installed bindings' schema, and the
time provider's handling of a changed rotation period as v0.13.1 implements it."""

from __future__ import annotations

import copy
import datetime

import pytest

from mlops_cicd_offline.build import overrides, releases
from mlops_cicd_offline.server import validation
from mlops_cicd_offline.world.github.environments import DeploymentPolicy
from mlops_cicd_offline.world.time.rotating import TimeRotating, rotation_time
from mlops_cicd_offline.build.schema import _apply_overrides
from mlops_cicd_offline.build.schema_extract import extract_provider
from mlops_cicd_offline.server.values import UNKNOWN
from mlops_cicd_offline.build.versions import PROVIDERS, package_archive

from helpers.offline import deployed, fixture_stack

# One xdist worker runs this module (`make test`: --dist loadgroup): the bindings are read once.
pytestmark = pytest.mark.xdist_group("overrides-fidelity")

FACT_KEYS = {"source", "force_new", "sensitive", "defaults", "conflicts"}
PYTHON_TYPES = {"bool": bool, "number": (int, float), "string": str}


@pytest.fixture(scope="module")
def bindings() -> dict[str, dict]:
    """Each provider's schema as the installed cdktf package has it, before any override."""
    return {name: extract_provider(package_archive(name)) for name in PROVIDERS}


def _provider_of(tf_type: str) -> str:
    return tf_type.split("_", 1)[0]


def test_the_facts_reach_the_versions_of_the_installed_bindings(bindings):
    """overrides.py states each provider at one version (CDKTF's bindings'); every later change up to a newer
    binding's version (CDK Terrain's) is restated in releases.py, and a release at exactly that version records
    the re-check."""
    for name, extracted in bindings.items():
        stated_at, binding = overrides.UPSTREAM[name][1], extracted["version"]
        restated = {release.version for release in releases.RELEASES if release.provider == name}
        assert binding == stated_at or binding in restated, \
            f"{name} {binding}: facts stated at {stated_at}; restate the changes up to {binding} in releases.py"


def _facts():
    for tf_type, facts in overrides.RESOURCES.items():
        yield pytest.param(tf_type, facts, id=tf_type)


@pytest.mark.parametrize("tf_type, facts", list(_facts()))
def test_each_fact_names_what_the_bindings_schema_has(bindings, tf_type, facts):
    assert set(facts) <= FACT_KEYS, set(facts) - FACT_KEYS
    assert facts.get("source"), f"{tf_type}: cite the upstream file the facts come from"
    block = bindings[_provider_of(tf_type)]["resources"].get(tf_type)
    assert block is not None, f"{tf_type} is not a resource of the installed {_provider_of(tf_type)} bindings"
    attrs, blocks = block["attributes"], block["blocks"]

    for name in facts.get("force_new", ()):
        assert name in attrs or name in blocks, f"{tf_type}.{name}: force_new on an unknown attribute"
        if name in attrs:  # a value Terraform never takes from configuration cannot force a replacement
            assert attrs[name]["optional"] or attrs[name]["required"], f"{tf_type}.{name} is computed-only"
    for name in facts.get("sensitive", ()):
        assert name in attrs, f"{tf_type}.{name}: sensitive on an unknown attribute"
    for name, value in facts.get("defaults", {}).items():
        attr = attrs.get(name)
        assert attr is not None, f"{tf_type}.{name}: default on an unknown attribute"
        assert attr["optional"] and not attr["required"] and not attr["computed"], \
            f"{tf_type}.{name}: a default needs an optional, non-computed attribute"
        assert isinstance(value, PYTHON_TYPES[attr["type"]]), f"{tf_type}.{name}: default {value!r} vs {attr['type']}"
    for pair in facts.get("conflicts", ()):
        for name in pair:
            assert name in attrs and attrs[name]["optional"], f"{tf_type}.{name}: conflicts need optional attributes"


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_provider_facts_name_provider_attributes(bindings, provider):
    facts = overrides.PROVIDERS[provider]
    assert set(facts) <= FACT_KEYS and facts.get("source")
    attrs = bindings[provider]["provider"]["attributes"]
    for name in facts.get("sensitive", ()):
        assert name in attrs and attrs[name]["optional"], name


def _effective(bindings, provider: str, tf_type: str | None = None) -> dict:
    """A type's (or the provider's) schema as the stand-in serves it: the bindings' plus the overrides."""
    if tf_type is None:
        return _apply_overrides(copy.deepcopy(bindings[provider]["provider"]), overrides.PROVIDERS[provider])
    return _apply_overrides(copy.deepcopy(bindings[provider]["resources"][tf_type]), overrides.for_resource(tf_type))


def test_known_corrections_against_the_upstream_sources(bindings):
    """Facts that were wrong before they were read in the sources (see the citations in overrides.py)."""
    def attributes(provider, tf_type):
        return _effective(bindings, provider, tf_type)["attributes"]

    rotating = attributes("time", "time_rotating")
    assert sorted(n for n, a in rotating.items() if a.get("force_new")) == ["rfc3339", "triggers"]  # not rotation_days
    assert not attributes("databricks", "databricks_git_credential")["personal_access_token"].get("sensitive")
    assert "default" not in attributes("databricks", "databricks_git_credential")["force"]
    assert not attributes("databricks", "databricks_secret_scope")["backend_type"].get("force_new")
    assert "default" not in attributes("github", "github_repository_environment")["wait_timer"]
    assert not attributes("github", "github_actions_variable")["repository"].get("force_new")
    assert attributes("github", "github_actions_secret")["destroy_on_drift"]["force_new"]
    assert not _effective(bindings, "github")["attributes"]["token"].get("sensitive")


def test_one_permissions_resource_manages_one_object(bindings):
    block = _effective(bindings, "databricks", "databricks_permissions")
    config = {name: None for name in block["attributes"]}
    both = {**config, "authorization": "tokens", "directory_path": "/Shared/x"}
    assert [summary for summary, _, _ in validation.problems(block, both)] == ["Conflicting configuration arguments"]
    assert validation.problems(block, {**config, "authorization": "tokens"}) == []


# ---- conditional replacement, emulated next to its type ---------------------------------------------------------

def test_a_deployment_policy_is_replaced_when_it_switches_from_branch_to_tag_pattern():
    policy = DeploymentPolicy()
    prior = {"repository": "r", "environment": "prod", "branch_pattern": "main", "tag_pattern": None, "id": "r:prod:1"}
    replace: list[str] = []
    planned = policy.plan(None, prior, {**prior, "branch_pattern": "release/*"}, {}, replace)
    assert replace == [] and planned["id"] == "r:prod:1"  # a changed pattern is updated in place
    planned = policy.plan(None, prior, {**prior, "branch_pattern": None, "tag_pattern": "v*"}, {}, replace)
    assert replace == ["branch_pattern", "tag_pattern"] and planned["id"] is UNKNOWN


def _utc(*parts) -> datetime.datetime:
    return datetime.datetime(*parts, tzinfo=datetime.timezone.utc)


def test_time_rotating_computes_its_rotation_time_like_v0_13_1():
    base = _utc(2026, 1, 31, 12, 0, 0)
    assert rotation_time(base, {"rotation_months": 1}) == _utc(2026, 3, 3, 12, 0, 0)  # Go's AddDate normalizes
    assert rotation_time(_utc(2028, 2, 29), {"rotation_years": 1}) == _utc(2029, 3, 1)
    # each argument that is set replaces the previous one's result (days, hours, minutes, months, rfc3339, years)
    assert rotation_time(base, {"rotation_days": 30, "rotation_hours": 1}) == _utc(2026, 1, 31, 13, 0, 0)
    assert rotation_time(base, {"rotation_days": 30, "rotation_years": 1}) == _utc(2027, 1, 31, 12, 0, 0)


def test_time_rotating_calendar_fields_describe_the_rotation_time():
    created = TimeRotating().create(None, {"rfc3339": "2026-01-01T00:00:00Z", "rotation_days": 60}, {})
    assert (created["rfc3339"], created["id"]) == ("2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z")
    assert created["rotation_rfc3339"] == "2026-03-02T00:00:00Z"
    assert (created["year"], created["month"], created["day"]) == (2026, 3, 2)
    assert created["unix"] == int(_utc(2026, 3, 2).timestamp())


# ---- time_rotating: a changed rotation period (terraform against the stand-ins) --------------------------------

ROTATING = "time_rotating.rotation"
TOKEN = "databricks_obo_token.token"


def _values(stack, address: str) -> dict:
    return {r["address"]: r["values"] for r in stack.resources()}[address]


def _rfc3339(text: str) -> datetime.datetime:
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.terraform
def test_a_changed_rotation_period_updates_the_schedule_in_place_from_its_base_time(harness, world):
    config = fixture_stack("minimal")
    stack = deployed(harness, "minimal", config)
    before = _values(stack, ROTATING)
    token = _values(stack, TOKEN)["token_value"]
    assert _rfc3339(before["rotation_rfc3339"]) - _rfc3339(before["rfc3339"]) == datetime.timedelta(days=30)

    changed = copy.deepcopy(config)
    changed["resource"]["time_rotating"]["rotation"]["rotation_days"] = 20
    stack.reconfigure(changed)
    plan = stack.plan()
    assert plan.mentions(f"{ROTATING} will be updated in-place"), plan.output
    assert not plan.mentions("must be replaced") and not plan.mentions("will be replaced")
    assert stack.apply().ok

    after = _values(stack, ROTATING)
    assert after["rfc3339"] == before["rfc3339"]  # the base time is kept ...
    assert _rfc3339(after["rotation_rfc3339"]) - _rfc3339(after["rfc3339"]) == datetime.timedelta(days=20)  # ... the rotation time recomputed
    assert _values(stack, TOKEN)["token_value"] == token  # no rotation: the trigger copies the unchanged base time
    assert stack.plan().no_changes

    world.advance_clock(days=21)  # the shorter period is what schedules the next rotation
    assert stack.plan().mentions(f"{TOKEN} will be replaced")
