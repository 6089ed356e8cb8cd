"""Each GitHub secret holding a rotated credential gets the check that stops a deploy while GitHub's copy
predates the credential's rotation period (constructs/secret_written.py); other secrets do not."""

from __future__ import annotations

import pytest

from mlops_cicd.constructs.secret_written import CLOCK_SKEW

from helpers import resources


def _checks(stack: dict) -> dict[str, dict]:
    return {**resources(stack, "github_actions_secrets", "data"),
            **resources(stack, "github_actions_environment_secrets", "data")}


def _checked_secret(check: dict) -> str:
    (secret,) = check["depends_on"]
    return secret


def test_the_default_stacks_check_their_workspace_token_secret_and_only_it(default_stacks):
    staging, prod = _checks(default_stacks["staging"]), _checks(default_stacks["prod"])
    assert [_checked_secret(c) for c in staging.values()] == ["github_actions_secret.github_secret_staging_workspace_token"]
    assert [_checked_secret(c) for c in prod.values()] == [
        "github_actions_environment_secret.github_secret_prod_workspace_token"]
    (check,) = prod.values()
    assert check["environment"] == "${github_repository_environment.github_environment_5682442F.environment}"
    (condition,) = check["lifecycle"]["postcondition"]
    token = next(iter(resources(default_stacks["prod"], "databricks_obo_token")))
    trigger = next(name for name in resources(default_stacks["prod"], "time_static"))
    assert f"time_static.{trigger}.rfc3339" in condition["condition"] and f'"-{CLOCK_SKEW}"' in condition["condition"]
    assert '"PROD_WORKSPACE_TOKEN"' in condition["condition"] and token not in condition["condition"]
    message = condition["error_message"]
    assert "GitHub secret PROD_WORKSPACE_TOKEN" in message
    assert "`terraform -chdir='${path.cwd}' state rm 'github_actions_environment_secret.github_secret_prod_workspace_token'`" in message


@pytest.mark.parametrize("placement", ["repository", "environment"])
def test_in_oauth_mode_only_the_client_secret_is_checked(raw_config, synth_raw, placement):
    for env in raw_config["environments"]:
        env["credential_mode"], env["secret_placement"] = "oauth", placement
    staging = synth_raw(raw_config)["staging"]
    prefix = "staging_" if placement == "repository" else ""
    kind = "github_actions_secret" if placement == "repository" else "github_actions_environment_secret"
    assert [_checked_secret(c) for c in _checks(staging).values()] == [
        f"{kind}.github_secret_{prefix}databricks_client_secret"]


def test_in_oidc_mode_nothing_is_checked(raw_config, synth_raw):
    raw_config["github"]["oidc_subject"] = "names"
    for env in raw_config["environments"]:
        env["credential_mode"], env["secret_placement"] = "oidc", "environment"
        env["account"] = {"host": "https://accounts.cloud.databricks.com", "account_id": "0d6a1b2c-1111-2222-3333-444455556666"}
    assert all(_checks(stack) == {} for stack in synth_raw(raw_config).values())
