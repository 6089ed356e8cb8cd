"""Checking at plan time that configured GitHub ids still belong to the repository the configuration names."""

from __future__ import annotations

from constructs import Construct

from ..framework import core, github

# the framework's classes, by the names used below (mlops_cicd/framework.py chooses CDKTF or CDK Terrain)
Op, Precondition, TerraformProvider = core.Op, core.Precondition, core.TerraformProvider
DataGithubRepository = github.data_github_repository.DataGithubRepository
DataGithubUser = github.data_github_user.DataGithubUser


def repository_ids_precondition(
    scope: Construct, *, owner: str, repository: str, owner_id: int, repository_id: int,
    provider: TerraformProvider | None = None,
) -> Precondition:
    """A precondition that fails the plan unless GitHub reports `owner_id` and `repository_id` for `owner/repository`.

    integrations/terraform-provider-github v6.11.0: data `github_repository` sets `repo_id` to the repository's
    numeric id (github/data_source_github_repository.go, `repo.GetID()`); data `github_user` sets its `id` to the
    account's numeric id (github/data_source_github_user.go, `strconv.FormatInt(user.GetID(), 10)`, a string).
    The user lookup is GitHub's `GET /users/{login}`, which answers for organizations too, so it gives the owner's
    id whichever kind of account owns the repository. Both are read with the deployer's GitHub token at plan time.
    """
    found_repository = DataGithubRepository(scope, "repository", full_name=f"{owner}/{repository}", provider=provider)
    found_owner = DataGithubUser(scope, "owner", username=owner, provider=provider)
    return Precondition(
        condition=Op.and_(Op.eq(found_repository.repo_id, repository_id), Op.eq(found_owner.id, str(owner_id))),
        error_message=(
            f"github.owner_id = {owner_id} and github.repository_id = {repository_id} are not the ids GitHub reports "
            f"for {owner}/{repository} (`gh api repos/{owner}/{repository} --jq '.owner.id, .id'`): the federation "
            "policy would trust another repository than the one CI runs in. If the repository was re-created or "
            "changed hands and is still yours, put its ids in the configuration; if it is no longer yours, "
            "do not deploy."
        ),
    )
