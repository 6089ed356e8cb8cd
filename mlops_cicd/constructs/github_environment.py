"""A GitHub deployment environment with its protection rules."""

from __future__ import annotations

import re
from typing import Literal, Sequence

from constructs import Construct
from ..framework import core, github
from .signature import shows_init_signature

# the framework's classes, by the names used below (mlops_cicd/framework.py chooses CDKTF or CDK Terrain)
TerraformProvider, Token = core.TerraformProvider, core.Token
DataGithubTeam = github.data_github_team.DataGithubTeam
DataGithubUser = github.data_github_user.DataGithubUser
RepositoryEnvironment = github.repository_environment.RepositoryEnvironment
RepositoryEnvironmentDeploymentBranchPolicy = (
    github.repository_environment.RepositoryEnvironmentDeploymentBranchPolicy)
RepositoryEnvironmentDeploymentPolicy = (
    github.repository_environment_deployment_policy.RepositoryEnvironmentDeploymentPolicy)

BranchPolicy = Literal["protected", "patterns", "any"]


def _id_safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", name)


@shows_init_signature
class GitHubDeploymentEnvironment(Construct):
    """`github_repository_environment` with reviewers given by login / team slug.

    Logins and slugs are resolved to GitHub's numeric ids through data sources at plan time.
    Branch policy: `protected` (only protected branches may deploy), `patterns` (only branches
    matching `branch_patterns`) or `any`. The provider's defaults are permissive (`can_admins_bypass`
    true, `prevent_self_review` false); this construct's defaults are the same, production stacks
    pass stricter values. Attributes: `environment`, `branch_policies`.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        repository: str,
        environment: str,
        reviewer_users: Sequence[str] = (),
        reviewer_teams: Sequence[str] = (),
        prevent_self_review: bool = False,
        can_admins_bypass: bool = True,
        wait_timer_minutes: int = 0,
        branch_policy: BranchPolicy = "any",
        branch_patterns: Sequence[str] = (),
        provider: TerraformProvider | None = None,
    ) -> None:
        """Create the environment, its reviewer lookups and its branch policies.

        Args:
            scope: the stack or construct to add it to.
            id: its construct id (part of every Terraform address below it: changing it replaces the environment).
            repository: the repository's name alone (not `owner/name`; the provider's `owner` says whose).
            environment: the GitHub environment's name.
            reviewer_users: logins of required reviewers, each once (case-insensitive); with `reviewer_teams`, at
                most 6.
            reviewer_teams: slugs of reviewer teams in the owner's organization, each once.
            prevent_self_review: whether whoever started a deployment may not approve it.
            can_admins_bypass: whether repository admins may deploy without the protection rules.
            wait_timer_minutes: minutes a deployment waits before it starts, 0 to 43200.
            branch_policy: which branches may deploy: `protected`, `patterns` (those matching
                `branch_patterns`) or `any`.
            branch_patterns: branch name patterns, with `branch_policy="patterns"` only.
            provider: the repository's github provider; default: the stack's default one.
        """
        super().__init__(scope, id)
        if len(reviewer_users) + len(reviewer_teams) > 6:
            raise ValueError("GitHub allows at most 6 reviewers (users and teams) per environment")
        if (branch_policy == "patterns") != bool(branch_patterns):
            raise ValueError("branch_patterns are required with branch_policy='patterns' and only used with it")

        for field, names in (("reviewer_users", reviewer_users), ("reviewer_teams", reviewer_teams)):
            if len({name.casefold() for name in names}) != len(names):
                # GitHub logins and slugs are case-insensitive. The name is not repeated: it may be a secret.
                raise ValueError(f"{field} names one reviewer twice (names are case-insensitive); list each once")

        # Data source ids carry the position, never the login or slug: construct ids end up in Terraform
        # addresses, logs and check messages, and a login may be a value that must not be shown.
        # (Data sources hold no state: reordering reviewers replaces nothing.)
        users = [
            Token.as_number(DataGithubUser(self, f"reviewer_user_{index}", username=login, provider=provider).id)
            for index, login in enumerate(reviewer_users)
        ]
        teams = [
            Token.as_number(
                DataGithubTeam(self, f"reviewer_team_{index}", slug=slug, summary_only=True, provider=provider).id
            )
            for index, slug in enumerate(reviewer_teams)
        ]
        self.environment = RepositoryEnvironment(
            self, "environment",
            repository=repository,
            environment=environment,
            prevent_self_review=prevent_self_review,
            can_admins_bypass=can_admins_bypass,
            wait_timer=wait_timer_minutes,
            deployment_branch_policy=(
                RepositoryEnvironmentDeploymentBranchPolicy(
                    protected_branches=branch_policy == "protected",
                    custom_branch_policies=branch_policy == "patterns",
                )
                if branch_policy != "any" else None
            ),
            provider=provider,
        )
        if users or teams:
            # One block in an array: what every github release accepts in Terraform JSON. The bindings disagree
            # (a list up to 6.11, a single object from 6.12's schema on), so the value is not given to them.
            self.environment.add_override("reviewers", [{"users": users, "teams": teams}])
        self.branch_policies = [
            RepositoryEnvironmentDeploymentPolicy(
                self, f"branch_{_id_safe(pattern)}",
                repository=repository,
                environment=self.environment.environment,
                branch_pattern=pattern,
                provider=provider,
            )
            for pattern in branch_patterns
        ]
