"""The emulated world's event log and invariants (mlops_cicd_offline/world/events.py, invariants.py).

The first part drives emulated API calls directly (no terraform, fast), as the stand-in provider does:
each call, then its event, then the invariants' check, in one world transaction. The second part shows
them through real terraform runs: the strict harness of tests/offline/conftest.py fails a test at the
apply that broke an invariant, naming the API call.
"""

from __future__ import annotations

import json
import time

import pytest

from mlops_cicd_offline.world import events, invariants, store
from mlops_cicd_offline.world.behaviours import resource
from mlops_cicd_offline.world.databricks.auth import DEPLOYER
from mlops_cicd_offline.world.base import Context
from mlops_cicd_offline.harness.terraform import InvariantBroken
from mlops_cicd_offline.harness.world import World

from helpers.offline import deployed, fixture_stack, initialized

HOST = "https://ws.example.com"
OTHER_HOST = "https://other-ws.example.com"
OWNER = "org"
REPO = f"{OWNER}/repo"


class Api:
    """Emulated API calls on a world in a state dir, each followed by its event and the invariants' check."""

    def __init__(self, state_dir):
        self.state_dir = state_dir
        self.world = World(state_dir)

    def call(self, tf_type: str, operation: str, values: dict, host: str = HOST) -> tuple[dict | None, list[dict]]:
        github = tf_type.startswith("github_")
        principal = {"kind": "github", "owner": OWNER} if github else {**DEPLOYER, "host": host}
        with store.transaction(self.state_dir) as world:
            ctx = Context(world=world, now=store.now(world), principal=principal)
            behaviour = resource(tf_type)
            if operation == "create":
                state = behaviour.create(ctx, values, values)
            elif operation == "update":
                state = behaviour.update(ctx, values, values, values)
            else:
                behaviour.delete(ctx, values)
                state = None
            event = events.record(world, kind="resource", tf_type=tf_type, operation=operation, outcome="ok",
                                  object_id=(state or values).get("id"), scope=events.scope_of(principal))
            return state, invariants.after_call(world, event)

    def service_principal(self, name: str, host: str = HOST) -> dict:
        sp, _ = self.call("databricks_service_principal", "create", {"display_name": name}, host)
        group = next(g for g in store.snapshot(self.state_dir)["workspaces"][host]["groups"].values()
                     if g["display_name"] == "mlops-service-principals")
        self.call("databricks_group_member", "create", {"group_id": group["id"], "member_id": sp["id"]}, host)
        return sp

    def token(self, sp: dict, host: str = HOST) -> dict:
        token, broken = self.call("databricks_obo_token", "create",
                                  {"application_id": sp["application_id"], "lifetime_seconds": 90 * 86400}, host)
        assert broken == []
        return token

    def secret(self, name: str, value: str, operation: str = "create") -> list[dict]:
        return self.call("github_actions_secret", operation,
                         {"repository": "repo", "secret_name": name, "plaintext_value": value,
                          "id": f"repo:{name}"})[1]


@pytest.fixture
def api(tmp_path) -> Api:
    return Api(tmp_path / "state")


def _only(broken: list[dict]) -> dict:
    assert len(broken) == 1, [invariants.describe(v) for v in broken]
    return broken[0]


# ---- credential secrets -------------------------------------------------------------------------------------
def test_a_secret_is_free_until_it_first_holds_a_live_credential(api):
    assert api.secret("STAGING_WORKSPACE_TOKEN", "placeholder") == []
    sp = api.service_principal("staging-cicd")
    api.token(sp)
    assert api.secret("STAGING_WORKSPACE_TOKEN", "still-a-placeholder", "update") == []
    assert api.call("github_actions_secret", "delete", {"repository": "repo", "secret_name": "STAGING_WORKSPACE_TOKEN",
                                                        "id": "repo:STAGING_WORKSPACE_TOKEN"})[1] == []


def test_deleting_a_secret_that_held_a_live_token_is_reported_with_the_call(api):
    sp = api.service_principal("staging-cicd")
    token = api.token(sp)
    assert api.secret("STAGING_WORKSPACE_TOKEN", token["token_value"]) == []
    _, broken = api.call("github_actions_secret", "delete", {"repository": "repo", "secret_name": "STAGING_WORKSPACE_TOKEN",
                                                             "id": "repo:STAGING_WORKSPACE_TOKEN"})
    violation = _only(broken)
    assert violation["invariant"] == invariants.CREDENTIAL_SECRET
    text = invariants.describe(violation)
    assert "delete github_actions_secret repo:STAGING_WORKSPACE_TOKEN -> ok" in text
    assert f"GitHub secret STAGING_WORKSPACE_TOKEN ({REPO}) no longer exists" in text
    assert "'staging-cicd'" in text
    assert token["token_value"] not in json.dumps(store.snapshot(api.state_dir)["invariants"])  # digests only
    assert api.world.violations() == [text]


