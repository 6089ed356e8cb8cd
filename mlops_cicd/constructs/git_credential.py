"""Git credentials of the service principal, created as the SP (each identity has its own credential)."""

from __future__ import annotations

from cdktf import TerraformProvider
from cdktf_cdktf_provider_databricks.git_credential import GitCredential
from constructs import Construct


class ServicePrincipalGitCredential(Construct):
    """`databricks_git_credential` owned by the SP.

    `provider` must authenticate as the SP (see `provider_as_service_principal`): a git credential
    belongs to whoever creates it, and there is one per identity. `personal_access_token` is required:
    left out, the provider silently stores the deployer's own `GITHUB_TOKEN`. Attribute: `credential`.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        provider: TerraformProvider,
        personal_access_token: str,
        git_username: str,
        git_provider: str = "gitHub",
    ) -> None:
        super().__init__(scope, id)
        if not personal_access_token:
            raise ValueError("personal_access_token is required (a sensitive variable or resource attribute)")
        if not git_username:
            raise ValueError("git_username must not be empty")
        self.credential = GitCredential(
            self, "credential",
            git_provider=git_provider,
            git_username=git_username,
            personal_access_token=personal_access_token,
            # Replace whatever credential the SP already has (it may have only one): a rotation plan can
            # lose track of this one (see service_principal_provider) and must still converge.
            force=True,
            provider=provider,
        )
