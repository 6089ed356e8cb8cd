"""What the generated re-deploy workflow relies on (mlops_cicd/operations/redeploy_workflow.py), against the
emulated providers: a due rotation makes `terraform plan -detailed-exitcode` exit 2, so the job applies it, and
`status` (what `--fail-on-warning` judges) warns before that apply and not after it; a rotation whose create
failed is still a plan with changes; nothing due is a plan without, and nothing to warn about."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import datetime, timezone

import pytest

from mlops_cicd.operations.credential_health import assess
from mlops_cicd.operations.credential_state import credentials_in_state
from mlops_cicd.operations.redeploy_workflow import ROTATED_TYPES, UNEXPECTED_DELETES
from mlops_cicd_offline.world import store

from helpers.offline import deployed

pytestmark = [pytest.mark.terraform,
              pytest.mark.skipif(shutil.which("jq") is None, reason="jq (on GitHub's runners) is not installed here")]
WARNING_DAYS = 14
KINDS = {"pat": "databricks_obo_token", "oauth": "databricks_service_principal_secret"}


def staging_in_mode(raw_config, synth_raw, mode: str) -> dict:
    for env in raw_config["environments"]:
        env["credential_mode"] = mode
    return synth_raw(raw_config)["staging"]


def unexpected_deletes(stack) -> str:
    """What the generated workflow's plan step finds deleted or replaced outside a rotation (its jq filter, over this
    stack's saved plan)."""
    assert stack.plan("-out=guard.tfplan").exit_code in (0, 2)
    shown = stack.run("show", "-json", "guard.tfplan").stdout
    found = subprocess.run(["jq", "-r", "--argjson", "rotated", json.dumps(list(ROTATED_TYPES)), UNEXPECTED_DELETES],
                           input=shown, capture_output=True, text=True, check=True)
    return found.stdout.strip()


def test_a_configuration_change_that_replaces_a_directory_is_caught_by_the_workflows_guard(harness, raw_config,
                                                                                          synth_raw):
    config = staging_in_mode(raw_config, synth_raw, "pat")
    stack = deployed(harness, "staging", config)
    moved = json.loads(json.dumps(config))
    (directory,) = moved["resource"]["databricks_directory"].values()
    directory["path"] += "-moved"  # ForceNew (workspace/resource_directory.go): a replacement
    stack.reconfigure(moved)
    assert unexpected_deletes(stack).startswith("databricks_directory.")


def warnings(stack, world) -> list[str]:
    """Every warning `mlops-cicd status` gives the stack's credentials, at the emulated clock."""
    now = datetime.fromtimestamp(store.now(world.snapshot()), timezone.utc)
    return [w for c in credentials_in_state("staging", stack.show(), stack.config())
            for w in assess(c, now, WARNING_DAYS).warnings]


@pytest.mark.parametrize("mode", sorted(KINDS))
def test_a_due_rotation_is_a_plan_with_changes_and_the_status_after_its_apply_is_clean(harness, world, raw_config,
                                                                                      synth_raw, mode):
    stack = deployed(harness, "staging", staging_in_mode(raw_config, synth_raw, mode))
    world.advance_clock(days=1)
    assert stack.plan().exit_code == 0 and warnings(stack, world) == []  # nothing due: no apply, a green job

    world.advance_clock(days=60)  # past rotation_days = 60, before the 90-day lifetime
    assert any("rotation due" in w for w in warnings(stack, world))  # status before: shown, not yet fatal
    plan = stack.plan()
    assert plan.exit_code == 2, plan.output
    assert unexpected_deletes(stack) == ""  # the workflow's guard lets a rotation through
    assert stack.apply().ok
    assert warnings(stack, world) == []  # status after: --fail-on-warning passes


@pytest.mark.parametrize("mode", sorted(KINDS))
def test_a_rotation_whose_create_failed_is_still_a_plan_with_changes(harness, world, raw_config, synth_raw, mode):
    stack = deployed(harness, "staging", staging_in_mode(raw_config, synth_raw, mode))
    world.advance_clock(days=61)
    world.inject_fault(KINDS[mode], operation="create")
    assert stack.apply().exit_code != 0
    assert any("did not finish" in w for w in warnings(stack, world))  # the job that failed said why
    plan = stack.plan()
    assert plan.exit_code == 2, plan.output  # the next scheduled run applies it again
    assert stack.apply().ok
    assert warnings(stack, world) == []
