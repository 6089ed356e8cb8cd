"""Repository environments, their deployment branch policies, and user/team lookups.

From github 6.12.0 both resource types have schema version 1 (build/schema_versions.py): Create sets the new
computed `repository_id` (and the policy's `policy_id`), and the V0 state upgraders add them to older state
(integrations/terraform-provider-github v6.12.0, unchanged at v6.13.0, github/resource_github_repository_environment.go,
resource_github_repository_environment_migration.go, resource_github_repository_environment_deployment_policy.go,
resource_github_repository_environment_deployment_policy_migration.go)."""

from __future__ import annotations

import zlib

from mlops_cicd_offline.server.values import UNKNOWN
from mlops_cicd_offline.world.base import DataSource, Resource, fill
from mlops_cicd_offline.world.github.models import account_id, ensure_repository, environment, repo, with_repository_id


def _numeric_id(kind: str, name: str) -> int:
    """A stable numeric id for any login or slug (reviewers must be numeric ids)."""
    return 10_000 + zlib.crc32(f"{kind}:{name.lower()}".encode()) % 90_000_000


class Environment(Resource):
    _FIELDS = ("wait_timer", "can_admins_bypass", "prevent_self_review", "reviewers", "deployment_branch_policy")
    state_upgraders = {0: with_repository_id}

    def _write(self, ctx, planned) -> None:
        envs = repo(ctx, planned["repository"])["environments"]
        current = envs.setdefault(planned["environment"], {"secrets": {}, "variables": {}, "policies": {}})
        current.update({k: planned.get(k) for k in self._FIELDS})

    def create(self, ctx, planned, config):
        self._write(ctx, planned)
        return fill(planned, id=f"{planned['repository']}:{planned['environment']}",
                    repository_id=repo(ctx, planned["repository"])["id"])  # from 6.12.0, when the schema has it

    def update(self, ctx, prior, planned, config):
        self._write(ctx, planned)
        return planned

    def read(self, ctx, state):
        env = repo(ctx, state["repository"])["environments"].get(state["environment"])
        if env is None:
            return None
        return {**state, **{k: env[k] for k in self._FIELDS}}

    def delete(self, ctx, state):
        repo(ctx, state["repository"])["environments"].pop(state["environment"], None)


class DeploymentPolicy(Resource):
    _PATTERNS = ("branch_pattern", "tag_pattern")
    # V0: repository_id, and policy_id from the id's third part (parseID3)
    state_upgraders = {0: lambda ctx, state: {**with_repository_id(ctx, state),
                                               "policy_id": int(state["id"].rsplit(":", 1)[1])}}

    def plan(self, ctx, prior, planned, config, replace):
        """A pattern that appears or disappears forces replacement; a changed pattern updates in place
        (github 6.9.0 resource_github_repository_environment_deployment_policy.go, customDeploymentPolicyDiffFunction)."""
        if prior is not None:
            appeared_or_gone = [n for n in self._PATTERNS if bool(prior.get(n)) != bool(planned.get(n)) and n not in replace]
            if appeared_or_gone:
                replace.extend(appeared_or_gone)
                planned = {**planned, "id": UNKNOWN}
        return planned

    def create(self, ctx, planned, config):
        policies = environment(ctx, planned["repository"], planned["environment"])["policies"]
        policy_id = str(len(policies) + 1)
        while policy_id in policies:
            policy_id = str(int(policy_id) + 1)
        policies[policy_id] = {"branch_pattern": planned.get("branch_pattern"), "tag_pattern": planned.get("tag_pattern")}
        return fill(planned, id=f"{planned['repository']}:{planned['environment']}:{policy_id}",
                    repository_id=repo(ctx, planned["repository"])["id"], policy_id=int(policy_id))  # from 6.12.0

    def _policies(self, ctx, state) -> dict | None:
        env = repo(ctx, state["repository"])["environments"].get(state["environment"])
        return None if env is None else env["policies"]

    def read(self, ctx, state):
        policies = self._policies(ctx, state)
        return state if policies is not None and state["id"].rsplit(":", 1)[1] in policies else None

    def update(self, ctx, prior, planned, config):
        policies = self._policies(ctx, prior) or {}
        policies[prior["id"].rsplit(":", 1)[1]] = {"branch_pattern": planned.get("branch_pattern"),
                                                   "tag_pattern": planned.get("tag_pattern")}
        return planned

    def delete(self, ctx, state):
        policies = self._policies(ctx, state)
        if policies is not None:
            policies.pop(state["id"].rsplit(":", 1)[1], None)


class UserData(DataSource):
    def read(self, ctx, config):
        user_id = account_id(config["username"])  # users and organizations: one id space
        return fill(config, id=str(user_id), login=config["username"], node_id=f"U_{user_id}", name=config["username"],
                    gpg_keys=[], ssh_keys=[], site_admin=False, followers=0, following=0, public_gists=0,
                    public_repos=0)


class RepositoryData(DataSource):
    """`repo_id`: the repository's numeric id (github v6.11.0 github/data_source_github_repository.go,
    `repo.GetID()`); looked up by `full_name` or by `name` under the provider's owner."""

    def read(self, ctx, config):
        full_name = config.get("full_name") or f"{ctx.principal['owner']}/{config['name']}"
        record = ensure_repository(ctx.world, full_name)
        return fill(config, id=full_name.split("/", 1)[1], full_name=full_name, name=full_name.split("/", 1)[1],
                    repo_id=record["id"], node_id=f"R_{record['id']}")


class TeamData(DataSource):
    def read(self, ctx, config):
        team_id = _numeric_id("team", config["slug"])
        return fill(config, id=str(team_id), name=config["slug"], node_id=f"T_{team_id}", members=[],
                    repositories=[], repositories_detailed=[], privacy="closed", permission="pull")


RESOURCES = {
    "github_repository_environment": Environment(),
    "github_repository_environment_deployment_policy": DeploymentPolicy(),
}
DATA_SOURCES = {"github_user": UserData(), "github_team": TeamData(), "github_repository": RepositoryData()}
