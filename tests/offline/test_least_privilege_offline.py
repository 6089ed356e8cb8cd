"""Least privilege against the emulated workspace: a PAT needs token use, and only `pat` mode grants it.

The emulator refuses a token for a principal without token use as the real API does (see
mlops_cicd_offline/world/databricks/tokens.py for the source of the wording).
"""

from __future__ import annotations

import copy

import pytest

from helpers.offline import initialized

STAGING = "https://mlops-demo-staging.cloud.databricks.com"
NO_TOKEN_USE = "User does not have permission to use tokens."
MINTED = "databricks_token.minted_by_the_sp"


def _address(stack: dict, kind: str) -> str:
    (name,) = stack["resource"][kind]
    return f"{kind}.{name}"


def _staging(raw_config: dict, synth_raw, mode: str) -> dict:
    for env in raw_config["environments"]:
        env["credential_mode"] = mode
    return synth_raw(raw_config)["staging"]


def _with_a_pat_minted_by_the_sp(stack: dict, mode: str) -> dict:
    """Add what anything running as the SP could do with CI's credential: create a PAT of its own."""
    stack = copy.deepcopy(stack)
    sp = _address(stack, "databricks_service_principal")
    if mode == "pat":
        as_sp = {"token": f"${{{_address(stack, 'databricks_obo_token')}.token_value}}", "auth_type": "pat"}
    else:
        as_sp = {"client_id": f"${{{sp}.application_id}}", "auth_type": "oauth-m2m",
                 "client_secret": f"${{{_address(stack, 'databricks_service_principal_secret')}.secret}}"}
    stack["provider"]["databricks"].append({"alias": "as_sp", "host": STAGING, **as_sp})
    stack["resource"]["databricks_token"] = {"minted_by_the_sp": {
        "provider": "databricks.as_sp", "comment": "a PAT the SP mints for itself", "lifetime_seconds": 3600}}
    return stack


@pytest.mark.terraform
def test_a_pat_stack_whose_token_group_lacks_can_use_fails_at_the_token(harness, world, raw_config, synth_raw):
    for env in raw_config["environments"]:
        env["token_usage"] = {"group": "users"}  # exists in the workspace, but without token CAN_USE
    stack = synth_raw(raw_config)["staging"]
    result = initialized(harness, "staging", stack).apply()
    assert result.exit_code == 1
    assert result.mentions(f"cannot create obo token: {NO_TOKEN_USE}"), result.output
    assert result.mentions(f"with {_address(stack, 'databricks_obo_token')}")
    (sp,) = world.service_principals(STAGING)
    assert sp["id"] in world.group_members(STAGING, "users")  # the grant was applied first: the token waited for it
    assert world.tokens(STAGING) == []


@pytest.mark.terraform
@pytest.mark.parametrize("mode", ["pat", "oauth"])
def test_only_a_pat_mode_sp_can_mint_a_pat_of_its_own(harness, world, raw_config, synth_raw, mode):
    stack = _with_a_pat_minted_by_the_sp(_staging(raw_config, synth_raw, mode), mode)
    result = initialized(harness, "staging", stack).apply()
    (sp,) = world.service_principals(STAGING)
    minted = [t for t in world.tokens(STAGING) if t["comment"] == "a PAT the SP mints for itself"]
    if mode == "pat":  # token use is what a PAT on behalf of the SP needs, and it lets the SP mint one too
        assert result.ok, result.output
        assert [t["application_id"] for t in minted] == [sp["application_id"]]
    else:
        assert result.exit_code == 1
        assert result.mentions(f"cannot create token: {NO_TOKEN_USE}"), result.output
        assert result.mentions(f"with {MINTED}")
        assert minted == []
