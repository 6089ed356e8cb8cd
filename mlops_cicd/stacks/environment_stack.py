"""One stack per environment: its own providers, variables and state; nothing of another environment."""

from __future__ import annotations

from constructs import Construct

from ..config import Config, EnvironmentConfig, TokenUsageConfig
from ..constructs.adoption import forget_if_managed
from ..constructs.cd_trigger import CdTriggerCredentials, cd_credentials_scope_name
from ..constructs.git_credential import ServicePrincipalGitCredential
from ..constructs.github_actions import actions_secret, actions_variable
from ..constructs.github_environment import GitHubDeploymentEnvironment
from ..constructs.oidc_federation import GITHUB_COM
from ..constructs.service_principal import (
    CicdServicePrincipal,
    TokenUsage,
    TokenUsageByGroup,
    TokenUsageByPermission,
)
from ..constructs.service_principal_roles import ServicePrincipalRoles
from ..constructs.signature import shows_init_signature
from ..framework import core, databricks, github, time_provider
from ..github_names import TRIGGER_TOKEN_SECRET, renamed
from .backends import apply_backend
from .credentials import build_credentials
from .provider_versions import pin_provider_versions

# the framework's classes, by the names used below (mlops_cicd/framework.py chooses CDKTF or CDK Terrain)
TerraformOutput = core.TerraformOutput
TerraformStack, TerraformVariable = core.TerraformStack, core.TerraformVariable
DatabricksProvider = databricks.provider.DatabricksProvider
GithubProvider = github.provider.GithubProvider
TimeProvider = time_provider.provider.TimeProvider

# Secrets arrive as sensitive Terraform variables: set TF_VAR_<name> before `cdktf deploy`.
GIT_READ_TOKEN_VARIABLE = "git_read_token"
TRIGGER_TOKEN_VARIABLE = "trigger_workflows_github_token"
TRIGGER_SECRET_ID = "github_secret_trigger_workflows_github_token"
TRIGGER_SECRET_ADDRESS = f"github_actions_secret.{TRIGGER_SECRET_ID}"
"""Where the shared secrets stack keeps the trigger token secret (a repository secret, top-level construct)."""
ROLES_RULE_SET_ID = "service_principal_roles"
ROLES_RULE_SET_ADDRESS = f"databricks_access_control_rule_set.{ROLES_RULE_SET_ID}"
"""The SP's rule set in a stack with `service_principal_roles` (a fixed address: a stack without the setting
forgets it)."""


def token_usage(usage: TokenUsageConfig) -> TokenUsage:
    if usage.mode == "permission":
        return TokenUsageByPermission(keep_can_use=tuple(usage.keep_can_use))
    return TokenUsageByGroup(group=usage.group)


def github_api_url(server_url: str) -> str | None:
    """The provider's base URL for GitHub Enterprise Server; None (the provider default) for github.com.

    It is the server's root: the provider itself appends `api/v3/` (REST) and `api/graphql` (GraphQL).
    """
    return None if server_url == GITHUB_COM else f"{server_url}/"


