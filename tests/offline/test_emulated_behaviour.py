"""Emulated provider behaviour that the constructs rely on, shown on the hand-written fixture stack."""

from __future__ import annotations

import copy

import pytest

from mlops_cicd import framework

from mlops_cicd_offline.world.databricks.auth import DEPLOYER_CLIENT_ID, DEPLOYER_CLIENT_SECRET
from mlops_cicd_offline.world.base import digest

from helpers.offline import deployed, fixture_stack, initialized

pytestmark = pytest.mark.terraform

HOST = "https://fixture-ws.cloud.databricks.com"
REPO = "fixture-org/fixture-repo"
TOKEN = "databricks_obo_token.token"


def _token_value(stack) -> str:
    return {r["address"]: r["values"] for r in stack.resources()}[TOKEN]["token_value"]


def _pinned(config: dict, **versions: str) -> dict:
    """The stack with `terraform.required_providers.<name>.version` set, as a stack pins its releases."""
    config = copy.deepcopy(config)
    for name, version in versions.items():
        config["terraform"]["required_providers"][name]["version"] = version
    return config


def _in_place_secrets() -> dict:
    """The fixture stack on github 6.11.0, which writes a new secret value in place (the stacks pin it)."""
    return _pinned(fixture_stack("minimal"), github="6.11.0")


def test_rotation_replaces_the_token_and_rewrites_its_secret_in_one_apply(harness, world):
    stack = deployed(harness, "minimal", _in_place_secrets())
    old = _token_value(stack)
    world.advance_clock(days=31)  # past rotation_days = 30, well before the 45-day lifetime
    plan = stack.plan()
    assert plan.exit_code == 2
    assert plan.mentions(f"{TOKEN} will be replaced")
    assert plan.mentions("github_actions_secret.workspace_token will be updated in-place")
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
    `force = true` makes that create update the SP's existing credential instead of failing. (Why the stacks
    no longer have a provider acting as the SP.)"""
    stack = deployed(harness, "minimal", _in_place_secrets())
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
    config = _in_place_secrets()
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
    harness.strict_invariants = False  # on purpose: the SP loses token use, so the token CI holds is revoked
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


SECRET = "github_actions_secret.workspace_token"


@pytest.mark.parametrize("version, write, planned, kept", [
    ("6.9.0", "create", f"{SECRET} must be replaced", False),
    ("6.11.0", "update", f"{SECRET} will be updated in-place", True),
])
def test_github_secret_is_replaced_before_6_11_and_updated_in_place_from_it(harness, world, version, write, planned, kept):
    """The same stack and rotation against two github releases. Before 6.11.0 a new value forces replacement:
    the secret is deleted, then created, so when that create fails CI has no secret at all. From 6.11.0 the
    value is updated in place: when the write fails, the secret still holds the old, still valid token; but
    the provider (plugin SDK v2) records the new value anyway and never reads it back, so the next plan writes
    nothing and only destroys the old token GitHub holds (failed_update.py; the stacks refuse that plan:
    constructs/secret_written.py, tests/offline/test_failed_secret_update.py)."""
    harness.strict_invariants = kept  # before 6.11.0 the rotation breaks "GitHub holds a live credential"
    stack = deployed(harness, "minimal", _pinned(fixture_stack("minimal"), github=version))
    old = _token_value(stack)
    world.advance_clock(days=31)  # the token's rotation is due
    world.inject_fault("github_actions_secret", operation=write)  # writing the new value fails once
    failed = stack.apply()
    assert failed.exit_code != 0 and failed.mentions(planned), failed.output
    if kept:
        assert world.reveal_secret(REPO, "FIXTURE_WORKSPACE_TOKEN") == old
        assert any(t["value_sha256"] == digest(old) for t in world.tokens(HOST))  # and it still works
        plan = stack.plan()
        assert plan.exit_code == 2 and not plan.mentions(f"{SECRET} will be updated"), plan.output
        assert plan.mentions("(deposed object") and plan.mentions("0 to add, 0 to change, 2 to destroy"), plan.output
        return
    assert "FIXTURE_WORKSPACE_TOKEN" not in world.secret_names(REPO)
    result = stack.apply()
    assert result.ok, result.output
    assert world.reveal_secret(REPO, "FIXTURE_WORKSPACE_TOKEN") == _token_value(stack) != old
    assert stack.plan().no_changes


def _managed_git_credential(databricks: str) -> dict:
    """The fixture with the SP's git credential managed by the deployer through `principal_id`."""
    config = _pinned(fixture_stack("minimal"), databricks=databricks)
    config["provider"]["databricks"] = [p for p in config["provider"]["databricks"] if "alias" not in p]
    git = config["resource"]["databricks_git_credential"]["git"]
    del git["provider"]
    git["principal_id"] = "${databricks_service_principal.sp.id}"
    return config


