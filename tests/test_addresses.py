"""Terraform addresses of what the stacks create are a contract with every existing deployment.

A construct id is part of the address. Rename one and the next `cdktf deploy` destroys the object and
creates a new one: a new service principal (CI's identity and grants gone), a new token, a new project
directory. These tests pin the addresses of the objects every credential mode keeps; objects whose address
is being redesigned in issue 8 (the git credential, the CD trigger scope and its secrets) are left out.
"""

from __future__ import annotations

import pytest

from helpers import shipped_raw, env_of, shared, synthesize

SERVICE_PRINCIPAL = {
    "databricks_service_principal.cicd_service_principal_AC465DD2",
    "databricks_directory.cicd_project_directory_96C5FE8A",
    "databricks_permissions.cicd_project_directory_permissions_92516A1D",
    "github_repository_environment.github_environment_5682442F",
}
TOKEN_USE_BY_GROUP = {
    "databricks_group_member.cicd_token_users_membership_9FBB3E03",
    "data.databricks_group.cicd_token_users_group_861B1CE5",
}
WORKSPACE_TOKEN = {
    "databricks_obo_token.workspace_token_9CE72CD4",
    "time_rotating.workspace_token_rotation_schedule_A4D521C2",
    "time_static.workspace_token_rotation_trigger_E60A46E4",
}
OAUTH_SECRET = {
    "databricks_service_principal_secret.oauth_secret_59586BC7",
    "time_rotating.oauth_secret_rotation_schedule_698827D1",
    "time_static.oauth_secret_rotation_trigger_F73511C6",
}
OIDC_ACCOUNT = {"host": "https://accounts.cloud.databricks.com", "account_id": "0d26daa6-5e44-4c97-a497-ef015f91254a"}


def addresses(stack: dict) -> set[str]:
    found = {f"{kind}.{name}" for kind, items in stack.get("resource", {}).items() for name in items}
    return found | {f"data.{kind}.{name}" for kind, items in stack.get("data", {}).items() for name in items}


@pytest.fixture(scope=shared("module"))
def mode_stacks(tmp_path_factory) -> dict[str, dict]:
    """staging in oauth mode (repository placement), prod in oidc mode with a branch pattern."""
    raw = shipped_raw()
    staging, prod = env_of(raw, "staging"), env_of(raw, "prod")
    staging["credential_mode"] = "oauth"
    raw["github"]["oidc_subject"] = "names"
    prod.update(credential_mode="oidc", account=OIDC_ACCOUNT)
    prod["github_environment"].update(branch_policy="patterns", branch_patterns=["main"])
    return synthesize(raw, tmp_path_factory.mktemp("mode-synth"))


def test_pat_stacks_keep_their_addresses(default_stacks):
    staging, prod = addresses(default_stacks["staging"]), addresses(default_stacks["prod"])
    kept = SERVICE_PRINCIPAL | TOKEN_USE_BY_GROUP | WORKSPACE_TOKEN
    assert kept - staging == set()
    assert kept - prod == set()
    assert {
        "github_actions_secret.github_secret_staging_workspace_token",
        "github_actions_secret.github_secret_trigger_workflows_github_token",
    } <= staging
    assert "github_actions_environment_secret.github_secret_prod_workspace_token" in prod


def test_oauth_stack_keeps_its_addresses(mode_stacks):
    staging = addresses(mode_stacks["staging"])
    assert (SERVICE_PRINCIPAL | OAUTH_SECRET) - staging == set()
    assert {
        "github_actions_secret.github_secret_staging_databricks_client_id",
        "github_actions_secret.github_secret_staging_databricks_client_secret",
        "github_actions_variable.github_variable_staging_databricks_host",
    } <= staging


def test_oidc_stack_keeps_its_addresses(mode_stacks):
    prod = addresses(mode_stacks["prod"])
    assert SERVICE_PRINCIPAL - prod == set()
    assert {
        "databricks_service_principal_federation_policy.github_oidc_policy_633D219F",
        "github_repository_environment_deployment_policy.github_environment_branch_main_6C6C542E",
        "github_actions_environment_variable.github_variable_databricks_host",
        "github_actions_environment_variable.github_variable_databricks_client_id",
        "github_actions_environment_variable.github_variable_databricks_auth_type",
        "github_actions_environment_variable.github_variable_databricks_token_audience",
    } <= prod


def test_outputs_and_variables_keep_their_names(default_stacks):
    """Outputs are read by other stacks and scripts, variables are set as TF_VAR_<name> by every deployer."""
    for stack in default_stacks.values():
        assert {"service_principal_application_id", "service_principal_id", "github_environment_name"} <= set(stack["output"])
        assert {"git_read_token", "trigger_workflows_github_token"} <= set(stack["variable"])