@shows_init_signature
class EnvironmentStack(TerraformStack):
    """Everything one environment's CI/CD needs, deployable with `cdktf deploy <env>`.

    Attributes: `cicd` (service principal), `credentials`, `service_principal_roles` (None unless configured),
    `git_credential`, `cd_trigger`,
    `github_environment`, `github_secrets` and `github_variables` (by name).
    """

    def __init__(self, scope: Construct, config: Config, env: EnvironmentConfig) -> None:
        """Compose the stack of one environment.

        Args:
            scope: the cdktf `App`.
            config: the whole configuration (`load_config`): project, repository, other environments.
            env: the environment to build, one of `config.environments`; its name is the stack's (in a platform
                repository, `<project>-<env>`: `config.stack_name`).
        """
        super().__init__(scope, config.stack_name(env.name))
        project, gh = config.project.name, config.github
        apply_backend(self, project, env.name, env.backend, config.directory)

        # Deployer credentials come from the environment (DATABRICKS_*, GITHUB_TOKEN), never from here.
        pin_provider_versions(self, [
            DatabricksProvider(self, "databricks", host=env.workspace_host),
            GithubProvider(self, "github", owner=gh.owner, base_url=github_api_url(gh.server_url)),
            TimeProvider(self, "time"),
        ])

        git_read_token = self._secret_variable(
            GIT_READ_TOKEN_VARIABLE, "GitHub token with read access to the repository, stored as the SP's git credential"
        )
        trigger_token = self._secret_variable(
            TRIGGER_TOKEN_VARIABLE, "GitHub PAT with write access, used by Databricks jobs to trigger the CD workflow"
        )

        self.cicd = CicdServicePrincipal(
            self, "cicd",
            display_name=env.service_principal_name,
            project_directory=env.project_directory,
            directory_grants=env.project_directory_grants or (),
            allow_cluster_create=env.allow_cluster_create,
            # Only a PAT on behalf of the SP needs token use; elsewhere it would only let the SP mint PATs.
            token_usage=token_usage(env.token_usage) if env.credential_mode == "pat" else None,
        )
        application_id = self.cicd.service_principal.application_id
        self.credentials = build_credentials(self, config, env, self.cicd)

        # Who besides the SP's creator may deploy this stack (manage the SP's git credential): its managers.
        roles = env.service_principal_roles
        self.service_principal_roles = None if roles is None else ServicePrincipalRoles(
            self, "service_principal_roles",
            account_id=env.account.account_id,  # required with roles (config validation)
            application_id=application_id,
            managers=roles.managers,
            users=roles.users,
        )
        if self.service_principal_roles is not None:
            self.service_principal_roles.rule_set.override_logical_id(ROLES_RULE_SET_ID)
        else:
            # Deleting the rule set writes an empty one (permissions/resource_access_control_rule_set.go
            # v1.116.0): removing the setting after a deploy would take the manager role from everyone, the
            # deployer included. Forget it instead: the SP keeps the roles last written.
            forget_if_managed(self, ROLES_RULE_SET_ADDRESS)
        # The deployer manages both on the SP's behalf (no provider authenticates as the SP, see credentials.py).
        self.git_credential = ServicePrincipalGitCredential(
            self, "git_credential",
            service_principal_id=self.cicd.service_principal.id,
            personal_access_token=git_read_token.string_value,
            git_username=env.git_username or gh.owner,
            git_provider=config.git_provider_of(env),
            depends_on=[self.service_principal_roles.rule_set] if self.service_principal_roles else (),
        )
        self.cd_trigger = CdTriggerCredentials(
            self, "cd_trigger",
            scope_name=cd_credentials_scope_name(env.name, project),
            github_token=trigger_token.string_value,
            github_repo=f"{gh.owner}/{gh.repository}",
            github_server=gh.server_url,
            reader=application_id,
        )

        self.github_environment = self._github_environment(gh.repository, env)
        placement = env.placement
        environment_name = self.github_environment.environment.environment if placement == "environment" else None
        # Construct ids (Terraform addresses) follow the default names, so renaming one (`github_names`) replaces
        # that secret in place of deleting it from one address and creating it at another.
        written = lambda name: renamed(env.github_names, name)  # noqa: E731
        self.github_secrets = {
            written(name): actions_secret(
                self, f"github_secret_{name.lower()}", repository=gh.repository, name=written(name), value=value,
                placement=placement, environment=environment_name, written_since=self.credentials.rotations.get(name),
            )
            for name, value in self.credentials.secrets.items()
        }
        if env.name == config.shared_secrets_stack:
            self.github_secrets[written(TRIGGER_TOKEN_SECRET)] = actions_secret(
                self, TRIGGER_SECRET_ID,
                repository=gh.repository, name=written(TRIGGER_TOKEN_SECRET), value=trigger_token.string_value,
            )
        else:
            # This stack may have written it before (`github.shared_secrets_stack` moved, or environments
            # reordered while it is unset): the new owner's create overwrites the same secret (github 6.11.0
            # CreateOrUpdateRepoSecret, no existence check), and deploying this stack must not delete it.
            forget_if_managed(self, TRIGGER_SECRET_ADDRESS)
        self.github_variables = {
            written(name): actions_variable(
                self, f"github_variable_{name.lower()}", repository=gh.repository, name=written(name), value=value,
                placement=placement, environment=environment_name,
            )
            for name, value in self.credentials.variables.items()
        }

        TerraformOutput(self, "service_principal_application_id", value=application_id)
        TerraformOutput(self, "service_principal_id", value=self.cicd.service_principal.id)
        TerraformOutput(self, "github_environment_name", value=self.github_environment.environment.environment)

    def _secret_variable(self, name: str, description: str) -> TerraformVariable:
        return TerraformVariable(self, name, type="string", sensitive=True, nullable=False, description=description)

    def _github_environment(self, repository: str, env: EnvironmentConfig) -> GitHubDeploymentEnvironment:
        """Production environments default to strict protection; every default can be overridden in config."""
        settings, strict = env.github_environment, env.is_production
        return GitHubDeploymentEnvironment(
            self, "github_environment",
            repository=repository,
            environment=env.github_environment_name,
            reviewer_users=settings.reviewers.users,
            reviewer_teams=settings.reviewers.teams,
            prevent_self_review=strict if settings.prevent_self_review is None else settings.prevent_self_review,
            can_admins_bypass=(not strict) if settings.can_admins_bypass is None else settings.can_admins_bypass,
            wait_timer_minutes=settings.wait_timer_minutes,
            branch_policy=settings.branch_policy or ("protected" if strict else "any"),
            branch_patterns=settings.branch_patterns,
        )
