"""Credentials a Databricks job uses to trigger the project's GitHub Actions CD workflow."""

from __future__ import annotations

from cdktf import TerraformProvider
from cdktf_cdktf_provider_databricks.secret import Secret
from cdktf_cdktf_provider_databricks.secret_acl import SecretAcl
from cdktf_cdktf_provider_databricks.secret_scope import SecretScope
from constructs import Construct


def cd_credentials_scope_name(environment: str, project: str) -> str:
    return f"{environment}-{project}-cd-credentials"


class CdTriggerCredentials(Construct):
    """Secret scope with `token` (a GitHub PAT with write access), `github_repo` and `github_server`.

    Create it as the SP (pass the SP's provider) so the SP owns the scope; or as the deployer and name
    `reader` (an SP application id) to grant it READ. Attributes: `scope`, `secrets` (by key).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        scope_name: str,
        github_token: str,
        github_repo: str,
        github_server: str,
        provider: TerraformProvider | None = None,
        reader: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        if not github_token:
            raise ValueError("github_token is required (a sensitive variable or resource attribute)")
        self.scope = SecretScope(self, "scope", name=scope_name, provider=provider)
        values = {"token": github_token, "github_repo": github_repo, "github_server": github_server}
        self.secrets = {
            key: Secret(self, f"secret_{key}", scope=self.scope.name, key=key, string_value=value, provider=provider)
            for key, value in values.items()
        }
        self.reader_acl = (
            SecretAcl(self, "reader_acl", scope=self.scope.name, principal=reader, permission="READ", provider=provider)
            if reader else None
        )
