"""Each credential mode of the shipped configuration deploys offline and re-plans clean."""

from __future__ import annotations

from mlops_cicd.offline.emulation.base import digest

from .conftest import deployed

STAGING = "https://mlops-demo-staging.cloud.databricks.com"
REPO = "ryuta-databricks/mlops-demo-classifier"
ACCOUNT = "0d6a1b2c-1111-2222-3333-444455556666"


def _staging_in_mode(raw_config, synth_raw, mode: str) -> dict:
    for env in raw_config["environments"]:
        env["credential_mode"] = mode
        if mode == "oidc":
            env["account"] = {"host": "https://accounts.cloud.databricks.com", "account_id": ACCOUNT}
            env["secret_placement"] = "environment"
    return synth_raw(raw_config)["staging"]


def test_oauth_mode_creates_the_git_credential_as_the_sp_via_its_oauth_secret(harness, world, raw_config, synth_raw):
    stack = deployed(harness, "staging", _staging_in_mode(raw_config, synth_raw, "oauth"))
    assert stack.plan().no_changes
    (sp,) = world.service_principals(STAGING)
    (secret,) = world.oauth_secrets(STAGING)
    assert secret["application_id"] == sp["application_id"]
    assert world.tokens(STAGING) == []
    assert list(world.git_credentials(STAGING)) == [sp["application_id"]]


def test_oidc_mode_federates_the_environment_and_stores_no_databricks_secret(harness, world, raw_config, synth_raw):
    stack = deployed(harness, "staging", _staging_in_mode(raw_config, synth_raw, "oidc"))
    assert stack.plan().no_changes
    (policy,) = world.federation_policies(ACCOUNT).values()
    assert policy["oidc_policy"]["subject"] == f"repo:{REPO}:environment:staging"
    assert world.tokens(STAGING) == [] and world.oauth_secrets(STAGING) == []
    assert not any("WORKSPACE_TOKEN" in name or "CLIENT_SECRET" in name for name in world.secret_names(REPO, "staging"))


def test_oauth_scheduled_rotation_by_plain_redeploy_fails_to_plan(harness, world, raw_config, synth_raw):
    """Why `mlops-cicd rotate` exists. Once the schedule is due, the OAuth secret is planned for replacement,
    so the SP provider's client_secret is unknown. Provider 1.99.0 treats it as unset; the SDK fills it from
    DATABRICKS_CLIENT_SECRET of the deployer's environment (or finds none), keeps the SP's client_id, and
    refreshing the git credential and trigger scope under that provider fails to authenticate. Nothing
    changes: the old secret and its GitHub copy stay valid until the rotation runs in two phases."""
    stack = deployed(harness, "staging", _staging_in_mode(raw_config, synth_raw, "oauth"))
    old = world.reveal_secret(REPO, "STAGING_DATABRICKS_CLIENT_SECRET")
    (live_before,) = world.oauth_secrets(STAGING)
    world.advance_clock(days=61)  # past rotation_days = 60, before the 90-day lifetime

    plan = stack.plan()  # the deployer has only DATABRICKS_TOKEN (the harness's deployer token)
    assert plan.exit_code == 1
    assert plan.mentions("Error: cannot read databricks_git_credential")
    assert plan.mentions("auth_type oauth-m2m: client_secret not set")

    stack.env.update(DATABRICKS_CLIENT_ID="deployer-sp", DATABRICKS_CLIENT_SECRET="the-deployers-own-secret")
    plan = stack.plan()  # a deployer authenticating with its own OAuth secret
    assert plan.exit_code == 1
    assert plan.mentions("401 invalid_client")

    assert stack.apply().exit_code == 1  # apply plans first: same failure, nothing applied
    assert world.reveal_secret(REPO, "STAGING_DATABRICKS_CLIENT_SECRET") == old
    assert world.oauth_secrets(STAGING) == [live_before]


def test_oidc_mode_converges_after_its_service_principal_is_deleted_out_of_band(harness, world, raw_config, synth_raw):
    stack = deployed(harness, "staging", _staging_in_mode(raw_config, synth_raw, "oidc"))
    (sp,) = world.service_principals(STAGING)
    world.delete_service_principal(STAGING, sp["id"])
    assert stack.plan().exit_code == 2
    result = stack.apply()
    assert result.ok, result.output
    (new_sp,) = world.service_principals(STAGING)
    (policy,) = world.federation_policies(ACCOUNT).values()
    assert str(policy["service_principal_id"]) == new_sp["id"]
    assert world.secret_scopes(STAGING)["staging-mlops-demo-classifier-cd-credentials"]["acls"][new_sp["application_id"]] == "READ"
    replan = stack.plan()
    assert replan.no_changes, replan.output
