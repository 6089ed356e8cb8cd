"""Actions secrets and variables, at repository and environment level.

Secret values are stored only as sealed boxes against the repository's public key. How a secret changes
depends on the release served (releases.py):
- before 6.11.0 a new value forces replacement (the schema's ForceNew), so the secret is deleted and then
  created again, and a secret whose updated_at changed out of band is dropped from state and created again
  (destroy_on_drift, integrations/terraform-provider-github v6.9.0 github/resource_github_actions_secret.go);
- from 6.11.0 a new value is written in place (UpdateContext), and drift, seen as `remote_updated_at` !=
  `updated_at`, plans an in-place update (v6.11.0 github/resource_github_actions_secret.go, util_diff.go).

From 6.11.0 each type also upgrades older state (build/schema_versions.py says from which versions): the
upgraders below restate integrations/terraform-provider-github v6.11.0 (unchanged at v6.13.0)
github/resource_github_actions_secret_migration.go, resource_github_actions_environment_secret_migration.go,
resource_github_actions_variable_migration.go and resource_github_actions_environment_variable_migration.go.
"""

from __future__ import annotations

from mlops_cicd_offline.errors import ProviderError
from mlops_cicd_offline.build.releases import at_least
from mlops_cicd_offline.server.values import UNKNOWN
from mlops_cicd_offline.world.base import Context, Resource, fill
from mlops_cicd_offline.world.github.models import environment, go_time, repo, seal, timestamp, with_repository_id

IN_PLACE_SECRETS = "6.11.0"


def _container(ctx: Context, values: dict, kind: str) -> dict:
    if values.get("environment") is not None:
        return environment(ctx, values["repository"], values["environment"])[kind]
    return repo(ctx, values["repository"])[kind]


def _id(values: dict, name: str) -> str:
    parts = [values["repository"]] + ([values["environment"]] if values.get("environment") else []) + [name]
    return ":".join(parts)


def _environment_level_v0(name_key: str):
    """The V0 upgrader of an environment secret or variable: `id` rebuilt from repository, environment and name
    (buildID(repoName, escapeIDPart(envName), name), as Create writes it), and `repository_id`."""
    return lambda ctx, state: {**with_repository_id(ctx, state), "id": _id(state, state[name_key])}


class ActionsSecret(Resource):
    def _write(self, ctx, values) -> dict:
        sealed = values.get("encrypted_value") or seal(repo(ctx, values["repository"])["public_key"],
                                                       values.get("plaintext_value") or "")
        secrets, now = _container(ctx, values, "secrets"), timestamp(ctx)
        created = secrets.get(values["secret_name"], {}).get("created_at", now)
        secrets[values["secret_name"]] = {"encrypted_value": sealed, "created_at": created, "updated_at": now}
        return secrets[values["secret_name"]]

    def create(self, ctx, planned, config):
        written = self._write(ctx, planned)
        return fill(planned, id=_id(planned, planned["secret_name"]), created_at=go_time(written["created_at"]),
                    updated_at=go_time(written["updated_at"]), remote_updated_at=go_time(written["updated_at"]),
                    key_id=repo(ctx, planned["repository"])["key_id"], repository_id=repo(ctx, planned["repository"])["id"])

    def plan(self, ctx, prior, planned, config, replace):
        # From 6.11.0, a new value or drift is an in-place update: the timestamps are known after it.
        drifted = prior is not None and prior.get("remote_updated_at") not in (None, prior.get("updated_at"))
        value_changed = prior is not None and any(planned.get(k) != prior.get(k) for k in ("plaintext_value", "encrypted_value"))
        if prior is not None and not replace and (value_changed or drifted):
            return {**planned, "updated_at": UNKNOWN, "remote_updated_at": UNKNOWN}
        return planned

    def update(self, ctx, prior, planned, config):
        written = self._write(ctx, planned)
        return {**planned, "updated_at": go_time(written["updated_at"]), "remote_updated_at": go_time(written["updated_at"])}

    def read(self, ctx, state):
        try:
            remote = _container(ctx, state, "secrets").get(state["secret_name"])
        except ProviderError:
            return None  # its environment is gone
        if remote is None:
            return None
        if at_least(ctx.provider_version, IN_PLACE_SECRETS):
            # created_at / updated_at only when empty (state left them null: a failed update, see
            # failed_update.py), so a write that never happened shows no drift (v6.11.0 resourceGithubActionsSecretRead)
            return {**state, "created_at": state.get("created_at") or go_time(remote["created_at"]),
                    "updated_at": state.get("updated_at") or go_time(remote["updated_at"]),
                    "remote_updated_at": go_time(remote["updated_at"])}
        if go_time(remote["updated_at"]) != state.get("updated_at") and state.get("destroy_on_drift") is not False:
            return None  # changed outside Terraform
        return state

    def delete(self, ctx, state):
        try:
            _container(ctx, state, "secrets").pop(state["secret_name"], None)
        except ProviderError:
            pass


class RepositorySecret(ActionsSecret):
    # V0: destroy_on_drift true when the state lacks the key; V1: repository_id
    state_upgraders = {0: lambda ctx, state: {"destroy_on_drift": True, **state}, 1: with_repository_id}


class EnvironmentSecret(ActionsSecret):
    state_upgraders = {0: _environment_level_v0("secret_name")}


class ActionsVariable(Resource):
    def _write(self, ctx, planned) -> str:
        now = timestamp(ctx)
        variables = _container(ctx, planned, "variables")
        created = variables.get(planned["variable_name"], {}).get("created_at", now)
        variables[planned["variable_name"]] = {"value": planned["value"], "created_at": created, "updated_at": now}
        return now

    def create(self, ctx, planned, config):
        now = self._write(ctx, planned)
        return fill(planned, id=_id(planned, planned["variable_name"]), created_at=now, updated_at=now,
                    repository_id=repo(ctx, planned["repository"])["id"])  # from 6.11.0, when the schema has it

    def update(self, ctx, prior, planned, config):
        now = self._write(ctx, planned)
        return {**planned, "updated_at": now}

    def plan(self, ctx, prior, planned, config, replace):
        if prior is not None and not replace and planned.get("value") != prior.get("value"):
            return {**planned, "updated_at": UNKNOWN}
        return planned

    def read(self, ctx, state):
        try:
            remote = _container(ctx, state, "variables").get(state["variable_name"])
        except ProviderError:
            return None
        return None if remote is None else {**state, "value": remote["value"]}

    def delete(self, ctx, state):
        try:
            _container(ctx, state, "variables").pop(state["variable_name"], None)
        except ProviderError:
            pass


class RepositoryVariable(ActionsVariable):
    state_upgraders = {0: with_repository_id}


class EnvironmentVariable(ActionsVariable):
    state_upgraders = {0: _environment_level_v0("variable_name")}


RESOURCES = {
    "github_actions_secret": RepositorySecret(),
    "github_actions_environment_secret": EnvironmentSecret(),
    "github_actions_variable": RepositoryVariable(),
    "github_actions_environment_variable": EnvironmentVariable(),
}