def test_a_rotation_in_the_right_order_breaks_nothing(api):
    """New token, secret rewritten in place, then the old token deleted: GitHub always holds a live one."""
    sp = api.service_principal("staging-cicd")
    old = api.token(sp)
    assert api.secret("STAGING_WORKSPACE_TOKEN", old["token_value"]) == []
    new = api.token(sp)
    assert api.secret("STAGING_WORKSPACE_TOKEN", new["token_value"], "update") == []
    assert api.call("databricks_obo_token", "delete", old)[1] == []
    assert api.world.violations() == []


def test_deleting_the_token_a_secret_still_holds_is_reported(api):
    sp = api.service_principal("staging-cicd")
    token = api.token(sp)
    api.secret("STAGING_WORKSPACE_TOKEN", token["token_value"])
    text = invariants.describe(_only(api.call("databricks_obo_token", "delete", token)[1]))
    assert f"delete databricks_obo_token {token['id']} -> ok" in text
    assert "holds a deleted or revoked token" in text


def test_a_credential_that_expires_while_a_secret_holds_it_is_reported_at_the_next_call(api):
    sp = api.service_principal("staging-cicd")
    token, _ = api.call("databricks_obo_token", "create", {"application_id": sp["application_id"], "lifetime_seconds": 1})
    assert api.secret("STAGING_WORKSPACE_TOKEN", token["token_value"]) == []
    time.sleep(1.5)  # the emulated clock is real time plus the tests' offset
    text = invariants.describe(_only(api.call("databricks_service_principal", "create", {"display_name": "other"})[1]))
    assert "create databricks_service_principal" in text and "holds an expired token" in text


def test_overwriting_with_something_that_is_no_credential_is_reported(api):
    sp = api.service_principal("staging-cicd")
    api.secret("STAGING_WORKSPACE_TOKEN", api.token(sp)["token_value"])
    text = invariants.describe(_only(api.secret("STAGING_WORKSPACE_TOKEN", "", "update")))
    assert "no longer holds a Databricks credential" in text


def test_a_live_credential_of_another_service_principal_is_reported(api):
    staging, prod = api.service_principal("staging-cicd"), api.service_principal("prod-cicd")
    api.secret("STAGING_WORKSPACE_TOKEN", api.token(staging)["token_value"])
    text = invariants.describe(_only(api.secret("STAGING_WORKSPACE_TOKEN", api.token(prod)["token_value"], "update")))
    assert f"holds a credential of service principal 'prod-cicd' on {HOST}, not of 'staging-cicd'" in text


def test_an_oauth_secret_is_recognised_by_its_value_too(api):
    sp = api.service_principal("staging-cicd")
    secret, _ = api.call("databricks_service_principal_secret", "create", {"service_principal_id": sp["id"],
                                                                           "lifetime": "7776000s"})
    api.secret("STAGING_DATABRICKS_CLIENT_SECRET", secret["secret"])
    text = invariants.describe(_only(api.call("databricks_service_principal_secret", "delete", secret)[1]))
    assert "holds a deleted or revoked OAuth secret" in text


def test_out_of_band_changes_are_forgiven_and_the_secret_is_watched_again_once_rewritten(api):
    sp = api.service_principal("staging-cicd")
    api.secret("STAGING_WORKSPACE_TOKEN", api.token(sp)["token_value"])
    api.world.advance_clock(days=91)  # nobody re-deployed before the 90-day token expired
    api.world.delete_service_principal(HOST, sp["id"])  # and someone deleted the SP by hand
    recreated = api.service_principal("staging-cicd")  # a deploy re-creates it under the same name...
    assert api.secret("STAGING_WORKSPACE_TOKEN", api.token(recreated)["token_value"], "update") == []  # ...and rewrites
    api.world.delete_github_secret(REPO, "STAGING_WORKSPACE_TOKEN")
    assert api.secret("STAGING_WORKSPACE_TOKEN", api.token(recreated)["token_value"]) == []
    assert _only(api.secret("STAGING_WORKSPACE_TOKEN", "", "update"))["invariant"] == invariants.CREDENTIAL_SECRET
    assert len(api.world.violations()) == 1


