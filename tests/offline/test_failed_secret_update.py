"""A rotation whose GitHub secret update fails (before the call: a 5xx on the public key, a rate limit) must never
leave GitHub holding a dead credential.

The github provider (SDK v2) saves the planned new value in state although the write failed, and its Read never
reads the value back (mlops_cicd_offline/server/failed_update.py): the next apply would plan nothing for the secret and
destroy the old credential GitHub still holds. The stacks refuse that apply before the old credential is
destroyed, naming the secret and the fix (constructs/github_actions.py `written_since`); the fix converges.
The strict harness checks after every API call that GitHub holds a live credential of the SP.
"""

from __future__ import annotations

import re
import shlex

import pytest

from mlops_cicd.operations.credential_state import StackState
from mlops_cicd.operations.untracked_credentials import untracked_credentials
from mlops_cicd.operations.unwritten_secrets import unwritten_secrets
from mlops_cicd_offline.world import store
from mlops_cicd_offline.world.databricks.workspace_api import EmulatedWorkspaceApi
from mlops_cicd_offline.world.base import digest

from helpers.offline import deployed

pytestmark = pytest.mark.terraform

STAGING = "https://mlops-demo-staging.cloud.databricks.com"
REPO = "ryuta-databricks/mlops-demo-classifier"
SECRET_TYPE = {"repository": "github_actions_secret", "environment": "github_actions_environment_secret"}
# (mode, placement) -> the GitHub secret holding the rotated credential in staging
ROTATED_SECRET = {
    ("pat", "repository"): "STAGING_WORKSPACE_TOKEN",
    ("pat", "environment"): "STAGING_WORKSPACE_TOKEN",
    ("oauth", "repository"): "STAGING_DATABRICKS_CLIENT_SECRET",
    ("oauth", "environment"): "DATABRICKS_CLIENT_SECRET",
}
FIX = re.compile(r"terraform -chdir=\S+ state rm '?[\w.]+'?")


def _staging(raw_config, synth_raw, mode: str, placement: str) -> dict:
    for env in raw_config["environments"]:
        env["credential_mode"] = mode
        env["secret_placement"] = placement
    return synth_raw(raw_config)["staging"]


def _live(world, mode: str, value: str) -> bool:
    if mode == "pat":
        return any(t["value_sha256"] == digest(value) for t in world.tokens(STAGING))
    now = store.now(world.snapshot())
    return any(s["secret_hash"] == digest(value) and now <= s["expire_epoch"] for s in world.oauth_secrets(STAGING))


@pytest.mark.parametrize("placement", ["repository", "environment"])
@pytest.mark.parametrize("mode", ["pat", "oauth"])
def test_a_failed_secret_write_during_rotation_is_refused_then_fixed_never_a_dead_credential(
        harness, world, raw_config, synth_raw, mode, placement):
    stack = deployed(harness, "staging", _staging(raw_config, synth_raw, mode, placement))
    name, environment = ROTATED_SECRET[(mode, placement)], ("staging" if placement == "environment" else None)
    old = world.reveal_secret(REPO, name, environment)
    world.advance_clock(days=61)  # rotation due (rotation_days = 60)
    world.inject_fault(SECRET_TYPE[placement], operation="update", when="before")

    failed = stack.apply()
    assert failed.exit_code == 1 and failed.mentions(f"injected API error on update call #1 of {SECRET_TYPE[placement]}")
    assert world.reveal_secret(REPO, name, environment) == old and _live(world, mode, old)

    # The state now records the new value (as the real provider leaves it): without a guard this apply would
    # destroy the old credential, which GitHub still holds (the strict harness would fail right there).
    refused = stack.apply()
    assert refused.exit_code == 1, refused.output[-3000:]
    assert refused.mentions(f"GitHub secret {name}") and refused.mentions("state rm"), refused.output[-3000:]
    assert world.reveal_secret(REPO, name, environment) == old and _live(world, mode, old)
    assert old not in refused.output

    (fix,) = set(FIX.findall(" ".join(refused.output.split())))
    argv = shlex.split(fix)
    assert argv[1] == f"-chdir={stack.work_dir}", fix
    state = StackState("staging", stack.show(), stack.config())
    (reported,) = unwritten_secrets(state, stack.work_dir)
    assert shlex.split(reported.fix) == argv  # `mlops-cicd status` names the same fix
    # `status --live` must not offer to revoke the old credential: state still holds it (deposed)
    assert untracked_credentials(state, EmulatedWorkspaceApi(harness.state_dir, STAGING)) == []
    assert stack.run(*argv[2:]).ok

    fixed = stack.apply()
    assert fixed.ok, fixed.output[-3000:]
    new = world.reveal_secret(REPO, name, environment)
    assert new != old and _live(world, mode, new) and not _live(world, mode, old)
    assert stack.plan().no_changes
    assert unwritten_secrets(StackState("staging", stack.show(), stack.config()), stack.work_dir) == []


