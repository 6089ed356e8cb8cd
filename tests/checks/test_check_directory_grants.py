"""MLOPS014 and `project_directory_grants`: the directory's authoritative permission list keeps the direct
grants the user lists; leaving the field unset is an error naming the risk and the fix."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from helpers import synthesize, project_config
from mlops_cicd.app import synth
from mlops_cicd.checks import ChecksFailed
from mlops_cicd.config import ConfigError, parse_config
from mlops_cicd.constructs import CicdServicePrincipal
from mlops_cicd.directory_grants import DirectoryGrant
from mlops_cicd.framework import core

from helpers import env_of

# the framework's classes (mlops_cicd/framework.py chooses CDKTF or CDK Terrain)
CdktfTesting = core.Testing  # aliased: pytest would try to collect `Testing`
TerraformStack = core.TerraformStack

TOKEN_LIKE = "ghs_" + "k2M" * 12


def _directory_acl(document: dict) -> list[dict]:
    acl = [p for p in document["resource"]["databricks_permissions"].values() if "directory_path" in p]
    (permission,) = acl
    return permission["access_control"]


def _unset(raw: dict) -> dict:
    for env in raw["environments"]:
        env.pop("project_directory_grants", None)
    return raw


def test_shipped_config_keeps_the_folder_owners_grant(docs, findings):
    acl = _directory_acl(docs["prod"])
    assert {"user_name": "ryuta.yoshimatsu@databricks.com", "permission_level": "CAN_MANAGE"} in acl
    assert any(entry.get("service_principal_name") and entry["permission_level"] == "CAN_MANAGE" for entry in acl)
    assert findings(docs)[0] == set()


def test_unset_grants_are_an_error_naming_the_risk_and_the_fix(docs, findings, raw):
    active, report = findings(docs, _unset(raw))
    assert active == {("MLOPS014", "staging"), ("MLOPS014", "prod")}
    finding = report.errors[0]
    assert "every direct grant" in finding.message and "removed" in finding.message
    assert "project_directory_grants = [" in finding.fix and "= [] if none must stay" in finding.fix
    assert finding.address.startswith("databricks_permissions.")


def test_an_empty_list_is_a_decision_and_keeps_only_the_sp(raw, tmp_path):
    for env in raw["environments"]:
        env["project_directory_grants"] = []
    documents = synthesize(raw, tmp_path / "out")  # synth runs every check: it would raise on MLOPS014
    (entry,) = _directory_acl(documents["staging"])
    assert entry["permission_level"] == "CAN_MANAGE" and "service_principal_name" in entry


def test_a_config_without_the_field_does_not_synthesize(raw, tmp_path):
    with pytest.raises(ChecksFailed) as failed:
        synth(project_config(_unset(raw), tmp_path / "project"), tmp_path / "out")
    assert "MLOPS014" in str(failed.value) and not (tmp_path / "out").exists()


def test_each_listed_grant_reaches_the_permission_list(raw, synth_raw):
    env_of(raw, "staging")["project_directory_grants"] = [
        {"principal": "group:data-scientists", "level": "CAN_EDIT"},
        {"principal": "service_principal:6f0c8b44-0c39-4a51-9bb8-7d0c5a3f1e22", "level": "CAN_RUN"},
    ]
    acl = _directory_acl(synth_raw(raw)["staging"])
    assert {"group_name": "data-scientists", "permission_level": "CAN_EDIT"} in acl
    assert {"service_principal_name": "6f0c8b44-0c39-4a51-9bb8-7d0c5a3f1e22", "permission_level": "CAN_RUN"} in acl
    assert len(acl) == 3


@pytest.mark.parametrize("grants, field, expected", [
    ([{"principal": "data-scientists", "level": "CAN_EDIT"}], "[0].principal", "<kind>:<name>"),
    ([{"principal": "group:admins", "level": "CAN_MANAGE"}], "[0].principal", "admins"),
    ([{"principal": "group:ds", "level": "CAN_VIEW"}], "[0].level", "CAN_READ"),
    ([{"principal": "group:ds", "level": "CAN_EDIT", "inherit": True}], "[0].inherit", "unknown field"),
    ([{"principal": "group:ds", "level": "CAN_EDIT"}, {"principal": "group:ds", "level": "CAN_READ"}], "",
     "one principal twice"),
], ids=["no kind", "admins", "level of another object type", "unknown key", "principal twice"])
def test_invalid_grants_are_config_errors_naming_the_field(raw, grants, field, expected):
    env_of(raw, "staging")["project_directory_grants"] = grants
    with pytest.raises(ConfigError) as error:
        parse_config(raw)
    message = str(error.value)
    assert f"environments[staging].project_directory_grants{field}" in message and expected in message


def test_a_token_pasted_as_principal_is_not_echoed(raw):
    env_of(raw, "staging")["project_directory_grants"] = [{"principal": TOKEN_LIKE, "level": "CAN_EDIT"}]
    with pytest.raises(ConfigError) as error:
        parse_config(raw)
    assert TOKEN_LIKE not in str(error.value)


def test_the_message_quotes_no_tf_var_value(docs, findings, raw):
    """Config validation refuses secret-looking paths; a path equal to a TF_VAR_* value at check time is
    still not repeated."""
    _unset(raw)
    path = env_of(raw, "prod")["project_directory"]
    active, report = findings(docs, raw, environ={"TF_VAR_git_read_token": path})
    assert ("MLOPS014", "prod") in active
    assert all(path not in f.message + f.fix + f.address for f in report.findings)


def _construct(grants) -> dict:
    stack = TerraformStack(CdktfTesting.app(), "test")
    CicdServicePrincipal(stack, "cicd", display_name="ci", project_directory="/Shared/p", directory_grants=grants)
    return json.loads(CdktfTesting.synth(stack))


def test_the_construct_keeps_listed_grants_and_refuses_a_principal_twice():
    acl = _directory_acl(_construct([DirectoryGrant(principal="user:a@example.com", level="CAN_READ")]))
    assert {"user_name": "a@example.com", "permission_level": "CAN_READ"} in acl and len(acl) == 2
    assert len(_directory_acl(_construct(()))) == 1  # the default: only the SP
    twice = [DirectoryGrant(principal="group:ds", level="CAN_READ"), DirectoryGrant(principal="group:ds", level="CAN_RUN")]
    with pytest.raises(ValueError, match="directory_grants lists one principal twice"):
        _construct(twice)
    with pytest.raises(ValidationError):
        DirectoryGrant(principal="group:admins", level="CAN_MANAGE")
