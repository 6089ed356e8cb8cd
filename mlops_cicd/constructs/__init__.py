"""Reusable constructs; each works on its own in another project's stack."""

from .cd_trigger import CdTriggerCredentials, cd_credentials_scope_name
from .git_credential import ServicePrincipalGitCredential
from .github_actions import actions_secret, actions_variable
from .github_environment import GitHubDeploymentEnvironment
from .oauth_secret import OAuthSecret
from .oidc_federation import GITHUB_OIDC_ISSUER, GitHubOidcFederation, github_environment_subject, github_oidc_issuer
from .rotation import RotationSchedule, resource_address
from .service_principal import CicdServicePrincipal, TokenUsageByGroup, TokenUsageByPermission
from .service_principal_roles import ServicePrincipalRoles
from .workspace_token import WorkspaceToken

__all__ = [
    "CdTriggerCredentials", "cd_credentials_scope_name", "ServicePrincipalGitCredential", "actions_secret",
    "actions_variable", "GitHubDeploymentEnvironment", "OAuthSecret", "GITHUB_OIDC_ISSUER", "GitHubOidcFederation",
    "github_environment_subject", "github_oidc_issuer", "resource_address", "RotationSchedule", "CicdServicePrincipal",
    "ServicePrincipalRoles", "TokenUsageByGroup", "TokenUsageByPermission", "WorkspaceToken",
]
