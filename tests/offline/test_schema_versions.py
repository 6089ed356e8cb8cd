"""Each resource type's state schema version per provider release (mlops_cicd_offline/build/schema_versions.py), as
the stand-ins serve it, and their state upgraders run through the plugin's UpgradeResourceState."""

from __future__ import annotations

import json

import pytest

from mlops_cicd_offline.build import overrides, protocol, releases, schema_versions
from mlops_cicd_offline.harness.world import World
from mlops_cicd_offline.server.provider import Provider
from mlops_cicd_offline.server.schemas import block_type
from mlops_cicd_offline.server.values import UNKNOWN, decode
from mlops_cicd_offline.world import behaviours
from mlops_cicd_offline.world.base import Context
from mlops_cicd_offline.world.store import STATE_DIR_ENV
from mlops_cicd.operations.terraform import failure_summary

PROVIDER_OF = {tf_type: tf_type.split("_", 1)[0] for tf_type in overrides.RESOURCES}


def _recorded_releases(provider: str) -> list[str]:
    """Every release the emulator states facts for: the CDKTF bindings' (overrides.UPSTREAM) and every release in
    releases.py, served or not (CDK Terrain's bindings are generated from the newest)."""
    return [overrides.UPSTREAM[provider][1], *(r.version for r in releases.RELEASES if r.provider == provider)]


@pytest.mark.parametrize("provider", sorted(overrides.UPSTREAM))
def test_every_created_type_states_its_version_at_every_recorded_release(provider):
    missing = [f"{tf_type} at {release}" for tf_type, name in PROVIDER_OF.items() if name == provider
               for release in _recorded_releases(provider)
               if release not in getattr(schema_versions.TYPES.get(tf_type), "releases", {})]
    assert not missing, f"no schema version stated in build/schema_versions.py for: {', '.join(missing)}"


def test_a_release_without_a_stated_version_stops_the_build_with_the_file_to_read():
    with pytest.raises(schema_versions.MissingSchemaVersion) as caught:
        schema_versions.at("github", "6.10.0", "github_repository_environment")
    assert "github/resource_github_repository_environment.go" in str(caught.value)
    assert "mlops_cicd_offline/build/schema_versions.py" in str(caught.value)


def test_every_stated_upgrader_is_emulated_and_starts_below_its_release_version():
    for tf_type, stated in schema_versions.TYPES.items():
        for release, at in stated.releases.items():
            for version in at.upgraders:
                assert version < at.version, f"{tf_type} {release}: an upgrader from {version} to {at.version}?"
                assert version in behaviours.resource(tf_type).state_upgraders, f"{tf_type}: V{version} not emulated"


def test_the_served_schema_carries_each_types_version(offline_build):
    """GetProviderSchema answers each type's version at each served release (what Terraform saves in state)."""
    pb = protocol.load(offline_build.root / "proto")
    for provider, served in offline_build.served.items():
        for release in served:
            answer = pb.GetProviderSchema.Response.FromString(offline_build.schemas(provider, release).response_bytes())
            for tf_type, name in PROVIDER_OF.items():
                if name == provider:
                    assert answer.resource_schemas[tf_type].version == \
                        schema_versions.at(provider, release, tf_type).version, (tf_type, release)


def test_the_known_version_changes_are_stated():
    """The versions an independent review listed, each re-read upstream (citations in the table)."""
    at = schema_versions.at
    assert [at("github", r, "github_repository_environment").version for r in ("6.9.0", "6.11.0", "6.13.0")] == [0, 0, 1]
    assert at("github", "6.13.0", "github_actions_secret").version == 2
    assert at("github", "6.13.0", "github_actions_environment_secret").version == 1
    assert at("databricks", "1.138.0", "databricks_git_credential").version == 1
    assert at("databricks", "1.138.0", "databricks_secret_scope").version == 2


# ---- the upgraders, through the plugin's UpgradeResourceState ----------------------------------------------

class _Connection:
    """What the plugin reads of a gRPC call context: which provider configuration it is."""

    def peer(self) -> str:
        return "test"


