"""Credentials a Databricks job uses to trigger the project's GitHub Actions CD workflow."""

from __future__ import annotations

from constructs import Construct

from ..framework import core, databricks
from ..names import cd_credentials_scope_name  # noqa: F401 - the scope's name, also checked by config validation
from .signature import shows_init_signature

# the framework's classes, by the names used below (mlops_cicd/framework.py chooses CDKTF or CDK Terrain)
TerraformProvider = core.TerraformProvider
Secret = databricks.secret.Secret
SecretAcl = databricks.secret_acl.SecretAcl
SecretScope = databricks.secret_scope.SecretScope


@shows_init_signature
class CdTriggerCredentials(Construct):
    """Secret scope with `token` (a GitHub PAT with write access), `github_repo` and `github_server`, and a
    `READ` ACL for `reader` (the SP's application id).

    The scope belongs to whoever `provider` authenticates as: the deployer by default, so nothing has to
    authenticate as the SP, and the scope outlives an SP deleted out of band (the next deploy grants the new
    SP `READ`). Attributes: `scope`, `secrets` (by key), `reader_acl`.
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
        reader: str,
        provider: TerraformProvider | None = None,
    ) -> None:
        """Create the scope, its three secrets and the reader's ACL.

        Args:
            scope: the stack or construct to add it to.
            id: its construct id (part of every Terraform address below it: changing it replaces the scope).
            scope_name: the secret scope's name (`cd_credentials_scope_name(env, project)`).
            github_token: the GitHub PAT with write access: a sensitive variable or resource attribute, never a
                literal; stored as the scope's `token`.
            github_repo: `owner/repository`, stored as `github_repo`.
            github_server: the GitHub server URL (`https://github.com`), stored as `github_server`.
            reader: who may read the scope (`READ`): the SP's application id.
            provider: the workspace's databricks provider (the scope's owner); default: the stack's default one.
        """
        super().__init__(scope, id)
        if not github_token:
            raise ValueError("github_token is required (a sensitive variable or resource attribute)")
        if not reader:
            raise ValueError("reader must name the principal (an SP application id) that reads the scope")
        self.scope = SecretScope(self, "scope", name=scope_name, provider=provider)
        values = {"token": github_token, "github_repo": github_repo, "github_server": github_server}
        self.secrets = {
            key: Secret(self, f"secret_{key}", scope=self.scope.name, key=key, string_value=value, provider=provider)
            for key, value in values.items()
        }
        self.reader_acl = SecretAcl(self, "reader_acl", scope=self.scope.name, principal=reader, permission="READ",
                                    provider=provider)
