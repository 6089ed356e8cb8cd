"""The CI/CD service principal: the SP, its right to use tokens (only where a credential needs it), and its
project directory."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence, Union

from cdktf import ITerraformDependable, TerraformProvider
from cdktf_cdktf_provider_databricks.data_databricks_group import DataDatabricksGroup
from cdktf_cdktf_provider_databricks.directory import Directory
from cdktf_cdktf_provider_databricks.group_member import GroupMember
from cdktf_cdktf_provider_databricks.permissions import Permissions, PermissionsAccessControl
from cdktf_cdktf_provider_databricks.service_principal import ServicePrincipal
from constructs import Construct

from ..directory_grants import DirectoryGrant, repeated_principal_problem
from ..principals import DEFAULT_TOKEN_GROUP, PRINCIPAL_FIELDS, split_principal, token_principal_problem



@dataclass(frozen=True)
class TokenUsageByGroup:
    """Grant token use through membership of an existing group that already has token CAN_USE (safe default)."""

    group: str = DEFAULT_TOKEN_GROUP


@dataclass(frozen=True)
class TokenUsageByPermission:
    """Manage the workspace's token permission object (`authorization = "tokens"`).

    That object is authoritative: principals not listed lose token use and their tokens are revoked.
    `keep_can_use` must therefore name every principal that keeps CAN_USE, as `group:<name>`,
    `user:<email>` or `service_principal:<application id>`; the SP itself is added automatically.
    """

    keep_can_use: Sequence[str]


TokenUsage = Union[TokenUsageByGroup, TokenUsageByPermission]


def token_access_control(principal: str) -> PermissionsAccessControl:
    """CAN_USE on tokens for `<kind>:<name>`."""
    if (problem := token_principal_problem(principal)) is not None:
        raise ValueError(f"TokenUsageByPermission.keep_can_use: {problem}")
    kind, name = split_principal(principal)
    return PermissionsAccessControl(permission_level="CAN_USE", **{PRINCIPAL_FIELDS[kind]: name})


def _access_control(principal: str, level: str) -> PermissionsAccessControl:
    """`level` for a validated `<kind>:<name>` principal."""
    kind, name = split_principal(principal)
    return PermissionsAccessControl(permission_level=level, **{PRINCIPAL_FIELDS[kind]: name})


class CicdServicePrincipal(Construct):
    """A service principal for CI/CD that manages the project's workspace directory and, if asked, may use tokens.

    `token_usage=None` grants no token use: right for OAuth secrets and OIDC federation, which need none.
    Any grant lets whatever runs as the SP mint personal access tokens of its own, so give one only to an SP
    that gets a token on its behalf (`WorkspaceToken`).

    The directory's permission list is authoritative: `directory_grants` names the direct grants on it that
    stay besides the SP's CAN_MANAGE (any other direct grant is removed on apply).

    Attributes: `service_principal`, `token_grant` (what lets it use tokens, None without one; a
    `WorkspaceToken` must depend on it), `directory`, `directory_permissions`.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        display_name: str,
        project_directory: str,
        allow_cluster_create: bool = True,
        directory_grants: Sequence[DirectoryGrant] = (),
        token_usage: TokenUsage | None = TokenUsageByGroup(),
        provider: TerraformProvider | None = None,
    ) -> None:
        super().__init__(scope, id)
        if not display_name:
            raise ValueError("display_name must not be empty")
        if not project_directory.startswith("/"):
            raise ValueError(f"project_directory must be an absolute workspace path, got {project_directory!r}")
        if isinstance(token_usage, TokenUsageByPermission) and not token_usage.keep_can_use:
            raise ValueError("TokenUsageByPermission.keep_can_use must list every principal that keeps token CAN_USE")

        self.service_principal = ServicePrincipal(
            self, "service_principal",
            display_name=display_name,
            allow_cluster_create=allow_cluster_create,
            provider=provider,
        )
        application_id = self.service_principal.application_id
        self.token_grant: ITerraformDependable | None = (
            None if token_usage is None else self._grant_token_usage(token_usage, provider)
        )

        self.directory = Directory(self, "project_directory", path=project_directory, provider=provider)
        # Authoritative for this directory: direct grants other than the SP's CAN_MANAGE and `directory_grants`
        # are removed (admins and grants inherited from parent folders remain).
        if (problem := repeated_principal_problem(list(directory_grants))) is not None:
            raise ValueError(f"directory_grants {problem}")
        self.directory_permissions = Permissions(
            self, "project_directory_permissions",
            directory_path=self.directory.path,
            access_control=[
                PermissionsAccessControl(service_principal_name=application_id, permission_level="CAN_MANAGE"),
                *(_access_control(grant.principal, grant.level) for grant in directory_grants),
            ],
            provider=provider,
        )

    def _grant_token_usage(self, usage: TokenUsage, provider: TerraformProvider | None) -> ITerraformDependable:
        if isinstance(usage, TokenUsageByGroup):
            group = DataDatabricksGroup(self, "token_users_group", display_name=usage.group, provider=provider)
            return GroupMember(self, "token_users_membership", group_id=group.id, member_id=self.service_principal.id, provider=provider)
        access = [token_access_control(p) for p in usage.keep_can_use]
        access.append(PermissionsAccessControl(service_principal_name=self.service_principal.application_id, permission_level="CAN_USE"))
        return Permissions(self, "token_usage_permissions", authorization="tokens", access_control=access, provider=provider)
