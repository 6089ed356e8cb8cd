"""The emulated workspace's REST API, for the few calls `mlops-cicd status --live` makes, and the Databricks
CLI commands it prints as fixes. Shapes and paths from databricks-sdk-go v0.139.0 (what databricks provider
1.116.0 builds on), restated here apart from the library's client:

- `GET /api/2.0/token-management/tokens` -> `{"token_infos": [TokenInfo]}`; TokenInfo: `token_id`, `owner_id`
  (the owner's id: the service principal's for a token on its behalf), `comment`, `creation_time` and
  `expiry_time` in epoch milliseconds (service/settings/impl.go, model.go); `DELETE .../tokens/{token_id}`,
  what `databricks token-management delete TOKEN_ID` calls;
- `GET /api/2.0/accounts/servicePrincipals/{service_principal_id}/credentials/secrets` (the workspace proxy)
  -> `{"secrets": [SecretInfo]}`; SecretInfo: `id`, `status`, `create_time`, `expire_time`, `secret_hash`
  (service/oauth2/impl.go, model.go); `DELETE .../secrets/{secret_id}`, what `databricks
  service-principal-secrets-proxy delete SERVICE_PRINCIPAL_ID SECRET_ID` calls.

Expired tokens and secrets are not listed ("in practice API just doesn't return expired tokens",
tokens/resource_service_principal_secret.go v1.116.0).
"""

from __future__ import annotations

import base64
import contextlib
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from mlops_cicd_offline.errors import ApiError
from mlops_cicd_offline.world import store
from mlops_cicd_offline.world.databricks.auth import DEPLOYER_CLIENT_ID, DEPLOYER_CLIENT_SECRET, DEPLOYER_TOKEN
from mlops_cicd_offline.world.databricks.models import normalize_host, token_is_live

_TOKENS = re.compile(r"^/api/2\.0/token-management/tokens(?:/(?P<token_id>[^/]+))?$")
_SECRETS = re.compile(r"^/api/2\.0/accounts/servicePrincipals/(?P<sp_id>[^/]+)/credentials/secrets(?:/(?P<secret_id>[^/]+))?$")


def _not_found(message: str) -> ApiError:
    return ApiError(status=404, code="NOT_FOUND", message=message)


class EmulatedWorkspaceApi:
    """The REST calls above, answered from the emulated world of `state_dir` for workspace `host`."""

    def __init__(self, state_dir: Path | str, host: str):
        self.state_dir, self.host = Path(state_dir), normalize_host(host)

    def get(self, path: str, query: dict | None = None) -> dict:
        return self._call("GET", path)

    def delete(self, path: str) -> dict:
        return self._call("DELETE", path)

    def _call(self, method: str, path: str) -> dict:
        with store.transaction(self.state_dir) as world:
            ws = world["workspaces"].get(self.host)
            if ws is None:
                raise _not_found(f"no workspace {self.host}")
            now = store.now(world)
            if match := _TOKENS.match(path):
                return self._tokens(ws, now, method, match["token_id"])
            if match := _SECRETS.match(path):
                return self._secrets(ws, now, method, match["sp_id"], match["secret_id"])
        raise _not_found(f"{method} {path} is not emulated")

    @staticmethod
    def _tokens(ws: dict, now: float, method: str, token_id: str | None) -> dict:
        if method == "DELETE" and token_id:
            if ws["tokens"].pop(token_id, None) is None:
                raise _not_found(f"token {token_id} does not exist")
            return {}
        owners = {sp["application_id"]: int(sp["id"]) for sp in ws["service_principals"].values()}
        return {"token_infos": [
            {"token_id": t["token_id"], "owner_id": owners.get(t["application_id"], 0), "comment": t.get("comment") or "",
             "creation_time": int(t["creation_time"] * 1000),
             "expiry_time": int(t["expiry_time"] * 1000) if t.get("expiry_time") else -1}
            for t in ws["tokens"].values() if token_is_live(t, now)]}

    @staticmethod
    def _secrets(ws: dict, now: float, method: str, sp_id: str, secret_id: str | None) -> dict:
        if method == "DELETE" and secret_id:
            record = ws["sp_secrets"].get(secret_id)
            if record is None or record["sp_id"] != sp_id:
                raise _not_found(f"secret {secret_id} of service principal {sp_id} does not exist")
            del ws["sp_secrets"][secret_id]
            return {}
        return {"secrets": [
            {"id": r["id"], "status": "ACTIVE", "create_time": r["create_time"], "expire_time": r["expire_time"],
             "secret_hash": r["secret_hash"]}
            for r in ws["sp_secrets"].values() if r["sp_id"] == sp_id and now <= r["expire_epoch"]]}


CLI_COMMANDS = {
    ("token-management", "delete"): lambda args: f"/api/2.0/token-management/tokens/{args[0]}",
    ("service-principal-secrets-proxy", "delete"):
        lambda args: f"/api/2.0/accounts/servicePrincipals/{args[0]}/credentials/secrets/{args[1]}",
}


def run_cli(argv: list[str], api: EmulatedWorkspaceApi) -> None:
    """Run one of the Databricks CLI commands above (`databricks <group> <verb> ARGS...`) on the emulated world."""
    if argv[:1] != ["databricks"] or tuple(argv[1:3]) not in CLI_COMMANDS:
        raise _not_found(f"not an emulated Databricks CLI command: {' '.join(argv)}")
    api.delete(CLI_COMMANDS[tuple(argv[1:3])](argv[3:]))


@contextlib.contextmanager
def served(api: EmulatedWorkspaceApi):
    """Serve `api` over HTTP on loopback; yield its base URL. Callers authenticate as the deployer: its token
    as a bearer, or OAuth M2M (client credentials in a basic Authorization header at `/oidc/v1/token`,
    databricks-sdk-go v0.139.0 config/auth_m2m.go: AuthStyleInHeader, scope all-apis) for a bearer."""
    issued = "offline-m2m-" + base64.b16encode(DEPLOYER_CLIENT_ID.encode()).decode().lower()[:16]

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def do_POST(self):
            basic = base64.b64encode(f"{DEPLOYER_CLIENT_ID}:{DEPLOYER_CLIENT_SECRET}".encode()).decode()
            form = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            if self.path != "/oidc/v1/token" or "grant_type=client_credentials" not in form:
                return self._answer(404, {"error": "not emulated"})
            if self.headers.get("Authorization") != f"Basic {basic}":
                return self._answer(401, {"error": "invalid_client"})
            self._answer(200, {"access_token": issued, "token_type": "Bearer", "expires_in": 3600})

        def do_GET(self):
            if self.headers.get("Authorization") not in (f"Bearer {DEPLOYER_TOKEN}", f"Bearer {issued}"):
                return self._answer(401, {"error_code": "UNAUTHENTICATED", "message": "invalid token"})
            try:
                self._answer(200, api.get(self.path.split("?", 1)[0]))
            except ApiError as refused:
                self._answer(refused.status, {"error_code": refused.code, "message": refused.message})

        def _answer(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
