"""An aliased Databricks provider that acts as the service principal itself (not as the deployer)."""

from __future__ import annotations

from cdktf_cdktf_provider_databricks.provider import DatabricksProvider
from constructs import Construct


def provider_as_service_principal(
    scope: Construct,
    id: str,
    *,
    host: str,
    token: str | None = None,
    client_id: str | None = None,
    client_secret: str | None = None,
) -> DatabricksProvider:
    """Authenticate with the SP's own workspace token, or with its OAuth client id and secret.

    `auth_type` is pinned so the provider uses that method even when the deployer's own credentials
    are in the environment (DATABRICKS_TOKEN, DATABRICKS_CLIENT_ID, ...) and does not refuse the
    mixture as "more than one authorization method".

    Caveat: in a plan that replaces the SP's credential (every rotation) the value is unknown, and the
    provider then fills it from the environment, i.e. the deployer's. Resources under this provider are
    refreshed with that identity in such a plan; `mlops-cicd rotate` avoids it by rotating in two phases.
    """
    if token is not None and client_id is None and client_secret is None:
        return DatabricksProvider(scope, id, alias=id, host=host, token=token, auth_type="pat")
    if token is None and client_id is not None and client_secret is not None:
        return DatabricksProvider(
            scope, id, alias=id, host=host, client_id=client_id, client_secret=client_secret, auth_type="oauth-m2m"
        )
    raise ValueError("give either token, or both client_id and client_secret")
