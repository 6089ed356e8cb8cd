"""Personal access tokens (on behalf of an SP, or of the caller), service principal OAuth secrets, with expiry
against the emulated clock.

Token use (terraform-provider-databricks v1.99.0): a PAT can only be issued to a principal that may use tokens:
a member of a group listed in the workspace's token permission, or listed itself (token CAN_USE; admins hold
CAN_MANAGE). The API's answer otherwise is "User does not have permission to use tokens." (quoted from a real
run in databricks/terraform-databricks-examples#196), and the provider prefixes create errors with
"cannot create <resource>: " (common/resource.go, nicerError).
"""

from __future__ import annotations

import secrets as random

from mlops_cicd_offline.errors import ApiError
from mlops_cicd_offline.units import SECONDS_PER_DAY
from mlops_cicd_offline.world.base import Resource, digest, fill, format_rfc3339
from mlops_cicd_offline.world.databricks.identity import _require_admin, _ws
from mlops_cicd_offline.world.databricks.models import can_use_tokens, new_id, token_is_live


MAX_TOKEN_LIFETIME_DAYS = 730  # the highest maxTokenLifetimeDays a workspace admin can set
NO_TOKEN_USE = "User does not have permission to use tokens."


def _sp_by_application_id(ws: dict, application_id: str) -> dict:
    for sp in ws["service_principals"].values():
        if sp["application_id"] == application_id:
            return sp
    raise ApiError(status=404, message=f"service principal with application id {application_id} not found")


class OboToken(Resource):
    def create(self, ctx, planned, config):
        ws = _ws(ctx)
        _require_admin(ctx, "tokens on behalf of service principals")
        sp = _sp_by_application_id(ws, planned["application_id"])
        if not can_use_tokens(ws, sp):
            raise ApiError(status=403, code="PERMISSION_DENIED", message=NO_TOKEN_USE, during="cannot create obo token")
        token_id, value = _issue(ctx, ws, sp["application_id"], planned)
        return fill(planned, id=token_id, token_value=value)

    def read(self, ctx, state):
        token = _ws(ctx)["tokens"].get(state["id"])
        if token is None or not token_is_live(token, ctx.now):
            return None  # the real provider drops an expired token from state, so it is created again
        return {**state, "comment": token["comment"]}


    def delete(self, ctx, state):
        _ws(ctx)["tokens"].pop(state["id"], None)


class Token(Resource):
    """databricks_token: a PAT of whoever the provider authenticates as (tokens/resource_token.go, v1.99.0).

    A service principal's PAT is kept with the on-behalf-of tokens (it authenticates as that SP and is revoked
    with its token use); the deployer's only needs to exist, since any token the emulator did not issue to an
    SP already authenticates as the deployer."""

    def create(self, ctx, planned, config):
        ws = _ws(ctx)
        principal = ctx.principal
        if principal["kind"] == "service_principal":
            if not can_use_tokens(ws, _sp_by_application_id(ws, principal["name"])):
                raise ApiError(status=403, code="PERMISSION_DENIED", message=NO_TOKEN_USE, during="cannot create token")
            token_id, value = _issue(ctx, ws, principal["name"], planned)
        else:
            token_id, value = random.token_hex(32), "dapi" + random.token_hex(16)
            ws.setdefault("user_tokens", {})[token_id] = {"owner": principal["name"], "comment": planned.get("comment")}
        created = ws["tokens"].get(token_id, {})
        return fill(planned, id=token_id, token_id=token_id, token_value=value,
                    creation_time=int(ctx.now * 1000), expiry_time=int((created.get("expiry_time") or 0) * 1000))

    def read(self, ctx, state):
        ws = _ws(ctx)
        token = ws["tokens"].get(state["id"])
        if token is not None:
            return state if token_is_live(token, ctx.now) else None
        return state if state["id"] in ws.get("user_tokens", {}) else None

    def delete(self, ctx, state):
        ws = _ws(ctx)
        ws["tokens"].pop(state["id"], None)
        ws.get("user_tokens", {}).pop(state["id"], None)


def _issue(ctx, ws: dict, application_id: str, planned: dict) -> tuple[str, str]:
    """Record a new token of a service principal; return (token id, value)."""
    lifetime = planned.get("lifetime_seconds")
    if lifetime and lifetime > MAX_TOKEN_LIFETIME_DAYS * SECONDS_PER_DAY:
        raise ApiError(status=400, code="INVALID_PARAMETER_VALUE", message=f"lifetime_seconds {lifetime} exceeds the workspace's "
                       f"maximum token lifetime of {MAX_TOKEN_LIFETIME_DAYS} days (maxTokenLifetimeDays)")
    value = "dapi" + random.token_hex(16)
    token_id = random.token_hex(32)
    ws["tokens"][token_id] = {"token_id": token_id, "application_id": application_id,
                              "comment": planned.get("comment"), "creation_time": ctx.now,
                              "expiry_time": ctx.now + lifetime if lifetime else None,
                              "value_sha256": digest(value)}
    ws["issued_tokens"][digest(value)] = {"token_id": token_id}
    return token_id, value


class ServicePrincipalSecret(Resource):
    def create(self, ctx, planned, config):
        ws = _ws(ctx)
        _require_admin(ctx, "service principal secrets")
        sp = ws["service_principals"].get(str(planned["service_principal_id"]))
        if sp is None:
            raise ApiError(status=404, message=f"service principal {planned['service_principal_id']} not found")
        lifetime = planned.get("lifetime") or "63072000s"  # API default: two years
        seconds = float(lifetime.rstrip("s"))
        value = "dose" + random.token_hex(16)
        secret_id = new_id(ws)
        record = {"id": secret_id, "application_id": sp["application_id"], "sp_id": sp["id"],
                  "secret_hash": digest(value), "create_time": format_rfc3339(ctx.now),
                  "expire_time": format_rfc3339(ctx.now + seconds), "expire_epoch": ctx.now + seconds}
        ws["sp_secrets"][secret_id] = record
        return fill(planned, id=secret_id, secret=value, secret_hash=record["secret_hash"], lifetime=lifetime,
                    create_time=record["create_time"], update_time=record["create_time"],
                    expire_time=record["expire_time"], status="ACTIVE")

    def read(self, ctx, state):
        record = _ws(ctx)["sp_secrets"].get(state["id"])
        if record is None or ctx.now > record["expire_epoch"]:
            return None
        return state


    def delete(self, ctx, state):
        _ws(ctx)["sp_secrets"].pop(state["id"], None)


RESOURCES = {"databricks_obo_token": OboToken(), "databricks_token": Token(),
             "databricks_service_principal_secret": ServicePrincipalSecret()}
