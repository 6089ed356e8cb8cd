"""service_principal_roles: the stack gives the manager role on its SP to the team's deployers, so the stack can
be deployed by others than the SP's creator; the rule set is authoritative, so what it grants is exactly the list."""

from __future__ import annotations

import pytest

from mlops_cicd.config import ConfigError, parse_config

from helpers import env_of, only

ACCOUNT = {"host": "https://accounts.cloud.databricks.com", "account_id": "0d26daa6-5e44-4c97-a497-ef015f91254a"}


def _with_roles(raw: dict, roles: dict, account: dict | None = ACCOUNT) -> dict:
    env = env_of(raw, "staging")
    env["service_principal_roles"] = roles
    if account is not None:
        env["account"] = account
    return raw


def _problems(raw: dict) -> dict[str, str]:
    with pytest.raises(ConfigError) as error:
        parse_config(raw)
    return {p.field: p.message for p in error.value.problems}


def test_the_rule_set_grants_exactly_the_configured_roles(raw_config, synth_raw):
    raw = _with_roles(raw_config, {"managers": ["group:mlops-deployers", "user:lead@example.com"],
                                   "users": ["service_principal:9a1c7b1e-5b7f-4c1e-9d6a-1f2e3d4c5b6a"]})
    stack = synth_raw(raw)["staging"]
    rule_set = only(stack, "databricks_access_control_rule_set")
    assert rule_set["name"] == ("accounts/0d26daa6-5e44-4c97-a497-ef015f91254a/servicePrincipals/"
                                "${databricks_service_principal.cicd_service_principal_AC465DD2.application_id}/ruleSets/default")
    assert rule_set["grant_rules"] == [
        {"role": "roles/servicePrincipal.manager", "principals": ["groups/mlops-deployers", "users/lead@example.com"]},
        {"role": "roles/servicePrincipal.user", "principals": ["servicePrincipals/9a1c7b1e-5b7f-4c1e-9d6a-1f2e3d4c5b6a"]},
    ]
    # the role is granted before the SP's git credential is written with it
    address = "databricks_access_control_rule_set." + next(iter(stack["resource"]["databricks_access_control_rule_set"]))
    assert only(stack, "databricks_git_credential")["depends_on"] == [address]
    assert "databricks_access_control_rule_set" not in synth_raw(raw)["prod"].get("resource", {})


def test_without_roles_the_stack_writes_no_rule_set(default_stacks):
    for stack in default_stacks.values():
        assert "databricks_access_control_rule_set" not in stack["resource"]
        assert "depends_on" not in only(stack, "databricks_git_credential")


def test_roles_need_the_account_id(raw_config):
    problems = _problems(_with_roles(raw_config, {"managers": ["group:mlops-deployers"]}, account=None))
    assert list(problems) == ["environments[staging].account"] and "rule set" in problems["environments[staging].account"]


def test_roles_need_a_manager(raw_config):
    assert list(_problems(_with_roles(raw_config, {"managers": []}))) == ["environments[staging].service_principal_roles.managers"]


@pytest.mark.parametrize("principal", ["mlops-deployers", "team:x", "group:admins", "group:Admins", "user:not-an-email"])
def test_role_principals_are_account_principals(raw_config, principal):
    problems = _problems(_with_roles(raw_config, {"managers": [principal]}))
    assert list(problems) == ["environments[staging].service_principal_roles.managers[0]"]
