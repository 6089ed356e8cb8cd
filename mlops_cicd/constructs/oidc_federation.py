"""Tokenless CI/CD: a GitHub OIDC federation policy on a service principal (account-level)."""

from __future__ import annotations

from cdktf import TerraformProvider, Token
from cdktf_cdktf_provider_databricks.service_principal_federation_policy import (
    ServicePrincipalFederationPolicy,
    ServicePrincipalFederationPolicyOidcPolicy,
)
from constructs import Construct

from ..names import GITHUB_COM

GITHUB_OIDC_ISSUER = "https://token.actions.githubusercontent.com"


def github_oidc_issuer(server_url: str = GITHUB_COM) -> str:
    """The `iss` of GitHub Actions OIDC tokens: github.com's token service, or the Enterprise Server's own."""
    return GITHUB_OIDC_ISSUER if server_url.rstrip("/") == GITHUB_COM else f"{server_url.rstrip('/')}/_services/token"


def github_environment_subject(owner: str, repository: str, environment: str) -> str:
    """The `sub` claim of a GitHub Actions job that runs in `environment` of `owner/repository`."""
    return f"repo:{owner}/{repository}:environment:{environment}"


class GitHubOidcFederation(Construct):
    """Lets GitHub Actions jobs of one repository environment act as the SP without any stored secret.

    `provider` must be an account-level Databricks provider (host + account_id). The workflow job sets
    `environment: <env>`, `permissions: id-token: write`, `DATABRICKS_AUTH_TYPE=github-oidc` and
    `DATABRICKS_TOKEN_AUDIENCE=<audience>`. The audience is stated on both sides (the account id, the
    policy's documented default) because the SDK would otherwise ask GitHub for a workspace-specific one.
    `issuer`: `github_oidc_issuer(server_url)` for GitHub Enterprise Server.
    Attribute: `policy`.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        service_principal_id: str,
        owner: str,
        repository: str,
        environment: str,
        provider: TerraformProvider,
        audience: str,
        issuer: str = GITHUB_OIDC_ISSUER,
    ) -> None:
        super().__init__(scope, id)
        if not audience:
            raise ValueError("audience is required: the Databricks account id the workflow requests its token for")
        self.subject = github_environment_subject(owner, repository, environment)
        self.policy = ServicePrincipalFederationPolicy(
            self, "policy",
            service_principal_id=Token.as_number(service_principal_id),
            description=f"GitHub Actions {owner}/{repository} environment {environment}",
            oidc_policy=ServicePrincipalFederationPolicyOidcPolicy(
                issuer=issuer, subject=self.subject, audiences=[audience],
            ),
            provider=provider,
        )
