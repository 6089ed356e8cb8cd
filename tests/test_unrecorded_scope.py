"""`mlops-cicd status` names a secret scope that a deployed stack configures but its state lacks (an apply
created it and lost the answer), with the exact `terraform import` that adopts it."""

from __future__ import annotations

import shlex
from datetime import datetime, timezone
from pathlib import Path

from mlops_cicd.operations.credential_state import StackState
from mlops_cicd.commands.status import render_table
from mlops_cicd.operations.status import as_json
from mlops_cicd.operations.unrecorded import unrecorded

from helpers import resources

DIRECTORY = Path("/deploys/my stacks/staging")


def _show(*addresses: str) -> dict:
    return {"values": {"root_module": {"resources": [
        {"address": a, "mode": "managed", "type": a.split(".")[0], "values": {}} for a in addresses]}}}


def _scope(stack: dict) -> tuple[str, str]:
    (name, body), = resources(stack, "databricks_secret_scope").items()
    return f"databricks_secret_scope.{name}", body["name"]


def test_a_scope_missing_from_a_deployed_state_is_named_with_its_import(default_stacks):
    stack = default_stacks["staging"]
    address, scope_name = _scope(stack)
    (sp,) = resources(stack, "databricks_service_principal")
    (found,) = unrecorded(StackState("staging", _show(f"databricks_service_principal.{sp}"), stack), DIRECTORY)
    assert (found.address, found.import_id) == (address, scope_name)
    assert shlex.split(found.fix) == ["terraform", f"-chdir={DIRECTORY}", "import", address, scope_name]
    document = as_json([StackState("staging", _show(), stack)], {"staging": []},
                       datetime(2026, 1, 1, tzinfo=timezone.utc), "given", 14, {"staging": [found]})
    assert document["warnings"] == 1
    assert f"warning: staging {address}: " in render_table(document) and found.fix in render_table(document)


def test_nothing_is_named_before_the_first_deploy_or_once_the_scope_is_in_state(default_stacks):
    stack = default_stacks["staging"]
    address, _ = _scope(stack)
    assert unrecorded(StackState("staging", _show(), stack), DIRECTORY) == []
    assert unrecorded(StackState("staging", _show("databricks_directory.x", address), stack), DIRECTORY) == []
    assert unrecorded(StackState("staging", _show("databricks_directory.x"), None), DIRECTORY) == []
