"""The service principal's git credential, managed by the deployer on the SP's behalf (`principal_id`)."""

from __future__ import annotations

from typing import Sequence

from constructs import Construct
from ..framework import core, databricks
from .signature import shows_init_signature

# the framework's classes, by the names used below (mlops_cicd/framework.py chooses CDKTF or CDK Terrain)
ITerraformDependable, TerraformProvider = core.ITerraformDependable, core.TerraformProvider
GitCredential = databricks.git_credential.GitCredential


@shows_init_signature
class ServicePrincipalGitCredential(Construct):
    """`databricks_git_credential` of the SP, created by the deployer with `principal_id` = the SP's id.

    `principal_id` needs databricks provider >= 1.116.0 (PR #5750; the stacks pin it, see
    `mlops_cicd.stacks.provider_versions`), and only a manager of the SP may use it: its creator is one, so the
    deployer that creates the SP may manage its credential; anyone else needs the manager role
    (`ServicePrincipalRoles`, passed in `depends_on` so the role is granted before the credential is written).
    The installed binding (1.99.0) lacks the attribute,
    so it is set with an override. Nothing authenticates as the SP, so replacing the SP's token or secret in
    the same apply cannot break this resource's refresh.

    `personal_access_token` is required: left out, the provider silently stores the deployer's own
    `GITHUB_TOKEN`. Attribute: `credential`.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        service_principal_id: str,
        personal_access_token: str,
        git_username: str,
        git_provider: str = "gitHub",
        provider: TerraformProvider | None = None,
        depends_on: Sequence[ITerraformDependable] = (),
    ) -> None:
        """Create the git credential on the SP's behalf.

        Args:
            scope: the stack or construct to add it to.
            id: its construct id (part of the Terraform address: changing it replaces the credential).
            service_principal_id: the SP's id (`CicdServicePrincipal.service_principal.id`), set as `principal_id`.
            personal_access_token: a GitHub token with read access to the repository: a sensitive variable or
                resource attribute; required.
            git_username: the user name stored with the credential (e.g. the repository's owner).
            git_provider: Databricks' name of the git provider: `gitHub`, `gitHubEnterprise`, ...
            provider: the workspace's databricks provider (the deployer); default: the stack's default one.
            depends_on: what must exist first, e.g. the `ServicePrincipalRoles` that makes the deployer a manager.
        """
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
            # An SP has one git credential: with force, a create that finds one (e.g. made before this resource
            # managed it) updates it in place instead of failing.
            force=True,
            provider=provider,
            depends_on=list(depends_on) or None,
        )
        self.credential.add_override("principal_id", service_principal_id)
