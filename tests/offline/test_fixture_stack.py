"""Real terraform against the stand-in providers, on a small hand-written stack."""

from __future__ import annotations

from .conftest import deployed, fixture_stack

HOST = "https://fixture-ws.cloud.databricks.com"
REPO = "fixture-org/fixture-repo"


def test_apply_then_no_changes_and_emulated_objects(harness, world):
    stack = deployed(harness, "minimal", fixture_stack("minimal"))
    replan = stack.plan()
    assert replan.no_changes, replan.output
    sps = world.service_principals(HOST)
    assert [sp["display_name"] for sp in sps] == ["fixture-cicd"]
    assert len(world.tokens(HOST)) == 1
    # the git credential was created by the SP itself (the aliased provider's OBO token)
    assert list(world.git_credentials(HOST)) == [sps[0]["application_id"]]
    state = {r["address"]: r["values"] for r in stack.resources()}
    token_value = state["databricks_obo_token.token"]["token_value"]
    assert world.reveal_secret(REPO, "FIXTURE_WORKSPACE_TOKEN") == token_value
    assert token_value not in str(world.snapshot())  # only sealed boxes and digests are stored


def test_backend_is_replaced_by_a_local_one(harness):
    stack = harness.prepare("minimal", fixture_stack("minimal"))
    assert list(stack.config()["terraform"]["backend"]) == ["local"]


def test_write_config_keeps_a_real_backend_for_callers_that_want_it(harness):
    stack = harness.prepare("minimal", fixture_stack("minimal"))
    stack.write_config(fixture_stack("minimal"))
    assert list(stack.config()["terraform"]["backend"]) == ["s3"]
