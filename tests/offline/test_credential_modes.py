"""Each credential mode of the shipped configuration, deployed offline by either kind of deployer: it rotates
with a plain re-deploy, a rotation that fails is retried by the next one, and the plans converge."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from mlops_cicd.operations.credential_health import assess
from mlops_cicd.operations.credential_state import credentials_in_state
from mlops_cicd_offline.world import store
from mlops_cicd_offline.world.databricks.auth import DEPLOYER, DEPLOYER_CLIENT_ID, DEPLOYER_CLIENT_SECRET
from mlops_cicd_offline.world.base import digest

from helpers.offline import deployed, initialized

pytestmark = pytest.mark.terraform

STAGING = "https://mlops-demo-staging.cloud.databricks.com"
REPO = "ryuta-databricks/mlops-demo-classifier"
ACCOUNT = "0d6a1b2c-1111-2222-3333-444455556666"
SCOPE = "staging-mlops-demo-classifier-cd-credentials"

DEPLOYERS = {
    # a workspace admin's token (DATABRICKS_TOKEN), what the harness exports by default
    "token": ({}, DEPLOYER["name"]),
    # a service principal that is workspace admin, with OAuth M2M (DATABRICKS_CLIENT_ID / _SECRET)
    "oauth-m2m": ({"DATABRICKS_TOKEN": "", "DATABRICKS_CLIENT_ID": DEPLOYER_CLIENT_ID,
                   "DATABRICKS_CLIENT_SECRET": DEPLOYER_CLIENT_SECRET}, DEPLOYER_CLIENT_ID),
}
# mode -> (credential type, its GitHub secret in staging)
ROTATING = {
    "pat": ("databricks_obo_token", "STAGING_WORKSPACE_TOKEN"),
    "oauth": ("databricks_service_principal_secret", "STAGING_DATABRICKS_CLIENT_SECRET"),
}


def _staging_in_mode(raw_config, synth_raw, mode: str) -> dict:
    if mode == "oidc":
        raw_config["github"]["oidc_subject"] = "names"
    for env in raw_config["environments"]:
        env["credential_mode"] = mode
        if mode == "oidc":
            env["account"] = {"host": "https://accounts.cloud.databricks.com", "account_id": ACCOUNT}
            env["secret_placement"] = "environment"
    return synth_raw(raw_config)["staging"]


def _deployed_by(harness, config: dict, deployer: str):
    stack = initialized(harness, "staging", config)
    stack.env.update(DEPLOYERS[deployer][0])
    result = stack.apply()
    assert result.ok, result.output
    return stack


def _live(world, mode: str, value: str) -> bool:
    """Whether a credential value read from GitHub still authenticates as the SP."""
    if mode == "pat":
        return any(t["value_sha256"] == digest(value) for t in world.tokens(STAGING))
    now = store.now(world.snapshot())
    return any(s["secret_hash"] == digest(value) and now <= s["expire_epoch"] for s in world.oauth_secrets(STAGING))


@pytest.mark.parametrize("deployer", sorted(DEPLOYERS))
@pytest.mark.parametrize("mode", ["pat", "oauth", "oidc"])
def test_a_due_rotation_applies_with_a_plain_redeploy_and_converges(harness, world, raw_config, synth_raw, mode, deployer):
    """No provider authenticates as the SP, so nothing in the plan depends on the credential being replaced:
    a plain apply rotates in every mode, whichever way the deployer authenticates (oidc has nothing to rotate)."""
    _rotation_converges(harness, world, raw_config, synth_raw, mode, deployer)


@pytest.mark.slow
def test_an_oauth_m2m_deployer_rotates_alike_when_terraform_launches_the_providers(launched_harness, world, raw_config,
                                                                                   synth_raw):
    """The only deployer whose credentials are DATABRICKS_CLIENT_* of the environment, on the launch path too."""
    _rotation_converges(launched_harness, world, raw_config, synth_raw, "oauth", "oauth-m2m")


def _rotation_converges(harness, world, raw_config, synth_raw, mode: str, deployer: str) -> None:
    stack = _deployed_by(harness, _staging_in_mode(raw_config, synth_raw, mode), deployer)
    (sp,) = world.service_principals(STAGING)
    assert list(world.git_credentials(STAGING)) == [sp["application_id"]]  # every mode, oidc included
    assert world.secret_scopes(STAGING)[SCOPE]["acls"] == {DEPLOYERS[deployer][1]: "MANAGE", sp["application_id"]: "READ"}
    kind, secret = ROTATING.get(mode, (None, None))
    old = world.reveal_secret(REPO, secret) if secret else None
    world.advance_clock(days=61)  # past rotation_days = 60, before the 90-day lifetime

    result = stack.apply()
    assert result.ok, result.output
    if secret:
        new = world.reveal_secret(REPO, secret)
        assert new != old and _live(world, mode, new) and not _live(world, mode, old)
    else:
        assert result.mentions("0 added, 0 changed, 0 destroyed"), result.output
    replan = stack.plan()
    assert replan.no_changes, replan.output


def _status(stack, world, kind: str):
    """What `mlops-cicd status` says of the stack's credential of `kind`, at the emulated clock."""
    now = datetime.fromtimestamp(store.now(world.snapshot()), timezone.utc)
    (credential,) = [c for c in credentials_in_state("staging", stack.show(), stack.config()) if c.type == kind]
    return assess(credential, now, warning_days=14)


