"""On-behalf-of tokens and service principal OAuth secrets, with expiry against the emulated clock."""

from __future__ import annotations

import secrets as random

from ..units import SECONDS_PER_DAY
from .base import ApiError, Resource, digest, fill, format_rfc3339
from .databricks_identity import _require_admin, _ws
from .workspace import can_use_tokens, new_id, token_is_live


MAX_TOKEN_LIFETIME_DAYS = 730  # the highest maxTokenLifetimeDays a workspace admin can set


def _sp_by_application_id(ws: dict, application_id: str) -> dict:
    for sp in ws["service_principals"].values():
        if sp["application_id"] == application_id:
            return sp
    raise ApiError(f"404 service principal with application id {application_id} not found")


class OboToken(Resource):
    def create(self, ctx, planned, config):
        ws = _ws(ctx)
        _require_admin(ctx, "tokens on behalf of service principals")
        sp = _sp_by_application_id(ws, planned["application_id"])
        if not can_use_tokens(ws, sp):
            raise ApiError(f"403 PERMISSION_DENIED: {sp['application_id']} does not have permission to use tokens "
                           "(grant CAN_USE on authorization = \"tokens\" or add it to a group that has it)")
        lifetime = planned.get("lifetime_seconds")
        if lifetime and lifetime > MAX_TOKEN_LIFETIME_DAYS * SECONDS_PER_DAY:
            raise ApiError(f"400 INVALID_PARAMETER_VALUE: lifetime_seconds {lifetime} exceeds the workspace's "
                           f"maximum token lifetime of {MAX_TOKEN_LIFETIME_DAYS} days (maxTokenLifetimeDays)")
        value = "dapi" + random.token_hex(16)
        token_id = random.token_hex(32)
        ws["tokens"][token_id] = {"token_id": token_id, "application_id": sp["application_id"],
                                  "comment": planned.get("comment"), "creation_time": ctx.now,
                                  "expiry_time": ctx.now + lifetime if lifetime else None,
                                  "value_sha256": digest(value)}
        ws["issued_tokens"][digest(value)] = {"token_id": token_id}
        return fill(planned, id=token_id, token_value=value)

    def read(self, ctx, state):
        token = _ws(ctx)["tokens"].get(state["id"])
        if token is None or not token_is_live(token, ctx.now):
            return None  # the real provider drops an expired token from state, so it is created again
        return {**state, "comment": token["comment"]}


    def delete(self, ctx, state):
        _ws(ctx)["tokens"].pop(state["id"], None)


class ServicePrincipalSecret(Resource):
    def create(self, ctx, planned, config):
        ws = _ws(ctx)
        _require_admin(ctx, "service principal secrets")
        sp = ws["service_principals"].get(str(planned["service_principal_id"]))
        if sp is None:
            raise ApiError(f"404 service principal {planned['service_principal_id']} not found")
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


RESOURCES = {"databricks_obo_token": OboToken(), "databricks_service_principal_secret": ServicePrincipalSecret()}
