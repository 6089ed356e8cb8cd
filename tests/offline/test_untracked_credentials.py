"""`mlops-cicd status --live`: a workspace token or OAuth secret of the stack's SP that no state holds (a
create whose answer was lost) is found through the workspace API and named with the command that revokes it.
The library's HTTP client runs against the emulated workspace API served on loopback."""

from __future__ import annotations

import shlex

import pytest

from mlops_cicd.operations.credential_state import StackState
from mlops_cicd.errors import UserError
from mlops_cicd.operations.untracked_credentials import untracked_credentials
from mlops_cicd.operations.workspace_api import CREDENTIALS_FIX, HttpWorkspaceApi
from mlops_cicd_offline.world.databricks.auth import DEPLOYER_CLIENT_ID, DEPLOYER_CLIENT_SECRET, DEPLOYER_TOKEN
from mlops_cicd_offline.world.databricks.workspace_api import EmulatedWorkspaceApi, run_cli, served

from helpers.offline import deployed, fixture_stack

pytestmark = pytest.mark.terraform

HOST = "https://fixture-ws.cloud.databricks.com"
TOKEN = "databricks_obo_token.token"


@pytest.fixture
def orphaned(harness, world):
    """The fixture stack deployed, then a token replacement whose create answer is lost: a second live token
    of the SP exists that the state does not hold."""
    config = fixture_stack("minimal")
    config["terraform"]["required_providers"]["github"]["version"] = "6.11.0"  # secrets updated in place
    stack = deployed(harness, "minimal", config)
    world.inject_fault("databricks_obo_token", operation="create", when="after")
    assert stack.apply(f"-replace={TOKEN}").exit_code == 1
    assert len(world.tokens(HOST)) == 2
    return stack


def _state(stack) -> StackState:
    return StackState(stack.name, stack.show(), stack.config())


def _held_token(stack) -> str:
    return next(r["values"]["id"] for r in stack.resources() if r["address"] == TOKEN)


@pytest.mark.parametrize("environ", [{"DATABRICKS_TOKEN": DEPLOYER_TOKEN},
                                     {"DATABRICKS_CLIENT_ID": DEPLOYER_CLIENT_ID,
                                      "DATABRICKS_CLIENT_SECRET": DEPLOYER_CLIENT_SECRET}], ids=["pat", "oauth-m2m"])
def test_a_token_no_state_holds_is_named_with_the_command_that_revokes_it(orphaned, world, harness, environ):
    emulated = EmulatedWorkspaceApi(harness.state_dir, HOST)
    with served(emulated) as url:
        (found,) = untracked_credentials(_state(orphaned), HttpWorkspaceApi(url, environ))
    held = _held_token(orphaned)
    orphan = next(t["token_id"] for t in world.tokens(HOST) if t["token_id"] != held)
    assert (found.kind, found.object_id) == ("workspace token", orphan)
    assert found.fix == f"databricks token-management delete {orphan}" and found.fix in found.message
    run_cli(shlex.split(found.fix), emulated)
    assert [t["token_id"] for t in world.tokens(HOST)] == [held]
    assert untracked_credentials(_state(orphaned), emulated) == []


def test_the_api_refuses_a_wrong_or_missing_credential_with_the_fix(orphaned, harness):
    with served(EmulatedWorkspaceApi(harness.state_dir, HOST)) as url:
        wrong = {"DATABRICKS_CLIENT_ID": DEPLOYER_CLIENT_ID, "DATABRICKS_CLIENT_SECRET": "not-the-secret"}
        with pytest.raises(UserError, match="HTTP 401") as refused:
            untracked_credentials(_state(orphaned), HttpWorkspaceApi(url, wrong))
        assert refused.value.fix == CREDENTIALS_FIX and "not-the-secret" not in str(refused.value)
        with pytest.raises(UserError, match="no Databricks credentials"):
            untracked_credentials(_state(orphaned), HttpWorkspaceApi(url, {}))


def test_nothing_is_listed_before_the_service_principal_exists(harness):
    empty = StackState("minimal", {}, fixture_stack("minimal"))
    assert untracked_credentials(empty, EmulatedWorkspaceApi(harness.state_dir, HOST)) == []