def test_a_teardown_may_delete_the_secret(api, monkeypatch):
    sp = api.service_principal("staging-cicd")
    api.secret("STAGING_WORKSPACE_TOKEN", api.token(sp)["token_value"])
    monkeypatch.setenv(events.STEP_ENV, "destroy #1")
    assert api.call("github_actions_secret", "delete", {"repository": "repo", "secret_name": "STAGING_WORKSPACE_TOKEN",
                                                        "id": "repo:STAGING_WORKSPACE_TOKEN"})[1] == []
    monkeypatch.setenv(events.STEP_ENV, "apply #2")
    assert api.secret("STAGING_WORKSPACE_TOKEN", "placeholder") == []  # no longer watched


def test_held_credentials_say_which_credential_each_secret_holds_and_whether_it_was_renewed(api):
    from . import fault_matrix as fm

    sp = api.service_principal("staging-cicd")
    old = api.token(sp)
    api.secret("STAGING_WORKSPACE_TOKEN", old["token_value"])
    api.secret("TRIGGER_WORKFLOWS_GITHUB_TOKEN", "ghp_not-a-databricks-credential")
    since = len(api.world.events())
    where = f"GitHub secret STAGING_WORKSPACE_TOKEN ({REPO})"
    assert {k: v["id"] for k, v in invariants.held_credentials(api.world.snapshot()).items()} == {where: old["id"]}
    assert fm.renewed(api.world.snapshot(), since) == {where: False}  # a rotation that did not happen
    api.secret("STAGING_WORKSPACE_TOKEN", api.token(sp)["token_value"], "update")
    assert fm.renewed(api.world.snapshot(), since) == {where: True}


# ---- service principal names ------------------------------------------------------------------------------
def test_a_second_live_sp_with_the_same_name_in_one_workspace_is_reported_once(api):
    api.service_principal("staging-cicd")
    api.service_principal("staging-cicd", OTHER_HOST)  # another workspace: fine
    _, broken = api.call("databricks_service_principal", "create", {"display_name": "staging-cicd"})
    text = invariants.describe(_only(broken))
    assert "create databricks_service_principal" in text
    assert f"2 live service principals named 'staging-cicd' on {HOST}" in text
    assert api.call("databricks_service_principal", "create", {"display_name": "other"})[1] == []  # not repeated


# ---- state isolation ---------------------------------------------------------------------------------------
def _state_file(path, *objects: tuple[str, str]):
    path.write_text(json.dumps({"version": 4, "resources": [
        {"mode": "managed", "type": t, "name": "x", "instances": [{"attributes": {"id": i}}]} for t, i in objects]}))
    return path


def _logged(world: dict, stack: str, tf_type: str, object_id: str, scope: str | None) -> None:
    event = events.record(world, kind="resource", tf_type=tf_type, operation="create", outcome="ok",
                          object_id=object_id, scope=scope)
    event["stack"] = stack


def test_an_object_named_by_two_stacks_states_is_reported(tmp_path):
    staging = _state_file(tmp_path / "staging.tfstate", ("github_repository_environment", "repo:prod"),
                          ("databricks_directory", "/Shared/project"), ("time_static", "2026-01-01T00:00:00Z"))
    prod = _state_file(tmp_path / "prod.tfstate", ("github_repository_environment", "repo:prod"),
                       ("databricks_directory", "/Shared/project"), ("time_static", "2026-01-01T00:00:00Z"))
    with store.transaction(tmp_path / "state") as world:
        for stack, host in (("staging", HOST), ("prod", OTHER_HOST)):
            _logged(world, stack, "github_repository_environment", "repo:prod", f"github:{OWNER}")
            _logged(world, stack, "databricks_directory", "/Shared/project", host)  # same path, two workspaces
            _logged(world, stack, "time_static", "2026-01-01T00:00:00Z", None)  # no remote object
        broken = invariants.check_state_isolation(world, {"staging": staging, "prod": prod})
    assert [v["message"] for v in broken] == [
        f"the states of stacks prod, staging all name github_repository_environment repo:prod (github:{OWNER})"]


def test_guard_returns_each_violation_once(tmp_path):
    guard = invariants.Guard(tmp_path / "state")
    with store.transaction(tmp_path / "state") as world:
        _logged(world, "a", "github_repository_environment", "repo:x", "github:org")
        _logged(world, "b", "github_repository_environment", "repo:x", "github:org")
    states = {name: _state_file(tmp_path / f"{name}.tfstate", ("github_repository_environment", "repo:x"))
              for name in ("a", "b")}
    (first,) = guard.after_step(states)
    assert "invariant 'state isolation' broken" in first
    assert guard.after_step(states) == []


