"""The shipped configuration (both stacks, synthesized by the constructs) against real terraform."""

from __future__ import annotations

import copy

import pytest

from mlops_cicd_offline.harness.terraform import Harness

from helpers.offline import deployed, initialized

STAGING = "https://mlops-demo-staging.cloud.databricks.com"
PROD = "https://mlops-demo-prod.cloud.databricks.com"
REPO = "ryuta-databricks/mlops-demo-classifier"
SCOPE = "staging-mlops-demo-classifier-cd-credentials"

pytestmark = pytest.mark.terraform


def _state(stack) -> dict[str, dict]:
    return {r["address"]: r["values"] for r in stack.resources()}


def _one(state: dict, tf_type: str) -> dict:
    found = [v for a, v in state.items() if a.startswith(tf_type + ".")]
    assert len(found) == 1, (tf_type, list(state))
    return found[0]


@pytest.fixture
def staging(harness: Harness, default_stacks):
    return deployed(harness, "staging", default_stacks["staging"])


def test_both_stacks_apply_then_replan_shows_no_changes(either_harness, default_stacks, world):
    """On the pool's running providers and launched by terraform as for a user: the same outcome."""
    harness = either_harness
    staging = deployed(harness, "staging", default_stacks["staging"])
    assert world.service_principals(PROD) == []  # applying staging left the prod workspace untouched
    staging_world = (world.snapshot()["workspaces"][STAGING], world.repository(REPO)["secrets"])
    prod = deployed(harness, "prod", default_stacks["prod"])
    assert (world.snapshot()["workspaces"][STAGING], world.repository(REPO)["secrets"]) == staging_world
    for stack in (staging, prod):
        replan = stack.plan()
        assert replan.no_changes, replan.output
    for host, stack in ((STAGING, staging), (PROD, prod)):
        (sp,) = world.service_principals(host)
        assert sp["allow_cluster_create"] is True
        assert sp["id"] in world.group_members(host, "mlops-service-principals")
        (token,) = world.tokens(host)
        assert token["application_id"] == sp["application_id"]
        assert list(world.git_credentials(host)) == [sp["application_id"]]  # the SP's, managed by the deployer
        assert world.secret_scopes(host)[f"{stack.name}-mlops-demo-classifier-cd-credentials"]["acls"] == {
            "deployer@example.com": "MANAGE", sp["application_id"]: "READ"}
    staging_token = _one(_state(staging), "databricks_obo_token")["token_value"]
    prod_token = _one(_state(prod), "databricks_obo_token")["token_value"]
    assert world.reveal_secret(REPO, "STAGING_WORKSPACE_TOKEN") == staging_token
    assert world.reveal_secret(REPO, "PROD_WORKSPACE_TOKEN", environment="prod") == prod_token
    assert "PROD_WORKSPACE_TOKEN" not in world.secret_names(REPO)


def test_scheduled_rotation_replaces_the_token_and_every_copy_in_one_apply(staging, world):
    """The default stack rotates on its schedule (60 days), well before the 90-day token expires, with a plain
    apply: the deployer manages everything, so nothing else is refreshed differently in the rotation plan."""
    state = _state(staging)
    before = _one(state, "databricks_obo_token")["token_value"]
    (sp,) = world.service_principals(STAGING)
    git_before = world.git_credentials(STAGING)[sp["application_id"]]
    world.advance_clock(days=61)  # past rotation_days, token still valid
    plan = staging.plan()
    assert plan.exit_code == 2
    assert plan.mentions("databricks_obo_token.workspace_token_9CE72CD4 will be replaced"), plan.output
    # github >= 6.11.0 writes the new value in place: the secret CI reads never disappears
    assert plan.mentions("github_actions_secret.github_secret_staging_workspace_token will be updated in-place"), plan.output
    assert not plan.mentions("# databricks_git_credential."), plan.output  # no action on it
    result = staging.apply()
    assert result.ok, result.output
    after = _one(_state(staging), "databricks_obo_token")["token_value"]
    assert after != before
    assert world.reveal_secret(REPO, "STAGING_WORKSPACE_TOKEN") == after
    assert len(world.tokens(STAGING)) == 1  # the old token was removed after the new one was stored
    assert world.git_credentials(STAGING) == {sp["application_id"]: git_before}  # untouched
    replan = staging.plan()
    assert replan.no_changes, replan.output


