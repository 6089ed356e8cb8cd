"""Tokenless CI/CD: a GitHub OIDC federation policy on a service principal (account-level)."""

from __future__ import annotations

from constructs import Construct

from ..framework import core, databricks
from ..names import GITHUB_COM
from .federation_adoption import adopt_existing_policy
from .github_ids import repository_ids_precondition
from .signature import shows_init_signature

# the framework's classes, by the names used below (mlops_cicd/framework.py chooses CDKTF or CDK Terrain)
TerraformProvider = core.TerraformProvider
TerraformResourceLifecycle, Token = core.TerraformResourceLifecycle, core.Token
ServicePrincipalFederationPolicy = databricks.service_principal_federation_policy.ServicePrincipalFederationPolicy
ServicePrincipalFederationPolicyOidcPolicy = (
    databricks.service_principal_federation_policy.ServicePrincipalFederationPolicyOidcPolicy)

GITHUB_OIDC_ISSUER = "https://token.actions.githubusercontent.com"


def github_oidc_issuer(server_url: str = GITHUB_COM) -> str:
    """The `iss` of GitHub Actions OIDC tokens: github.com's token service, or the Enterprise Server's own."""
    return GITHUB_OIDC_ISSUER if server_url.rstrip("/") == GITHUB_COM else f"{server_url.rstrip('/')}/_services/token"


def github_environment_subject(owner: str, repository: str, environment: str,
                               owner_id: int | None = None, repository_id: int | None = None) -> str:
    """The default `sub` claim of a GitHub Actions job that runs in `environment` of `owner/repository`.

    With both ids, the immutable form GitHub sends for repositories created, renamed or transferred on
    github.com after 2026-07-15, or opted in: each name followed by `@<its numeric id>`
    (`repo:OWNER@OWNER-ID/REPO@REPO-ID:environment:NAME`). GitHub writes a `:` inside a value as `%3A`.
    Source: GitHub docs, OpenID Connect reference, "Immutable subject claims" and "Filtering for metadata
    containing `:`" (github/docs content/actions/reference/security/oidc.md; github/docs PR #45221).
    """
    if (owner_id is None) != (repository_id is None):
        raise ValueError("owner_id and repository_id go together: the immutable subject carries both, or neither")
    if owner_id is not None:
        owner, repository = f"{owner}@{owner_id}", f"{repository}@{repository_id}"
    return f"repo:{owner}/{repository}:environment:{environment.replace(':', '%3A')}"


@shows_init_signature
class GitHubOidcFederation(Construct):
    """Lets GitHub Actions jobs of one repository environment act as the SP without any stored secret.

    `provider` must be an account-level Databricks provider (host + account_id). The workflow job sets
    `environment: <env>`, `permissions: id-token: write`, `DATABRICKS_AUTH_TYPE=github-oidc` and
    `DATABRICKS_TOKEN_AUDIENCE=<audience>`. The audience is stated on both sides (the account id, the
    policy's documented default) because the SDK would otherwise ask GitHub for a workspace-specific one.
    `issuer`: `github_oidc_issuer(server_url)` for GitHub Enterprise Server. `owner_id` + `repository_id`: the
    repository's numeric ids, for the immutable subject form (see `github_environment_subject`); the policy
    then trusts that repository only, whatever later holds its name, and the plan fails unless GitHub reports
    those ids for `owner/repository` (read with `github_provider`, default: the stack's github provider). `existing_service_principal_ids`
    (`CicdServicePrincipal.existing_ids`): adopt a policy of that SP with this issuer and subject that state
    lacks (federation_adoption.py).
    Attributes: `policy`, `subject`.
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
        owner_id: int | None = None,
        repository_id: int | None = None,
        existing_service_principal_ids: str | None = None,
        github_provider: TerraformProvider | None = None,
    ) -> None:
        """Create the federation policy (and, if asked, the adoption of one that state lacks).

        Args:
            scope: the stack or construct to add it to.
            id: its construct id (part of every Terraform address below it: changing it replaces the policy).
            service_principal_id: the SP's id (`CicdServicePrincipal.service_principal.id`).
            owner: the repository's owner (login).
            repository: the repository's name alone.
            environment: the GitHub environment whose jobs may act as the SP.
            provider: an account-level databricks provider (host and account_id); required.
            audience: the audience the workflow requests its token for: the Databricks account id.
            issuer: the OIDC issuer; `github_oidc_issuer(server_url)` for GitHub Enterprise Server.
            owner_id: the owner's numeric GitHub id, for the immutable subject (with `repository_id`).
            repository_id: the repository's numeric GitHub id, for the immutable subject (with `owner_id`).
            existing_service_principal_ids: `CicdServicePrincipal.existing_ids`, to adopt a policy of this SP,
                issuer and subject that state lacks; None: no adoption.
            github_provider: the github provider that checks `owner_id` and `repository_id`; default: the
                stack's default one.
        """
        super().__init__(scope, id)
        if not audience:
            raise ValueError("audience is required: the Databricks account id the workflow requests its token for")
        self.subject = github_environment_subject(owner, repository, environment, owner_id, repository_id)
        self.policy = ServicePrincipalFederationPolicy(
            self, "policy",
            service_principal_id=Token.as_number(service_principal_id),
            description=f"GitHub Actions {owner}/{repository} environment {environment}",
            oidc_policy=ServicePrincipalFederationPolicyOidcPolicy(
                issuer=issuer, subject=self.subject, audiences=[audience],
            ),
            provider=provider,
            # pinned ids are checked against GitHub before the policy is written (a typo, a re-created repository)
            lifecycle=None if owner_id is None else TerraformResourceLifecycle(precondition=[repository_ids_precondition(
                self, owner=owner, repository=repository, owner_id=owner_id, repository_id=repository_id,
                provider=github_provider)]),
        )
        if existing_service_principal_ids is not None:  # a policy created but not recorded is adopted, not duplicated
            adopt_existing_policy(self, self.policy, service_principal_ids=existing_service_principal_ids,
                                  issuer=issuer, subject=self.subject, provider=provider)
