"""Moving the shared trigger secret to another stack (github.shared_secrets_stack changed, or environments
reordered while it is unset) must not delete it from GitHub, whichever stack is deployed first."""

from __future__ import annotations

import pytest

from mlops_cicd_offline.world.invariants import STATE_ISOLATION
from mlops_cicd.stacks.environment_stack import TRIGGER_SECRET_ADDRESS, TRIGGER_TOKEN_SECRET

from helpers.offline import deployed

REPO = "ryuta-databricks/mlops-demo-classifier"

pytestmark = pytest.mark.terraform


@pytest.mark.parametrize("order", [("staging", "prod"), ("prod", "staging")], ids=["old-owner-first", "new-owner-first"])
def test_moving_the_shared_secrets_stack_never_deletes_the_secret(order, harness, world, raw_config, default_stacks,
                                                                   synth_raw):
    stacks = {name: deployed(harness, name, default_stacks[name]) for name in ("staging", "prod")}
    written = world.reveal_secret(REPO, TRIGGER_TOKEN_SECRET)
    harness.strict_invariants = False  # new owner first: both states hold the secret until the old owner applies

    raw_config["github"]["shared_secrets_stack"] = "prod"
    moved = synth_raw(raw_config)
    for name in order:
        stacks[name].reconfigure(moved[name])
        result = stacks[name].apply()
        assert result.ok, result.output
        assert TRIGGER_TOKEN_SECRET in world.secret_names(REPO), f"deploying {name} deleted the secret"
    assert world.reveal_secret(REPO, TRIGGER_TOKEN_SECRET) == written
    assert TRIGGER_SECRET_ADDRESS not in {r["address"] for r in stacks["staging"].resources()}
    assert TRIGGER_SECRET_ADDRESS in {r["address"] for r in stacks["prod"].resources()}
    for stack in stacks.values():
        replan = stack.plan()
        assert replan.no_changes, replan.output
    shared = [v for v in world.violations() if f"invariant '{STATE_ISOLATION}'" in v]
    assert [v for v in world.violations() if v not in shared] == []
    assert bool(shared) == (order[0] == "prod") and all(TRIGGER_TOKEN_SECRET in v for v in shared)
