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
from ..github_names import default_names
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


def build_credentials(scope: Construct, config: Config, env: EnvironmentConfig, cicd: CicdServicePrincipal) -> Credentials:
    """The environment's credential, and the secrets and variables holding it by their default names
    (github_names.py; the stack writes each under the name `github_names` gives it)."""
    sp = cicd.service_principal
    names = default_names(env.name, env.credential_mode, env.placement)
    if env.credential_mode == "pat":
        token = WorkspaceToken(
            scope, "workspace_token",
            application_id=sp.application_id,
            depends_on=[cicd.token_grant],
            lifetime_days=env.token_lifetime_days,
            rotation_days=env.rotation_days,
            comment=f"{config.project.name} {env.name} CI/CD (mlops-cicd)",
        )
        name = names["secret:workspace_token"]
        return Credentials(secrets={name: token.value}, credential=token, rotations={name: token.rotation})

    if env.credential_mode == "oauth":
        secret = OAuthSecret(
            scope, "oauth_secret",
            service_principal_id=sp.id,
            lifetime_days=env.token_lifetime_days,
            rotation_days=env.rotation_days,
        )
        return Credentials(
            secrets={names["secret:client_id"]: sp.application_id, names["secret:client_secret"]: secret.value},
            variables={names["variable:host"]: env.workspace_host},
            credential=secret,
            rotations={names["secret:client_secret"]: secret.rotation},
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
            names["variable:host"]: env.workspace_host,
            names["variable:client_id"]: sp.application_id,
            names["variable:auth_type"]: "github-oidc",
            names["variable:token_audience"]: env.account.account_id,
        },
        credential=federation,
    )