def test_expired_token_is_recreated_and_every_copy_rewritten_in_one_apply(staging, world):
    before = _one(_state(staging), "databricks_obo_token")["token_value"]
    world.advance_clock(days=91)  # past the 90-day lifetime
    assert staging.apply().ok
    after = _one(_state(staging), "databricks_obo_token")["token_value"]
    assert after != before
    assert world.reveal_secret(REPO, "STAGING_WORKSPACE_TOKEN") == after
    assert len(world.tokens(STAGING)) == 1
    replan = staging.plan()
    assert replan.no_changes, replan.output


def test_service_principal_deleted_out_of_band_is_recreated_and_converges(staging, world):
    """The deployer owns the trigger scope and manages the git credential: a new SP gets READ on the same
    scope, its own git credential and token, and the next plan has no changes."""
    (sp,) = world.service_principals(STAGING)
    world.delete_service_principal(STAGING, sp["id"])
    plan = staging.plan()
    assert plan.exit_code == 2 and plan.mentions("databricks_service_principal.cicd_service_principal")
    result = staging.apply()
    assert result.ok, result.output
    (new_sp,) = world.service_principals(STAGING)
    assert new_sp["id"] != sp["id"]
    assert list(world.git_credentials(STAGING)) == [new_sp["application_id"]]
    (token,) = world.tokens(STAGING)
    assert token["application_id"] == new_sp["application_id"]
    assert world.secret_scopes(STAGING)[SCOPE]["acls"][new_sp["application_id"]] == "READ"
    replan = staging.plan()
    assert replan.no_changes, replan.output


def test_interrupted_apply_converges_without_duplicates(harness, default_stacks, world):
    world.inject_fault("databricks_git_credential", nth=1, operation="create")
    stack = initialized(harness, "staging", default_stacks["staging"])
    first = stack.apply()
    assert first.exit_code != 0 and first.mentions("injected API error")
    assert len(world.service_principals(STAGING)) == 1  # it got midway
    second = stack.apply()
    assert second.ok, second.output
    assert len(world.service_principals(STAGING)) == 1
    assert len(world.tokens(STAGING)) == 1
    assert stack.plan().no_changes


def test_destroy_leaves_the_emulated_workspaces_empty(harness, default_stacks, world, staging):
    prod = deployed(harness, "prod", default_stacks["prod"])
    for stack in (prod, staging):
        result = stack.destroy()
        assert result.ok, result.output
    assert world.is_empty(STAGING) and world.is_empty(PROD)
    assert world.secret_names(REPO) == []
    assert world.repository(REPO)["environments"] == {}


@pytest.mark.parametrize("mutate, attribute", [
    (lambda r: [sp.update(allow_cluster_creat=True) for sp in r["databricks_service_principal"].values()],
     "allow_cluster_creat"),
    (lambda r: [t.pop("application_id") for t in r["databricks_obo_token"].values()], "application_id"),
    (lambda r: [t.update(lifetime_seconds="ninety days") for t in r["databricks_obo_token"].values()],
     "lifetime_seconds"),
    (lambda r: [t.update(token_value="dapi-not-settable") for t in r["databricks_obo_token"].values()],
     "token_value"),
])
def test_validate_fails_naming_the_attribute(harness, default_stacks, mutate, attribute):
    config = copy.deepcopy(default_stacks["staging"])
    mutate(config["resource"])
    stack = initialized(harness, "staging", config)
    result = stack.validate()
    assert result.exit_code != 0
    assert result.mentions(attribute)
