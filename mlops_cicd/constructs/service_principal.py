"""The CI/CD service principal: the SP, its right to use tokens (only where a credential needs it), and its
project directory."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence, Union

from constructs import Construct

from ..directory_grants import DirectoryGrant, repeated_principal_problem
from ..framework import core, databricks
from ..principals import DEFAULT_TOKEN_GROUP, PRINCIPAL_FIELDS, split_principal, token_principal_problem
from .adoption import hcl_string, import_existing
from .signature import shows_init_signature

# the framework's classes, by the names used below (mlops_cicd/framework.py chooses CDKTF or CDK Terrain)
ITerraformDependable, Postcondition = core.ITerraformDependable, core.Postcondition
TerraformProvider, TerraformResourceLifecycle = core.TerraformProvider, core.TerraformResourceLifecycle
DataDatabricksGroup = databricks.data_databricks_group.DataDatabricksGroup
DataDatabricksServicePrincipals = databricks.data_databricks_service_principals.DataDatabricksServicePrincipals
Directory = databricks.directory.Directory
GroupMember = databricks.group_member.GroupMember
Permissions = databricks.permissions.Permissions
PermissionsAccessControl = databricks.permissions.PermissionsAccessControl
ServicePrincipal = databricks.service_principal.ServicePrincipal


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


def _named(lookup: str, display_name: str, attribute: str = "") -> str:
    """HCL: the service principals `lookup` (a databricks_service_principals) lists whose display name is exactly
    `display_name` (its filter only asks for one that contains it, ignoring case)."""
    return f"[for sp in {lookup}.service_principals : sp{attribute} if sp.display_name == {hcl_string(display_name)}]"


@shows_init_signature
class CicdServicePrincipal(Construct):
    """A service principal for CI/CD that manages the project's workspace directory and, if asked, may use tokens.

    `token_usage=None` grants no token use: right for OAuth secrets and OIDC federation, which need none.
    Any grant lets whatever runs as the SP mint personal access tokens of its own, so give one only to an SP
    that gets a token on its behalf (`WorkspaceToken`).

    The directory's permission list is authoritative: `directory_grants` names the direct grants on it that
    stay besides the SP's CAN_MANAGE (any other direct grant is removed on apply).

    A service principal of `display_name` that exists but is not in state is adopted by the next plan (an
    `import` block; several of that name fail the plan instead, see `_adopt_existing`).

    Attributes: `service_principal`, `existing` (the lookup by display name), `existing_ids` (HCL: a map SCIM id
    -> SCIM id of the SP of that name that exists before the apply, known at plan time; empty on a first deploy),
    `token_grant` (what lets it use tokens, None without one; a `WorkspaceToken` must depend on it),
    `directory`, `directory_permissions`.
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
        """Create the service principal, its token-use grant (if any) and its project directory.

        Args:
            scope: the stack or construct to add it to.
            id: its construct id (part of every Terraform address below it: changing it replaces the SP).
            display_name: the SP's display name in the workspace.
            project_directory: the absolute workspace path of the directory the SP manages (created if missing).
            allow_cluster_create: whether the SP may create clusters.
            directory_grants: direct grants on the directory that stay besides the SP's CAN_MANAGE, each
                principal once (`DirectoryGrant`); any other direct grant is removed on apply.
            token_usage: how the SP may use tokens: `TokenUsageByGroup` (join a group that has token CAN_USE),
                `TokenUsageByPermission` (manage the workspace's token permission) or None (no token use).
            provider: the workspace's databricks provider; default: the stack's default one.
        """
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
        self.existing = self._adopt_existing(display_name, provider)
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

    def _adopt_existing(self, display_name: str, provider: TerraformProvider | None) -> DataDatabricksServicePrincipals:
        """Adopt the one service principal of this display name that state lacks; refuse the plan when several
        have it (Databricks allows that; which one is ours cannot be told).

        Adopted rather than refused: the display name is the stack's own (MLOPS012 keeps it unique within a
        configuration), and what leaves one out of state is this stack's own doing: a create whose answer was
        lost, a lost state, the template's SP of the same name. A second SP would break CI's invariant (one
        SP per name) and orphan the first. The risk, a same-named SP that someone else uses being taken over
        (and deleted by `destroy`), shows in the plan as "1 to import" (README: Known limits of rotation).
        """
        lookup = DataDatabricksServicePrincipals(
            self, "existing_service_principals", display_name_contains=display_name, provider=provider,
            lifecycle=TerraformResourceLifecycle(postcondition=[Postcondition(
                condition=f"${{length({_named('self', display_name)}) <= 1}}",
                error_message=(
                    f"${{length({_named('self', display_name)})}} service principals are named {display_name!r} in "
                    f"this workspace (SCIM ids ${{join(\", \", {_named('self', display_name, '.id')})}}): the stack "
                    "adopts the one service principal of its display name and cannot tell which is its own. Keep "
                    "one: delete the others with `databricks service-principals delete <SCIM id>`, or set another "
                    "service_principal_name."),
            )]),
        )
        found = f"data.{lookup.terraform_resource_type}.{lookup.friendly_unique_id}"
        self.existing_ids = f"{{for sp in {_named(found, display_name)} : sp.id => sp.id}}"
        import_existing(self.service_principal, for_each=f"${{{self.existing_ids}}}")
        return lookup

    def _grant_token_usage(self, usage: TokenUsage, provider: TerraformProvider | None) -> ITerraformDependable:
        if isinstance(usage, TokenUsageByGroup):
            group = DataDatabricksGroup(self, "token_users_group", display_name=usage.group, provider=provider)
            return GroupMember(self, "token_users_membership", group_id=group.id, member_id=self.service_principal.id, provider=provider)
        access = [token_access_control(p) for p in usage.keep_can_use]
        access.append(PermissionsAccessControl(service_principal_name=self.service_principal.application_id, permission_level="CAN_USE"))
        return Permissions(self, "token_usage_permissions", authorization="tokens", access_control=access, provider=provider)
