"""Who a provider configuration authenticates as, in the emulated world.

Databricks, resolved like the Databricks Go SDK behind provider 1.99.0: each attribute comes from the
provider configuration when it is set and known, else from the terraform process's environment
(DATABRICKS_HOST, DATABRICKS_TOKEN, DATABRICKS_CLIENT_ID, DATABRICKS_CLIENT_SECRET, DATABRICKS_AUTH_TYPE,
DATABRICKS_ACCOUNT_ID). An attribute that is still unknown at plan time (a token created in the same
apply) counts as unset, so the environment fills it: that is what the real provider does (sdkv2
`d.GetOk`, plugin framework skips unknowns). `auth_type` only picks the method.

Then: an OBO token the emulator issued authenticates as its service principal (refused once expired or
revoked); any other token (the harness sets DEPLOYER_TOKEN) as the workspace admin "deployer";
client_id + client_secret must match a live OAuth secret of that SP, else authentication fails, except
DEPLOYER_CLIENT_ID + DEPLOYER_CLIENT_SECRET: a deployer that is itself a service principal, a workspace
admin, authenticating with OAuth M2M (a CI job deploying the stacks); no
credential at all (ambient auth) is the deployer too, unless `auth_type` pins a method whose credential
is missing, which is an error naming it.
GitHub: the configured owner (or GITHUB_OWNER). time: no authentication.
"""

from __future__ import annotations

from mlops_cicd_offline.errors import ApiError, ProviderError
from mlops_cicd_offline.world.base import digest
from mlops_cicd_offline.world.store import now
from mlops_cicd_offline.world.databricks.models import normalize_host, token_is_live, workspace

DEPLOYER = {"kind": "user", "name": "deployer@example.com", "admin": True}
DEPLOYER_TOKEN = "dapi-offline-deployer-workspace-admin"
"""The harness exports this as DATABRICKS_TOKEN: the deployer's own credential, as in a real CI job."""
DEPLOYER_CLIENT_ID = "00000000-0000-0000-0000-0000deployer"
DEPLOYER_CLIENT_SECRET = "offline-deployer-oauth-secret"
"""A deployer authenticating with OAuth M2M (DATABRICKS_CLIENT_ID / DATABRICKS_CLIENT_SECRET) as a service
principal that is a workspace admin; a different identity from the DEPLOYER_TOKEN user."""
OAUTH_DEPLOYER = {"kind": "service_principal", "name": DEPLOYER_CLIENT_ID, "admin": True}

_ENV = {name: f"DATABRICKS_{name.upper()}" for name in
        ("host", "token", "client_id", "client_secret", "auth_type", "account_id")}


def resolve(config: dict, env) -> dict:
    """The SDK's view: known configured attributes, environment variables for the unset/unknown ones."""
    return {name: config.get(name) or env.get(variable) or None for name, variable in _ENV.items()}


def _databricks(config: dict, world: dict, env) -> dict:
    cfg = resolve(config, env)
    host = cfg["host"]
    if not host:
        raise ProviderError("default auth: cannot configure default credentials (no host)")
    if "accounts." in host:
        if not cfg["account_id"]:
            raise ProviderError("account-level provider needs account_id")
        return {**DEPLOYER, "host": normalize_host(host), "account_id": cfg["account_id"]}
    ws = workspace(world, host)
    auth_type = cfg["auth_type"]
    if auth_type == "pat" and not cfg["token"]:
        raise ProviderError("validate: auth_type pat: token is not set (neither in the provider configuration, where it "
                       "may still be unknown, nor in DATABRICKS_TOKEN). Config: host=" + host + ", auth_type=pat")
    if auth_type == "oauth-m2m":
        missing = [name for name in ("client_id", "client_secret") if not cfg[name]]
        if missing:
            raise ProviderError(f"validate: auth_type oauth-m2m: {' and '.join(missing)} not set (neither in the provider "
                           f"configuration, where it may still be unknown, nor in "
                           f"{' / '.join(_ENV[m] for m in missing)}). Config: host={host}, auth_type=oauth-m2m")
    use_oauth = auth_type == "oauth-m2m" or (auth_type is None and cfg["client_id"] and cfg["client_secret"])
    if use_oauth:
        if (cfg["client_id"], cfg["client_secret"]) == (DEPLOYER_CLIENT_ID, DEPLOYER_CLIENT_SECRET):
            return {**OAUTH_DEPLOYER, "host": normalize_host(host)}
        secret_hash = digest(cfg["client_secret"])
        for secret in ws["sp_secrets"].values():
            if (secret["secret_hash"] == secret_hash and secret["application_id"] == cfg["client_id"]
                    and now(world) <= secret.get("expire_epoch", float("inf"))):
                return _service_principal(ws, secret["application_id"], host)
        raise ApiError(status=401, code="invalid_client", message=f"Client authentication failed for client_id "
                       f"{cfg['client_id']} (the client secret is not a live OAuth secret of that service principal)")
    token = cfg["token"] if auth_type in (None, "pat") else None
    if token:
        issued = ws["issued_tokens"].get(digest(token))
        if issued is not None:
            live = ws["tokens"].get(issued["token_id"])
            if live is None or not token_is_live(live, now(world)):
                raise ApiError(status=403, message="Invalid access token (revoked, expired or its principal was deleted)")
            return _service_principal(ws, live["application_id"], host)
    return {**DEPLOYER, "host": normalize_host(host)}


def _service_principal(ws: dict, application_id: str, host: str) -> dict:
    for sp in ws["service_principals"].values():
        if sp["application_id"] == application_id:
            return {"kind": "service_principal", "name": application_id, "id": sp["id"], "admin": False,
                    "host": normalize_host(host)}
    raise ApiError(status=401, message=f"service principal {application_id} does not exist")


def principal_for(provider: str, config: dict, world: dict, env) -> dict:
    if provider == "databricks":
        return _databricks(config, world, env)
    if provider == "github":
        owner = config.get("owner") or config.get("organization") or env.get("GITHUB_OWNER")
        if not owner:
            raise ProviderError("github: no owner configured")
        return {"kind": "github", "owner": owner}
    return {"kind": "none"}
