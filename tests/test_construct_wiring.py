"""What each construct passes on to Terraform that no other test pinned (found by `make mutation`):
the provider a caller gives, and the fields of the OIDC federation policy."""

from __future__ import annotations

import pytest

from helpers import only
from mlops_cicd.constructs import (
    CicdServicePrincipal,
    GitHubOidcFederation,
    OAuthSecret,
    TokenUsageByPermission,
    WorkspaceToken,
    github_oidc_issuer,
)
from mlops_cicd.framework import databricks
from test_boundaries import build_token, synth_stack

# the framework's classes (mlops_cicd/framework.py chooses CDKTF or CDK Terrain)
DatabricksProvider = databricks.provider.DatabricksProvider

ACCOUNT_ID = "0d26daa6-5e44-4c97-a497-ef015f91254a"


def test_oauth_secret_is_created_by_the_provider_the_caller_gives():
    def build(stack):
        other = DatabricksProvider(stack, "other", alias="other", host="https://other.cloud.databricks.com")
        cicd = CicdServicePrincipal(stack, "cicd", display_name="ci", project_directory="/p", token_usage=None)
        OAuthSecret(stack, "oauth", service_principal_id=cicd.service_principal.id, provider=other)

    assert only(synth_stack(build), "databricks_service_principal_secret")["provider"] == "databricks.other"


def test_federation_policy_belongs_to_the_sp_and_says_what_it_trusts():
    def build(stack):
        account = DatabricksProvider(stack, "account", alias="account", host="https://accounts.cloud.databricks.com",
                                     account_id=ACCOUNT_ID)
        cicd = CicdServicePrincipal(stack, "cicd", display_name="ci", project_directory="/p", token_usage=None)
        GitHubOidcFederation(stack, "oidc", service_principal_id=cicd.service_principal.id, owner="acme",
                             repository="ml", environment="prod", provider=account, audience=ACCOUNT_ID)

    doc = synth_stack(build)
    policy = only(doc, "databricks_service_principal_federation_policy")
    (sp_name,) = doc["resource"]["databricks_service_principal"]
    assert policy["service_principal_id"] == f"${{databricks_service_principal.{sp_name}.id}}"
    assert policy["description"] == "GitHub Actions acme/ml environment prod"


def test_federation_needs_an_audience():
    def build(stack):
        account = DatabricksProvider(stack, "account", alias="account", host="https://accounts.cloud.databricks.com",
                                     account_id=ACCOUNT_ID)
        GitHubOidcFederation(stack, "oidc", service_principal_id="1", owner="acme", repository="ml",
                             environment="prod", provider=account, audience="")

    with pytest.raises(ValueError, match="audience is required"):
        synth_stack(build)


@pytest.mark.parametrize("server, issuer", [
    ("https://github.com", "https://token.actions.githubusercontent.com"),
    ("https://github.com/", "https://token.actions.githubusercontent.com"),
    ("https://ghe.example.com", "https://ghe.example.com/_services/token"),
    ("https://ghe.example.com/", "https://ghe.example.com/_services/token"),
])
def test_oidc_issuer_of_github_and_of_an_enterprise_server(server, issuer):
    assert github_oidc_issuer(server) == issuer


def test_token_permission_principal_kind_names_the_access_control_field():
    """`<kind>:<name>`: the kind picks the field, the name after the first colon is its value."""
    application_id = "0d26daa6-0000-4000-8000-000000000001"
    usage = TokenUsageByPermission(keep_can_use=("group:ml-readers", f"service_principal:{application_id}"))
    doc = synth_stack(lambda s: CicdServicePrincipal(s, "cicd", display_name="ci", project_directory="/p", token_usage=usage))
    (tokens,) = [p for p in doc["resource"]["databricks_permissions"].values() if p.get("authorization") == "tokens"]
    assert tokens["access_control"][:2] == [
        {"group_name": "ml-readers", "permission_level": "CAN_USE"},
        {"permission_level": "CAN_USE", "service_principal_name": application_id},
    ]


def test_workspace_token_comment_and_provider_reach_terraform():
    def build(stack):
        other = DatabricksProvider(stack, "other", alias="other", host="https://other.cloud.databricks.com")
        cicd = CicdServicePrincipal(stack, "cicd", display_name="ci", project_directory="/p")
        WorkspaceToken(stack, "token", application_id=cicd.service_principal.application_id,
                       depends_on=[cicd.token_grant], comment="proj staging CI/CD", provider=other)

    token = only(synth_stack(build), "databricks_obo_token")
    assert token["provider"] == "databricks.other"
    assert token["comment"].startswith("proj staging CI/CD")


def test_workspace_token_default_comment_says_who_manages_it():
    assert only(synth_stack(build_token), "databricks_obo_token")["comment"].startswith("CI/CD token managed by mlops-cicd")
