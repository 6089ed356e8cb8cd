"""`status --live` sends the deployer's credential to the workspace only, never to where it redirects."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from mlops_cicd.operations.workspace_api import HttpWorkspaceApi


class _Recorder(BaseHTTPRequestHandler):
    seen: list[dict] = []
    redirect_to = ""

    def do_GET(self):  # noqa: N802 - http.server's name
        type(self).seen.append({"path": self.path, "authorization": self.headers.get("Authorization")})
        if self.path.startswith("/api") and self.redirect_to:
            self.send_response(302)
            self.send_header("Location", self.redirect_to + "/elsewhere")
            self.end_headers()
            return
        body = b'{"ok": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def servers():
    """A workspace that redirects every API call to a second server, and that second server."""
    workspace = type("Workspace", (_Recorder,), {"seen": []})
    elsewhere = type("Elsewhere", (_Recorder,), {"seen": []})
    started = [HTTPServer(("127.0.0.1", 0), handler) for handler in (workspace, elsewhere)]
    workspace.redirect_to = f"http://127.0.0.1:{started[1].server_port}"
    threads = [threading.Thread(target=server.serve_forever, daemon=True) for server in started]
    for thread in threads:
        thread.start()
    yield f"http://127.0.0.1:{started[0].server_port}", workspace.seen, elsewhere.seen
    for server in started:
        server.shutdown()
        server.server_close()


def test_the_bearer_token_is_not_sent_to_a_redirect_target(servers):
    host, at_workspace, at_target = servers
    api = HttpWorkspaceApi(host, {"DATABRICKS_TOKEN": "dapi-deployer-secret"}, timeout=5)
    assert api.get("/api/2.0/token-management/tokens") == {"ok": True}
    assert at_workspace == [{"path": "/api/2.0/token-management/tokens", "authorization": "Bearer dapi-deployer-secret"}]
    assert at_target == [{"path": "/elsewhere", "authorization": None}]