@pytest.mark.parametrize("mode", sorted(ROTATING))
def test_a_rotation_whose_new_credential_fails_is_retried_by_the_next_apply(harness, world, raw_config, synth_raw, mode):
    """The schedule is renewed in the apply whose create of the new credential fails. The credential carries
    its period's stamp in an argument that forces a new one, so the next plain apply still replaces it;
    meanwhile GitHub keeps the old, valid credential and `status` does not call it fresh."""
    kind, secret = ROTATING[mode]
    stack = deployed(harness, "staging", _staging_in_mode(raw_config, synth_raw, mode))
    old = world.reveal_secret(REPO, secret)
    world.advance_clock(days=61)
    world.inject_fault(kind, operation="create")

    failed = stack.apply()
    assert failed.exit_code != 0 and failed.mentions("injected API error"), failed.output
    assert world.reveal_secret(REPO, secret) == old and _live(world, mode, old)
    pending = _status(stack, world, kind)
    assert pending.credential.rotation_pending
    assert any("its rotation did not finish" in w for w in pending.warnings), pending.warnings

    retried = stack.apply()
    assert retried.ok and retried.mentions(f"{kind}."), retried.output
    new = world.reveal_secret(REPO, secret)
    assert new != old and _live(world, mode, new) and not _live(world, mode, old)
    fresh = _status(stack, world, kind)
    assert not fresh.credential.rotation_pending and fresh.warnings == () and fresh.days_left >= 89
    assert stack.plan().no_changes


def test_oidc_mode_federates_the_environment_and_stores_no_databricks_secret(harness, world, raw_config, synth_raw):
    stack = deployed(harness, "staging", _staging_in_mode(raw_config, synth_raw, "oidc"))
    assert stack.plan().no_changes
    (policy,) = world.federation_policies(ACCOUNT).values()
    assert policy["oidc_policy"]["subject"] == f"repo:{REPO}:environment:staging"
    assert world.tokens(STAGING) == [] and world.oauth_secrets(STAGING) == []
    assert not any("WORKSPACE_TOKEN" in name or "CLIENT_SECRET" in name for name in world.secret_names(REPO, "staging"))


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
    assert world.secret_scopes(STAGING)[SCOPE]["acls"][new_sp["application_id"]] == "READ"
    assert list(world.git_credentials(STAGING)) == [new_sp["application_id"]]
    replan = stack.plan()
    assert replan.no_changes, replan.output
