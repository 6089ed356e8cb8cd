"""MLOPS007: the authoritative workspace token permission."""

from __future__ import annotations

import copy

from helpers import env_of

TOKEN_PERMISSION = {
    "authorization": "tokens",
    "access_control": [{"group_name": "data-engineers", "permission_level": "CAN_USE"}],
}


def _ask_for_permission_mode(raw: dict, name: str) -> None:
    env_of(raw, name)["token_usage"] = {"mode": "permission", "keep_can_use": ["group:data-engineers"]}


def test_token_permission_nobody_asked_for_is_an_error(docs, findings):
    docs["staging"]["resource"]["databricks_permissions"]["tokens"] = copy.deepcopy(TOKEN_PERMISSION)
    active, report = findings(docs)
    assert active == {("MLOPS007", "staging")}
    assert 'mode = "permission"' in report.errors[0].fix


def test_token_permission_asked_for_passes(docs, findings, raw):
    docs["staging"]["resource"]["databricks_permissions"]["tokens"] = copy.deepcopy(TOKEN_PERMISSION)
    _ask_for_permission_mode(raw, "staging")
    active, _ = findings(docs, raw)
    assert active == set()


def test_two_token_permissions_on_one_workspace_are_an_error(docs, findings, raw):
    prod_host = docs["prod"]["provider"]["databricks"][0]["host"]
    docs["staging"]["provider"]["databricks"][0]["host"] = prod_host  # both stacks on one workspace
    for name in ("staging", "prod"):
        docs[name]["resource"]["databricks_permissions"]["tokens"] = copy.deepcopy(TOKEN_PERMISSION)
        _ask_for_permission_mode(raw, name)
    active, report = findings(docs, raw)
    # (The shared workspace also makes the stacks' directories one: MLOPS012.)
    assert {(check, stack) for check, stack in active if check == "MLOPS007"} == {("MLOPS007", "staging"), ("MLOPS007", "prod")}
    assert "2 token permission objects" in next(f for f in report.errors if f.check_id == "MLOPS007").message


def test_token_permissions_on_different_workspaces_pass(docs, findings, raw):
    for name in ("staging", "prod"):
        docs[name]["resource"]["databricks_permissions"]["tokens"] = copy.deepcopy(TOKEN_PERMISSION)
        _ask_for_permission_mode(raw, name)
    active, _ = findings(docs, raw)
    assert active == set()


def test_token_permissions_on_workspaces_not_known_at_synth_are_not_one_workspace(docs, findings, raw):
    """Two stacks whose host is the same expression (`${var.databricks_host}`, set per stack at deploy time) are
    not known to share a workspace: no MLOPS007 for the pair."""
    for name in ("staging", "prod"):
        docs[name]["provider"]["databricks"][0]["host"] = "${var.databricks_host}"
        docs[name]["resource"]["databricks_permissions"]["tokens"] = copy.deepcopy(TOKEN_PERMISSION)
        _ask_for_permission_mode(raw, name)
    active, _ = findings(docs, raw)
    assert not {check for check, _ in active} & {"MLOPS007"}


def test_a_token_permission_nobody_asked_for_on_a_workspace_not_known_at_synth_names_its_stack(docs, findings):
    docs["staging"]["provider"]["databricks"][0]["host"] = "${var.databricks_host}"
    docs["staging"]["resource"]["databricks_permissions"]["tokens"] = copy.deepcopy(TOKEN_PERMISSION)
    active, report = findings(docs)
    assert ("MLOPS007", "staging") in active
    assert "the token permission of (the workspace of stack staging)" in report.errors[0].message