# ---- faults ------------------------------------------------------------------------------------------------
def test_inject_fault_refuses_an_unknown_timing(tmp_path):
    with pytest.raises(ValueError, match="when must be one of before, after"):
        World(tmp_path).inject_fault("databricks_obo_token", when="during")


# ---- through terraform ---------------------------------------------------------------------------------------
FIXTURE_HOST = "https://fixture-ws.cloud.databricks.com"


@pytest.mark.terraform
def test_the_event_log_holds_every_call_of_an_apply_and_a_plan_in_order(harness, world):
    stack = deployed(harness, "minimal", fixture_stack("minimal"))
    in_state = {(r["type"], r["values"]["id"]) for r in stack.resources()}
    creates = world.events(operation="create", step="apply #1")
    assert {(e["type"], e["id"]) for e in creates} == in_state
    assert {e["outcome"] for e in creates} == {"ok"} and {e["stack"] for e in creates} == {"minimal"}
    scopes = {e["type"]: e["scope"] for e in creates}
    assert scopes["databricks_service_principal"] == FIXTURE_HOST
    assert scopes["github_actions_secret"] == "github:fixture-org" and scopes["time_rotating"] is None
    assert world.events(kind="data", type="databricks_group", outcome="ok")
    assert stack.plan().no_changes
    reads = world.events(operation="read", step="plan #1", kind="resource")
    assert {(e["type"], e["id"]) for e in reads} == in_state
    log = world.events()
    assert [e["seq"] for e in log] == list(range(1, len(log) + 1))
    assert [e["at"] for e in log] == sorted(e["at"] for e in log)


@pytest.mark.terraform
def test_a_fault_before_the_call_changes_nothing(harness, world):
    world.inject_fault("databricks_service_principal", operation="create", when="before")
    stack = initialized(harness, "minimal", fixture_stack("minimal"))
    result = stack.apply()
    assert result.exit_code == 1 and result.mentions("injected API error on create call #1 of databricks_service_principal")
    assert world.service_principals(FIXTURE_HOST) == []
    (event,) = world.events(type="databricks_service_principal")
    assert (event["outcome"], event["fault"], event["id"]) == ("faulted", "before", None)


@pytest.mark.terraform
def test_a_fault_after_the_call_leaves_an_orphan_and_the_strict_harness_fails_at_the_duplicate(harness, world):
    """The SP is created, the answer is lost: Terraform never learns its id, so the next apply creates a second
    one with the same name. The harness fails the test at that apply, naming the call."""
    world.inject_fault("databricks_service_principal", operation="create", when="after")
    stack = initialized(harness, "minimal", fixture_stack("minimal"))
    assert stack.apply().exit_code == 1
    (orphan,) = world.service_principals(FIXTURE_HOST)
    (event,) = world.events(type="databricks_service_principal")
    assert (event["outcome"], event["fault"], event["id"]) == ("faulted", "after", orphan["id"])
    assert "databricks_service_principal" not in {r["type"] for r in stack.resources()}
    with pytest.raises(InvariantBroken) as broken:
        stack.apply()
    message = str(broken.value)
    assert message.startswith("minimal: apply #2 broke an invariant of the emulated world")
    assert "invariant 'unique SP name' broken at event #" in message
    assert "(stack minimal, apply #2): create databricks_service_principal" in message
    assert f"2 live service principals named 'fixture-cicd' on {FIXTURE_HOST}" in message


def _environment_stack(environment: str) -> dict:
    return {"terraform": {"required_providers": {"github": {"source": "integrations/github", "version": "6.9.0"}}},
            "provider": {"github": [{"owner": "fixture-org"}]},
            "resource": {"github_repository_environment": {"env": {"repository": "fixture-repo",
                                                                    "environment": environment}}}}


@pytest.mark.terraform
def test_two_stacks_owning_one_github_environment_fail_at_the_second_apply(harness):
    """Two environments configured with one GitHub environment name (issue 8, defect 6)."""
    deployed(harness, "staging", _environment_stack("prod"))
    prod = initialized(harness, "prod", _environment_stack("prod"))
    with pytest.raises(InvariantBroken, match=r"(?s)prod: apply #1 broke .*'state isolation' broken at event #\d+ "
                                              r"\(stack prod, apply #1\).*the states of stacks prod, staging all name "
                                              r"github_repository_environment fixture-repo:prod \(github:fixture-org\)"):
        prod.apply()


@pytest.mark.terraform
def test_stacks_with_their_own_objects_pass(harness, world):
    for name in ("staging", "prod"):
        deployed(harness, name, _environment_stack(name))
    assert world.violations() == []
