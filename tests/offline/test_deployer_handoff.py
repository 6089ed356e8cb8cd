"""A stack deployed by someone other than its service principal's creator (a team hand-off, a CI deployer).

Only the SP's managers may manage its git credential with `principal_id` (databricks provider v1.116.0
docs/resources/git_credential.md), and only its creator is one until the stack gives the role to
`service_principal_roles.managers` in the SP's rule set."""

from __future__ import annotations

import copy

import pytest

from mlops_cicd_offline.world.databricks.auth import DEPLOYER, DEPLOYER_CLIENT_ID, DEPLOYER_CLIENT_SECRET

from helpers.offline import deployed, initialized

pytestmark = pytest.mark.terraform

STAGING = "https://mlops-demo-staging.cloud.databricks.com"
ACCOUNT = {"host": "https://accounts.cloud.databricks.com", "account_id": "0d6a1b2c-1111-2222-3333-444455556666"}
DEPLOYERS_GROUP = "mlops-deployers"
# a workspace admin that did not create the SP: a service principal authenticating with OAuth M2M
SECOND_DEPLOYER = {"DATABRICKS_TOKEN": "", "DATABRICKS_CLIENT_ID": DEPLOYER_CLIENT_ID,
                   "DATABRICKS_CLIENT_SECRET": DEPLOYER_CLIENT_SECRET}
NOT_A_MANAGER = "does not have roles/servicePrincipal.manager on service principal"


def _staging(raw_config, synth_raw, roles: dict | None) -> dict:
    for env in raw_config["environments"]:
        if roles is not None:
            env.update(account=ACCOUNT, service_principal_roles=roles)
    return synth_raw(raw_config)["staging"]


def _as_second_deployer(stack):
    stack.env.update(SECOND_DEPLOYER)
    return stack


def test_a_deployer_in_the_managers_group_takes_over_the_stack(harness, world, raw_config, synth_raw):
    world.add_group_members(STAGING, DEPLOYERS_GROUP, DEPLOYER["name"], DEPLOYER_CLIENT_ID)
    stack = deployed(harness, "staging", _staging(raw_config, synth_raw, {"managers": [f"group:{DEPLOYERS_GROUP}"]}))
    (sp,) = world.service_principals(STAGING)
    assert world.service_principal_roles(STAGING, sp["application_id"]) == {
        "roles/servicePrincipal.manager": [f"groups/{DEPLOYERS_GROUP}"]}
    plan = _as_second_deployer(stack).plan()
    assert plan.no_changes, plan.output
    # the second deployer changes the SP's git credential (a new read token): an in-place update, as a manager
    stack.env["TF_VAR_git_read_token"] = "ghp_" + "n" * 36
    result = stack.apply()
    assert result.ok, result.output
    plan = stack.plan()
    assert plan.no_changes, plan.output
    # and can tear it down: the git credential goes while the role that allows it still stands
    result = stack.destroy()
    assert result.ok, result.output
    assert world.service_principals(STAGING) == [] and world.git_credentials(STAGING) == {}


def test_the_first_deployer_must_be_a_manager_too(harness, world, raw_config, synth_raw):
    """The rule set replaces every grant on the SP, its creator's own manager role included: a creator outside
    `managers` is refused at once, before the SP's git credential exists, not on some later deploy."""
    world.add_group_members(STAGING, DEPLOYERS_GROUP, DEPLOYER_CLIENT_ID)
    stack = initialized(harness, "staging", _staging(raw_config, synth_raw, {"managers": [f"group:{DEPLOYERS_GROUP}"]}))
    result = stack.apply()
    assert result.exit_code == 1 and result.mentions(NOT_A_MANAGER), result.output
    assert world.git_credentials(STAGING) == {}


def test_a_deployer_outside_the_managers_group_gets_a_clear_refusal(harness, world, raw_config, synth_raw):
    world.add_group_members(STAGING, DEPLOYERS_GROUP, DEPLOYER["name"])
    stack = deployed(harness, "staging", _staging(raw_config, synth_raw, {"managers": [f"group:{DEPLOYERS_GROUP}"]}))
    plan = _as_second_deployer(stack).plan()
    assert plan.exit_code == 1 and plan.mentions(NOT_A_MANAGER), plan.output
    world.add_group_members(STAGING, DEPLOYERS_GROUP, DEPLOYER_CLIENT_ID)  # the fix: put the deployer in the group
    plan = stack.plan()
    assert plan.no_changes, plan.output


def test_without_managed_roles_only_the_creator_can_deploy(harness, world, raw_config, synth_raw):
    """What every stack did before `service_principal_roles`: the hand-off fails on the git credential."""
    world.add_group_members(STAGING, DEPLOYERS_GROUP, DEPLOYER["name"], DEPLOYER_CLIENT_ID)
    stack = deployed(harness, "staging", _staging(raw_config, synth_raw, None))
    plan = _as_second_deployer(stack).plan()
    assert plan.exit_code == 1 and plan.mentions(NOT_A_MANAGER), plan.output


def test_removing_the_setting_after_a_deploy_keeps_the_roles(harness, world, raw_config, synth_raw):
    """Deleting a rule set empties it (upstream Delete), which would lock every deployer out of the SP: a stack
    whose config no longer sets `service_principal_roles` forgets the rule set instead."""
    world.add_group_members(STAGING, DEPLOYERS_GROUP, DEPLOYER["name"], DEPLOYER_CLIENT_ID)
    with_roles = _staging(copy.deepcopy(raw_config), synth_raw, {"managers": [f"group:{DEPLOYERS_GROUP}"]})
    stack = deployed(harness, "staging", with_roles)
    (sp,) = world.service_principals(STAGING)
    granted = world.service_principal_roles(STAGING, sp["application_id"])
    for env in raw_config["environments"]:
        env["account"] = ACCOUNT  # the account stays; only the roles setting goes
    stack.reconfigure(synth_raw(raw_config)["staging"])
    result = stack.apply()
    assert result.ok, result.output
    assert world.service_principal_roles(STAGING, sp["application_id"]) == granted
    plan = _as_second_deployer(stack).plan()
    assert plan.no_changes, plan.output