def test_a_check_read_during_the_apply_holds_back_the_old_credentials_destruction(harness, world, raw_config, synth_raw):
    """When something the check depends on changes too, Terraform reads it during the apply, not the plan:
    the deposed credential's destroy still waits for it (create_before_destroy ordering), so it never runs."""
    stack = deployed(harness, "staging", _staging(raw_config, synth_raw, "pat", "repository"))
    old = world.reveal_secret(REPO, "STAGING_WORKSPACE_TOKEN")
    world.advance_clock(days=61)
    world.inject_fault("github_actions_secret", operation="update", when="before")
    assert stack.apply().exit_code == 1
    changed = stack.config()
    (sp,) = changed["resource"]["databricks_service_principal"].values()
    sp["allow_cluster_create"] = not sp["allow_cluster_create"]  # an in-place update the token depends on
    stack.write_config(changed)
    since = len(world.events())

    refused = stack.apply()
    assert refused.exit_code == 1 and refused.mentions("GitHub secret STAGING_WORKSPACE_TOKEN"), refused.output[-3000:]
    calls = [(e["type"], e["operation"], e["outcome"]) for e in world.events()[since:]]
    updated = calls.index(("databricks_service_principal", "update", "ok"))
    checked = calls.index(("github_actions_secrets", "read", "ok"), updated)  # read during the apply, after it
    assert checked > updated
    assert ("databricks_obo_token", "delete", "ok") not in calls
    assert world.reveal_secret(REPO, "STAGING_WORKSPACE_TOKEN") == old and _live(world, "pat", old)


@pytest.mark.parametrize("mode", ["pat", "oauth"])
def test_a_failed_secret_write_after_a_replacement_mid_period_is_refused_too(harness, world, raw_config, synth_raw,
                                                                             mode):
    """Not only a scheduled rotation replaces the credential: a new lifetime does too (every argument of an OBO
    token, an OAuth secret's lifetime, force a new one). That starts a new period, so the check sees the failed
    write of the secret the same way."""
    stack = deployed(harness, "staging", _staging(raw_config, synth_raw, mode, "repository"))
    name = ROTATED_SECRET[(mode, "repository")]
    old = world.reveal_secret(REPO, name)
    world.advance_clock(days=1)  # well inside the rotation period
    for env in raw_config["environments"]:
        env["token_lifetime_days"] = 89
    stack.reconfigure(_staging(raw_config, synth_raw, mode, "repository"))
    world.inject_fault("github_actions_secret", operation="update", when="before")

    failed = stack.apply()
    assert failed.exit_code == 1 and failed.mentions("injected API error on update call #1 of github_actions_secret")
    refused = stack.apply()
    assert refused.exit_code == 1 and refused.mentions(f"GitHub secret {name}"), refused.output[-3000:]
    assert world.reveal_secret(REPO, name) == old and _live(world, mode, old)
