"""Emulated provider behaviour that the constructs rely on, shown on the hand-written fixture stack."""

from __future__ import annotations

import copy

from .conftest import deployed, fixture_stack, initialized

HOST = "https://fixture-ws.cloud.databricks.com"
REPO = "fixture-org/fixture-repo"
TOKEN = "databricks_obo_token.token"


def _token_value(stack) -> str:
    return {r["address"]: r["values"] for r in stack.resources()}[TOKEN]["token_value"]


def test_rotation_replaces_the_token_and_rewrites_its_secret_in_one_apply(harness, world):
    stack = deployed(harness, "minimal", fixture_stack("minimal"))
    old = _token_value(stack)
    world.advance_clock(days=31)  # past rotation_days = 30, well before the 45-day lifetime
    plan = stack.plan()
    assert plan.exit_code == 2
    assert plan.mentions(f"{TOKEN} will be replaced")
    assert plan.mentions("github_actions_secret.workspace_token must be replaced")
    assert stack.apply().ok
    new = _token_value(stack)
    assert new != old
    assert world.reveal_secret(REPO, "FIXTURE_WORKSPACE_TOKEN") == new
    assert len(world.tokens(HOST)) == 1  # create_before_destroy removed the old one
    assert stack.plan().no_changes


GIT = "databricks_git_credential.git"


def test_rotation_plan_reads_the_sps_git_credential_as_the_deployer_and_recreates_it(harness, world):
    """The SP provider's token is unknown in a rotation plan: the real provider treats it as unset and the SDK
    takes DATABRICKS_TOKEN from the environment, the deployer's. Git credentials are per identity, so the
    deployer does not see the SP's one: it drops out of state and is created again, as the SP, at apply;
    `force = true` makes that create update the SP's existing credential instead of failing."""
    stack = deployed(harness, "minimal", fixture_stack("minimal"))
    (owner,) = world.git_credentials(HOST)
    before = world.git_credentials(HOST)[owner]["id"]
    world.advance_clock(days=31)
    plan = stack.plan()
    assert plan.mentions(f"{GIT} will be created"), plan.output
    assert stack.apply().ok
    assert world.git_credentials(HOST) == {owner: world.git_credentials(HOST)[owner]}
    assert world.git_credentials(HOST)[owner]["id"] == before  # updated in place, as upstream's force does
    assert stack.plan().no_changes


def test_rotation_without_git_credential_force_fails_at_apply(harness, world):
    config = fixture_stack("minimal")
    del config["resource"]["databricks_git_credential"]["git"]["force"]
    stack = deployed(harness, "minimal", config)
    old = _token_value(stack)
    world.advance_clock(days=31)
    result = stack.apply()
    assert result.exit_code != 0
    assert result.mentions("already has a git credential; only one git credential per user is supported")
    assert world.reveal_secret(REPO, "FIXTURE_WORKSPACE_TOKEN") != old  # the token rotated; the SP's copy broke


def test_sp_provider_with_unknown_token_and_no_deployer_token_cannot_refresh(harness, world):
    """auth_type = "pat" pins the method; with the token unknown and no DATABRICKS_TOKEN the SDK names it."""
    stack = deployed(harness, "minimal", fixture_stack("minimal"))
    world.advance_clock(days=31)
    stack.env["DATABRICKS_TOKEN"] = ""
    plan = stack.plan()
    assert plan.exit_code == 1
    assert plan.mentions("auth_type pat: token is not set")


def test_time_rotating_alone_in_replace_triggered_by_does_not_rotate(harness, world):
    """Terraform triggers on an update/replace of the referenced resource, not on its creation."""
    config = fixture_stack("minimal")
    config["resource"]["databricks_obo_token"]["token"]["lifecycle"]["replace_triggered_by"] = ["time_rotating.rotation"]
    stack = deployed(harness, "minimal", config)
    old = _token_value(stack)
    world.advance_clock(days=31)
    plan = stack.plan()
    assert plan.mentions("time_rotating.rotation will be created")
    assert not plan.mentions(f"{TOKEN} will be replaced")
    assert stack.apply().ok
    assert _token_value(stack) == old


def test_obo_token_is_refused_until_the_sp_can_use_tokens(harness):
    config = fixture_stack("minimal")
    del config["resource"]["databricks_group_member"]
    del config["resource"]["databricks_obo_token"]["token"]["depends_on"]
    stack = initialized(harness, "minimal", config)
    result = stack.apply()
    assert result.exit_code != 0
    assert result.mentions("does not have permission to use tokens")


def test_token_permissions_are_authoritative(harness, world):
    config = fixture_stack("minimal")
    stack = deployed(harness, "minimal", config)
    assert len(world.tokens(HOST)) == 1
    config = copy.deepcopy(config)
    config["resource"]["databricks_permissions"] = {"tokens": {
        "authorization": "tokens", "access_control": [{"group_name": "users", "permission_level": "CAN_USE"}]}}
    stack.reconfigure(config)
    assert stack.apply().ok
    assert world.tokens(HOST) == []  # the SP's group was left out: its token was revoked
    assert stack.plan().mentions(f"{TOKEN} will be created")


def test_one_git_credential_per_service_principal(harness):
    config = fixture_stack("minimal")
    second = copy.deepcopy(config["resource"]["databricks_git_credential"]["git"])
    second["depends_on"] = ["databricks_git_credential.git"]
    del second["force"]  # force = true would update the first one in place
    config["resource"]["databricks_git_credential"]["second"] = second
    stack = initialized(harness, "minimal", config)
    result = stack.apply()
    assert result.exit_code != 0 and result.mentions("already has a git credential")


def test_conflicting_secret_values_fail_validation(harness):
    config = fixture_stack("minimal")
    config["resource"]["github_actions_secret"]["workspace_token"]["encrypted_value"] = "c2VhbGVk"
    stack = initialized(harness, "minimal", config)
    result = stack.validate()
    assert result.exit_code != 0 and result.mentions("plaintext_value") and result.mentions("conflicts")


def test_github_secret_deleted_out_of_band_is_written_again(harness, world):
    stack = deployed(harness, "minimal", fixture_stack("minimal"))
    world.delete_github_secret(REPO, "FIXTURE_WORKSPACE_TOKEN")
    plan = stack.plan()
    assert plan.exit_code == 2 and plan.mentions("github_actions_secret.workspace_token will be created")
    assert stack.apply().ok
    assert world.reveal_secret(REPO, "FIXTURE_WORKSPACE_TOKEN") == _token_value(stack)
