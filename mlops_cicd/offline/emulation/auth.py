"""Who a provider configuration authenticates as, in the emulated world.

Databricks: an OBO token value issued by the emulator authenticates as its service principal (refused
once expired or revoked); client_id + client_secret as the SP owning that OAuth secret; any other token,
or none (the deployer's DATABRICKS_TOKEN / ambient auth), as the workspace admin "deployer".
GitHub: the configured owner (or GITHUB_OWNER). time: no authentication.
"""

from __future__ import annotations

from .base import ApiError, digest
from ..store import now
from .workspace import normalize_host, token_is_live, workspace

DEPLOYER = {"kind": "user", "name": "deployer@example.com", "admin": True}


def _databricks(config: dict, world: dict, env) -> dict:
    host = config.get("host") or env.get("DATABRICKS_HOST")
    if not host:
        raise ApiError("default auth: cannot configure default credentials (no host)")
    account_id = config.get("account_id") or env.get("DATABRICKS_ACCOUNT_ID")
    if "accounts." in host:
        if not account_id:
            raise ApiError("account-level provider needs account_id")
        return {**DEPLOYER, "host": normalize_host(host), "account_id": account_id}
    ws = workspace(world, host)
    token = config.get("token") or env.get("DATABRICKS_TOKEN")
    if config.get("client_id") and config.get("client_secret"):
        secret_hash = digest(config["client_secret"])
        for secret in ws["sp_secrets"].values():
            if secret["secret_hash"] == secret_hash and secret["application_id"] == config["client_id"]:
                return _service_principal(ws, secret["application_id"], host)
        raise ApiError("oauth: invalid client_id or client_secret")
    if token:
        issued = ws["issued_tokens"].get(digest(token))
        if issued is not None:
            live = ws["tokens"].get(issued["token_id"])
            if live is None or not token_is_live(live, now(world)):
                raise ApiError("403 Invalid access token (revoked, expired or its principal was deleted)")
            return _service_principal(ws, live["application_id"], host)
    return {**DEPLOYER, "host": normalize_host(host)}


def _service_principal(ws: dict, application_id: str, host: str) -> dict:
    for sp in ws["service_principals"].values():
        if sp["application_id"] == application_id:
            return {"kind": "service_principal", "name": application_id, "id": sp["id"], "admin": False,
                    "host": normalize_host(host)}
    raise ApiError(f"401 service principal {application_id} does not exist")


def principal_for(provider: str, config: dict, world: dict, env) -> dict:
    if provider == "databricks":
        return _databricks(config, world, env)
    if provider == "github":
        owner = config.get("owner") or config.get("organization") or env.get("GITHUB_OWNER")
        if not owner:
            raise ApiError("github: no owner configured")
        return {"kind": "github", "owner": owner}
    return {"kind": "none"}