def _block(tf_type: str, release: str, attributes: tuple[str, ...]) -> dict:
    """A schema with the attributes an upgrader reads or writes, at the release's version (the table's)."""
    at = schema_versions.at(PROVIDER_OF[tf_type], release, tf_type)
    types = {"repository_id": "number", "policy_id": "number", "destroy_on_drift": "bool"}
    return {"attributes": {name: {"type": types.get(name, "string"), "required": False, "optional": True,
                                  "computed": False} for name in attributes},
            "blocks": {}, "schema_version": at.version, "upgraders": list(at.upgraders)}


class _Schemas:
    def __init__(self, blocks: dict[str, dict]):
        self.blocks = blocks

    def get(self, kind: str, tf_type: str) -> dict | None:
        return self.blocks.get(tf_type)


@pytest.fixture
def upgrade(offline_build, tmp_path, monkeypatch):
    """upgrade(type, release, attributes, state, version) -> (upgraded state, diagnostics), as the plugin of that
    release answers Terraform for a state saved at `version`; the github owner is `acme`."""
    monkeypatch.setenv(STATE_DIR_ENV, str(tmp_path))
    monkeypatch.setenv("GITHUB_OWNER", "acme")
    pb = protocol.load(offline_build.root / "proto")

    def run(tf_type: str, release: str, attributes: tuple[str, ...], state: dict, version: int):
        block = _block(tf_type, release, attributes)
        provider = Provider(pb, _Schemas({tf_type: block}), PROVIDER_OF[tf_type], release)
        request = pb.UpgradeResourceState.Request(type_name=tf_type, version=version,
                                                  raw_state=pb.RawState(json=json.dumps(state).encode()))
        response = provider.UpgradeResourceState(request, _Connection())
        return decode(response.upgraded_state.msgpack, block_type(block)), [d.summary for d in response.diagnostics]

    return run


def _repository_id(tmp_path, name: str) -> int:
    return World(tmp_path).snapshot()["github"][f"acme/{name}"]["id"]


SECRET = ("id", "repository", "secret_name", "plaintext_value", "destroy_on_drift", "repository_id")


def test_a_repository_secret_from_v0_gains_destroy_on_drift_and_its_repository_id(upgrade, tmp_path):
    state = {"id": "app:TOKEN", "repository": "app", "secret_name": "TOKEN", "plaintext_value": "kept"}
    upgraded, problems = upgrade("github_actions_secret", "6.11.0", SECRET, state, 0)
    assert not problems
    assert upgraded == {**state, "destroy_on_drift": True, "repository_id": _repository_id(tmp_path, "app")}
    # the upgrade called the API: the event log shows it
    assert [e["type"] for e in World(tmp_path).events(operation="upgrade")] == ["github_actions_secret"]


def test_a_repository_secret_from_v1_keeps_its_destroy_on_drift(upgrade, tmp_path):
    state = {"id": "app:TOKEN", "repository": "app", "secret_name": "TOKEN", "destroy_on_drift": False}
    upgraded, _ = upgrade("github_actions_secret", "6.11.0", SECRET, state, 1)
    assert upgraded["destroy_on_drift"] is False and upgraded["repository_id"] == _repository_id(tmp_path, "app")


def test_6_9_passes_a_json_state_through(upgrade, tmp_path):
    """github 6.9.0 has only a flatmap MigrateState: a JSON state at version 0 is not changed, nor is the API asked."""
    state = {"id": "app:TOKEN", "repository": "app", "secret_name": "TOKEN"}
    upgraded, problems = upgrade("github_actions_secret", "6.9.0", SECRET, state, 0)
    assert not problems and upgraded == {**state, "plaintext_value": None, "destroy_on_drift": None,
                                         "repository_id": None}
    assert World(tmp_path).events(operation="upgrade") == []


@pytest.mark.parametrize("tf_type, name_key", [("github_actions_environment_secret", "secret_name"),
                                               ("github_actions_environment_variable", "variable_name")])
def test_an_environment_secret_or_variable_from_v0_gets_its_id_rebuilt(upgrade, tmp_path, tf_type, name_key):
    state = {"id": "stale", "repository": "app", "environment": "staging", name_key: "TOKEN"}
    upgraded, _ = upgrade(tf_type, "6.11.0", ("id", "repository", "environment", name_key, "repository_id"), state, 0)
    assert upgraded["id"] == "app:staging:TOKEN" and upgraded["repository_id"] == _repository_id(tmp_path, "app")


