"""Least privilege: the service principal may use tokens only in `pat` mode, the one mode that needs it.

In `oauth` and `oidc` modes anything running as the SP could otherwise mint a personal access token that
outlives every rotation. Token use is granted by membership of a group that has token CAN_USE, or by the
workspace's token permission (`databricks_permissions` with `authorization = "tokens"`).
"""

from __future__ import annotations

import pytest

from helpers import env_of, only, resources
from mlops_cicd.config import ConfigError, parse_config
from mlops_cicd.constructs import CicdServicePrincipal

from test_constructs import synth_stack

OIDC_ACCOUNT = {"host": "https://accounts.cloud.databricks.com", "account_id": "0d26daa6-5e44-4c97-a497-ef015f91254a"}
MODES = {"oauth": {}, "oidc": {"account": OIDC_ACCOUNT, "secret_placement": "environment"}}


def token_grants(stack: dict) -> list[str]:
    """Addresses of everything that lets a principal use tokens: group membership, the token permission."""
    grants = [f"databricks_group_member.{name}" for name in resources(stack, "databricks_group_member")]
    grants += [f"databricks_permissions.{name}" for name, body in resources(stack, "databricks_permissions").items()
               if body.get("authorization") == "tokens"]
    return grants


def in_mode(raw: dict, mode: str) -> dict:
    if mode == "oidc":
        raw["github"]["oidc_subject"] = "names"
    for env in raw["environments"]:
        env.update(credential_mode=mode, **MODES[mode])
    return raw


@pytest.mark.parametrize("mode", sorted(MODES))
def test_oauth_and_oidc_stacks_grant_no_token_use(raw_config, synth_raw, mode):
    stacks = synth_raw(in_mode(raw_config, mode))
    for name, stack in stacks.items():
        assert token_grants(stack) == [], name
        assert "databricks_group" not in stack.get("data", {}), name  # not even a look-up of the token group


def test_pat_stack_grants_token_use_and_the_token_waits_for_it(default_stacks):
    for name, stack in default_stacks.items():
        (grant,) = token_grants(stack)
        assert only(stack, "databricks_obo_token")["depends_on"] == [grant], name


def test_pat_stack_with_the_token_permission_lists_the_sp_and_the_token_waits_for_it(raw_config, synth_raw):
    env_of(raw_config, "staging")["token_usage"] = {"mode": "permission", "keep_can_use": ["group:data-engineers"]}
    stack = synth_raw(raw_config)["staging"]
    (grant,) = token_grants(stack)
    assert grant.startswith("databricks_permissions.")
    (sp,) = resources(stack, "databricks_service_principal")
    permission = resources(stack, "databricks_permissions")[grant.split(".", 1)[1]]
    assert {"permission_level": "CAN_USE", "service_principal_name": f"${{databricks_service_principal.{sp}.application_id}}"} \
        in permission["access_control"]
    assert only(stack, "databricks_obo_token")["depends_on"] == [grant]


@pytest.mark.parametrize("mode", sorted(MODES))
@pytest.mark.parametrize("usage", [{"mode": "group", "group": "mlops-service-principals"},
                                   {"mode": "permission", "keep_can_use": ["group:data-engineers"]}])
def test_token_usage_outside_pat_mode_is_a_config_problem(raw_config, mode, usage):
    in_mode(raw_config, mode)
    env_of(raw_config, "prod")["token_usage"] = usage
    with pytest.raises(ConfigError) as caught:
        parse_config(raw_config)
    (problem,) = caught.value.problems
    assert problem.field == "environments[prod].token_usage"
    assert f'credential_mode = "{mode}"' in problem.message and "remove" in problem.message


def test_oauth_config_without_token_usage_is_valid(raw_config):
    parse_config(in_mode(raw_config, "oauth"))


def test_construct_without_token_usage_grants_nothing():
    built = {}

    def build(stack):
        built["cicd"] = CicdServicePrincipal(stack, "cicd", display_name="ci", project_directory="/p", token_usage=None)

    doc = synth_stack(build)
    assert built["cicd"].token_grant is None
    assert token_grants(doc) == [] and "databricks_group" not in doc.get("data", {})  # no group to join
    only(doc, "databricks_service_principal")