def test_the_creator_of_a_service_principal_manages_its_git_credential(harness, world):
    """databricks >= 1.116.0: `principal_id` names whose credential it is; only the SP's managers may use it."""
    stack = deployed(harness, "minimal", _managed_git_credential("1.116.0"))
    (sp,) = world.service_principals(HOST)
    assert list(world.git_credentials(HOST)) == [sp["application_id"]]  # the SP's, not the deployer's
    assert stack.plan().no_changes
    # Another identity, a workspace admin too, that did not create the SP is no manager of it.
    stack.env.update(DATABRICKS_TOKEN="", DATABRICKS_CLIENT_ID=DEPLOYER_CLIENT_ID,
                     DATABRICKS_CLIENT_SECRET=DEPLOYER_CLIENT_SECRET)
    plan = stack.plan()
    assert plan.exit_code == 1 and plan.mentions("does not have roles/servicePrincipal.manager on service principal"), plan.output


def test_principal_id_is_unknown_to_databricks_1_99(harness):
    stack = initialized(harness, "minimal", _managed_git_credential("1.99.0"))
    result = stack.validate()
    assert result.exit_code != 0 and result.mentions("principal_id"), result.output


def test_each_served_release_has_its_own_schema(offline_build):
    """The mirror offers the bindings' releases and the newer ones the stacks pin, each with its changes; a binding
    newer than every restated release (CDK Terrain's) carries them all."""
    served = {"cdktf": {"databricks": ["1.99.0", "1.116.0"], "github": ["6.9.0", "6.11.0"]},
              "cdktn": {"databricks": ["1.138.0"], "github": ["6.13.0"]}}[framework.NAME]
    assert {name: offline_build.served[name] for name in served} == served
    git_credential = [offline_build.schemas("databricks", v).get("resource", "databricks_git_credential")["attributes"]
                      for v in served["databricks"]]
    new = git_credential[-1]
    assert new["principal_id"]["optional"] and not new["principal_id"].get("force_new")
    assert new["personal_access_token"]["sensitive"]
    if len(git_credential) > 1:
        assert "principal_id" not in git_credential[0] and not git_credential[0]["personal_access_token"].get("sensitive")
    for tf_type in ("github_actions_secret", "github_actions_environment_secret"):
        secret = [offline_build.schemas("github", v).get("resource", tf_type)["attributes"] for v in served["github"]]
        assert not secret[-1]["plaintext_value"].get("force_new") and secret[-1]["remote_updated_at"]["computed"]
        if len(secret) > 1:
            assert secret[0]["plaintext_value"]["force_new"] and "remote_updated_at" not in secret[0]
    drift = [offline_build.schemas("github", v).get("resource", "github_actions_secret")["attributes"]["destroy_on_drift"]
             for v in served["github"]]
    assert "default" not in drift[-1] and not drift[-1].get("force_new")  # deprecated from 6.11.0
    if len(drift) > 1:
        assert drift[0]["default"] is True and drift[0]["force_new"]
    variable = [offline_build.schemas("github", v).get("resource", "github_actions_variable")["attributes"]["repository"]
                for v in served["github"]]
    assert variable[-1]["force_new"]  # 6.11.0: another repository replaces the variable
    if len(variable) > 1:
        assert not variable[0].get("force_new")


def test_a_databricks_release_that_adds_api_serves_it_from_then_on(offline_build):
    """`api` arrives in databricks 1.113.0 (NEWER_PROVIDERS.md): the served 1.116.0 (CDKTF) and the 1.138.0 binding
    (CDK Terrain) have it, ForceNew where the type has no Update; CDKTF's 1.99.0 binding has not."""
    for version in offline_build.served["databricks"]:
        member = offline_build.schemas("databricks", version).get("resource", "databricks_group_member")["attributes"]
        if version == "1.99.0":
            assert "api" not in member
        else:
            assert member["api"]["optional"] and member["api"]["force_new"]