def test_a_repository_variable_from_v0_gains_its_repository_id_only(upgrade, tmp_path):
    state = {"id": "app:FLAG", "repository": "app", "variable_name": "FLAG", "value": "on"}
    upgraded, _ = upgrade("github_actions_variable", "6.11.0", ("id", "repository", "variable_name", "value",
                                                                "repository_id"), state, 0)
    assert upgraded == {**state, "repository_id": _repository_id(tmp_path, "app")}


def test_an_environment_from_before_6_12_gains_its_repository_id(upgrade, tmp_path):
    state = {"id": "app:staging", "repository": "app", "environment": "staging"}
    upgraded, _ = upgrade("github_repository_environment", "6.13.0", ("id", "repository", "environment",
                                                                      "repository_id"), state, 0)
    assert upgraded == {**state, "repository_id": _repository_id(tmp_path, "app")}


def test_a_deployment_policy_from_before_6_12_gains_its_policy_id(upgrade, tmp_path):
    state = {"id": "app:staging:7", "repository": "app", "environment": "staging"}
    upgraded, _ = upgrade("github_repository_environment_deployment_policy", "6.13.0",
                          ("id", "repository", "environment", "repository_id", "policy_id"), state, 0)
    assert upgraded["policy_id"] == 7 and upgraded["repository_id"] == _repository_id(tmp_path, "app")


def test_a_state_at_the_current_version_is_not_upgraded(upgrade, tmp_path):
    state = {"id": "app:staging", "repository": "app", "environment": "staging", "repository_id": 99}
    upgraded, _ = upgrade("github_repository_environment", "6.13.0", ("id", "repository", "environment",
                                                                      "repository_id"), state, 1)
    assert upgraded == state and World(tmp_path).events(operation="upgrade") == []


def test_a_databricks_state_below_its_version_passes_through(upgrade, tmp_path):
    """databricks_git_credential is at 1 without a StateUpgrader: an older JSON state is kept as it is."""
    state = {"id": "42", "git_provider": "gitHub", "git_username": "ci"}
    upgraded, problems = upgrade("databricks_git_credential", "1.116.0", tuple(state), state, 0)
    assert not problems and upgraded == state


@pytest.mark.parametrize("tf_type, planned, created", [
    ("github_repository_environment", {"repository": "app", "environment": "staging"}, {"id": "app:staging"}),
    ("github_repository_environment_deployment_policy",
     {"repository": "app", "environment": "staging", "branch_pattern": "main"}, {"id": "app:staging:1", "policy_id": 1}),
    ("github_actions_variable", {"repository": "app", "variable_name": "FLAG", "value": "on"}, {"id": "app:FLAG"}),
])
def test_a_created_object_holds_the_ids_the_upgrader_would_add(tmp_path, tf_type, planned, created):
    """From the release with the attribute (6.12.0 environments and policies, 6.11.0 variables), Create sets
    `repository_id` (and `policy_id`) as the upgraders do, so a new object and an upgraded one look alike."""
    world = {"github": {}}
    ctx = Context(world=world, now=0.0, principal={"kind": "github", "owner": "acme"})
    if tf_type.endswith("deployment_policy"):  # its environment must exist
        behaviours.resource("github_repository_environment").create(ctx, {**planned, "id": UNKNOWN}, {})
    state = behaviours.resource(tf_type).create(ctx, {**planned, "id": UNKNOWN, "repository_id": UNKNOWN,
                                                      "policy_id": UNKNOWN}, {})
    assert {k: state[k] for k in created} == created
    assert state["repository_id"] == world["github"]["acme/app"]["id"]


def test_status_names_the_cause_terraform_show_prints_unframed():
    """terraform 1.11.4 prints a state it cannot render as `Failed to marshal state to json: ...`, without the
    `Error:` frame (internal/command/views/show.go): status names it rather than "terraform exited 1"."""
    output = ("Failed to marshal state to json: schema version 0 for github_repository_environment.env in state "
              "does not match version 1 from the provider")
    assert failure_summary(output, 1) == output
