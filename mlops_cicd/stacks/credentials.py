"""Credential modes: how CI authenticates as the SP, and what each mode writes to GitHub.

- `pat`: a rotated workspace token on behalf of the SP (AWS, GCP);
- `oauth`: a rotated OAuth secret of the SP (all clouds);
- `oidc`: a GitHub OIDC federation policy, no stored secret at all.

No mode has a provider that authenticates as the SP: everything is managed by the deployer (the SP's git
credential through `principal_id`), so a due rotation plans and applies with a plain `cdktf deploy`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from constructs import Construct

from ..config import Config, EnvironmentConfig
from ..constructs.oauth_secret import OAuthSecret
from ..constructs.oidc_federation import GitHubOidcFederation, github_oidc_issuer
from ..constructs.rotation import RotationSchedule
from ..constructs.service_principal import CicdServicePrincipal
from ..constructs.workspace_token import WorkspaceToken
from ..framework import databricks

# the framework's classes, by the names used below (mlops_cicd/framework.py chooses CDKTF or CDK Terrain)
DatabricksProvider = databricks.provider.DatabricksProvider

ACCOUNT_PROVIDER_ALIAS = "account"


@dataclass
class Credentials:
    """What the rest of the stack needs from a credential mode."""

    secrets: dict[str, str] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)
    credential: Construct | None = None
    rotations: dict[str, RotationSchedule] = field(default_factory=dict)
    """secret name -> the rotation schedule of the credential it holds (the others hold no rotated value)."""


def env_prefix(env: EnvironmentConfig) -> str:
    return env.name.upper().replace("-", "_")


def build_credentials(scope: Construct, config: Config, env: EnvironmentConfig, cicd: CicdServicePrincipal) -> Credentials:
    sp = cicd.service_principal
    if env.credential_mode == "pat":
        token = WorkspaceToken(
            scope, "workspace_token",
            application_id=sp.application_id,
            depends_on=[cicd.token_grant],
            lifetime_days=env.token_lifetime_days,
            rotation_days=env.rotation_days,
            comment=f"{config.project.name} {env.name} CI/CD (mlops-cicd)",
        )
        name = f"{env_prefix(env)}_WORKSPACE_TOKEN"
        return Credentials(secrets={name: token.value}, credential=token, rotations={name: token.rotation})

    if env.credential_mode == "oauth":
        secret = OAuthSecret(
            scope, "oauth_secret",
            service_principal_id=sp.id,
            lifetime_days=env.token_lifetime_days,
            rotation_days=env.rotation_days,
        )
        # Repository-level names are shared by every environment: prefix them so stacks do not collide.
        prefix = f"{env_prefix(env)}_" if env.placement == "repository" else ""
        return Credentials(
            secrets={f"{prefix}DATABRICKS_CLIENT_ID": sp.application_id, f"{prefix}DATABRICKS_CLIENT_SECRET": secret.value},
            variables={f"{prefix}DATABRICKS_HOST": env.workspace_host},
            credential=secret,
            rotations={f"{prefix}DATABRICKS_CLIENT_SECRET": secret.rotation},
        )

    assert env.account is not None  # guaranteed by config validation
    account = DatabricksProvider(
        scope, ACCOUNT_PROVIDER_ALIAS, alias=ACCOUNT_PROVIDER_ALIAS, host=env.account.host, account_id=env.account.account_id
    )
    federation = GitHubOidcFederation(
        scope, "github_oidc",
        service_principal_id=sp.id,
        owner=config.github.owner,
        repository=config.github.repository,
        environment=env.github_environment_name,
        provider=account,
        audience=env.account.account_id,
        issuer=github_oidc_issuer(config.github.server_url),
        # set only with github.oidc_subject = "immutable" (config validation)
        owner_id=config.github.owner_id,
        repository_id=config.github.repository_id,
        existing_service_principal_ids=cicd.existing_ids,
    )
    return Credentials(
        variables={
            "DATABRICKS_HOST": env.workspace_host,
            "DATABRICKS_CLIENT_ID": sp.application_id,
            "DATABRICKS_AUTH_TYPE": "github-oidc",
            "DATABRICKS_TOKEN_AUDIENCE": env.account.account_id,
        },
        credential=federation,
    )
