"""Actions secrets and variables, at repository and environment level.

Secret values are stored only as sealed boxes against the repository's public key; a secret whose
updated_at changed out of band counts as drift (the resource is recreated, as destroy_on_drift does).
"""

from __future__ import annotations

from ..values import UNKNOWN
from .base import ApiError, Context, Resource, fill
from .github_repo import environment, repo, seal, timestamp


def _container(ctx: Context, values: dict, kind: str) -> dict:
    if values.get("environment") is not None:
        return environment(ctx, values["repository"], values["environment"])[kind]
    return repo(ctx, values["repository"])[kind]


def _id(values: dict, name: str) -> str:
    parts = [values["repository"]] + ([values["environment"]] if values.get("environment") else []) + [name]
    return ":".join(parts)


class ActionsSecret(Resource):
    def create(self, ctx, planned, config):
        secrets = _container(ctx, planned, "secrets")
        sealed = planned.get("encrypted_value") or seal(repo(ctx, planned["repository"])["public_key"],
                                                        planned.get("plaintext_value") or "")
        now = timestamp(ctx)
        secrets[planned["secret_name"]] = {"encrypted_value": sealed, "created_at": now, "updated_at": now}
        return fill(planned, id=_id(planned, planned["secret_name"]), created_at=now, updated_at=now)

    def read(self, ctx, state):
        try:
            remote = _container(ctx, state, "secrets").get(state["secret_name"])
        except ApiError:
            return None  # its environment is gone
        if remote is None:
            return None
        if remote["updated_at"] != state.get("updated_at") and state.get("destroy_on_drift") is not False:
            return None  # changed outside Terraform
        return state

    def delete(self, ctx, state):
        try:
            _container(ctx, state, "secrets").pop(state["secret_name"], None)
        except ApiError:
            pass


class ActionsVariable(Resource):
    def _write(self, ctx, planned) -> str:
        now = timestamp(ctx)
        variables = _container(ctx, planned, "variables")
        created = variables.get(planned["variable_name"], {}).get("created_at", now)
        variables[planned["variable_name"]] = {"value": planned["value"], "created_at": created, "updated_at": now}
        return now

    def create(self, ctx, planned, config):
        now = self._write(ctx, planned)
        return fill(planned, id=_id(planned, planned["variable_name"]), created_at=now, updated_at=now)

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
        except ApiError:
            return None
        return None if remote is None else {**state, "value": remote["value"]}

    def delete(self, ctx, state):
        try:
            _container(ctx, state, "variables").pop(state["variable_name"], None)
        except ApiError:
            pass


RESOURCES = {
    "github_actions_secret": ActionsSecret(),
    "github_actions_environment_secret": ActionsSecret(),
    "github_actions_variable": ActionsVariable(),
    "github_actions_environment_variable": ActionsVariable(),
}
