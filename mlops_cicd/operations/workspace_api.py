"""The few Databricks workspace REST calls `mlops-cicd status --live` makes, as the deployer.

Authentication as the Databricks SDK resolves it from the environment, for the two methods a deployer uses
here: `DATABRICKS_TOKEN` (a bearer token), else OAuth M2M with `DATABRICKS_CLIENT_ID` and
`DATABRICKS_CLIENT_SECRET` (client credentials at `<host>/oidc/v1/token`, scope `all-apis`; databricks-sdk-go
v0.139.0 config/auth_m2m.go). Only reads are made; no secret is ever printed.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Mapping, Protocol

from ..errors import UserError

CREDENTIALS_FIX = ("set the deployer's credentials: DATABRICKS_TOKEN, or DATABRICKS_CLIENT_ID and "
                   "DATABRICKS_CLIENT_SECRET (as for `cdktf deploy`)")


class WorkspaceApi(Protocol):
    def get(self, path: str, query: dict | None = None) -> dict: ...


class HttpWorkspaceApi:
    def __init__(self, host: str, environ: Mapping[str, str], timeout: float = 30.0):
        self.host, self.timeout = host.rstrip("/"), timeout
        self._environ = environ
        self._bearer: str | None = None

    def _token(self) -> str:
        if self._bearer is None:
            token = self._environ.get("DATABRICKS_TOKEN")
            client_id, client_secret = (self._environ.get("DATABRICKS_CLIENT_ID"),
                                        self._environ.get("DATABRICKS_CLIENT_SECRET"))
            if token:
                self._bearer = token
            elif client_id and client_secret:
                form = urllib.parse.urlencode({"grant_type": "client_credentials", "scope": "all-apis"}).encode()
                request = urllib.request.Request(f"{self.host}/oidc/v1/token", data=form, method="POST")
                basic = urllib.parse.quote(client_id) + ":" + urllib.parse.quote(client_secret)
                request.add_unredirected_header("Authorization", "Basic " + base64.b64encode(basic.encode()).decode())
                self._bearer = self._send(request, "/oidc/v1/token")["access_token"]
            else:
                raise UserError(f"no Databricks credentials to list what {self.host} holds", CREDENTIALS_FIX)
        return self._bearer

    def get(self, path: str, query: dict | None = None) -> dict:
        url = f"{self.host}{path}" + (f"?{urllib.parse.urlencode(query)}" if query else "")
        request = urllib.request.Request(url, method="GET")
        # Unredirected: urllib copies ordinary headers to a redirect's target, another host or plain http.
        request.add_unredirected_header("Authorization", f"Bearer {self._token()}")
        return self._send(request, path)

    def _send(self, request: urllib.request.Request, path: str) -> dict:
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read().decode() or "{}")
        except urllib.error.HTTPError as error:
            fix = CREDENTIALS_FIX if error.code in (401, 403) else "check the workspace host and retry"
            raise UserError(f"{self.host}{path} answered HTTP {error.code}", fix) from None
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise UserError(f"{self.host}{path} could not be read ({type(error).__name__})",
                            "check the workspace host and the network, and retry") from None
