"""Workspace tokens and OAuth secrets of a stack's service principal that its state does not hold: a create
whose answer was lost leaves one (live until it expires; its value was never returned, so nothing can use
it, and adopting it would be useless). No data source of databricks provider 1.116.0 lists them, so
`mlops-cicd status --live` asks the workspace API (workspace_api.py) and names each with the Databricks CLI
command that revokes it.

Calls (databricks-sdk-go v0.139.0, what provider 1.116.0 builds on): `GET /api/2.0/token-management/tokens`
(service/settings/impl.go; a token on behalf of the SP has the SP's id as `owner_id`) and
`GET /api/2.0/accounts/servicePrincipals/{id}/credentials/secrets` (service/oauth2/impl.go,
ServicePrincipalSecretsProxy, paged by `next_page_token`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from ..rotation_stamp import unstamped
from ..synthesized import has_resources
from ..synthesized import resources as configured_resources
from .credential_state import StackState, state_resources
from .workspace_api import WorkspaceApi

TOKEN_TYPE, SECRET_TYPE = "databricks_obo_token", "databricks_service_principal_secret"


@dataclass(frozen=True)
class UntrackedCredential:
    kind: str
    object_id: str
    created: str
    fix: str

    @property
    def label(self) -> str:
        return f"{self.kind} {self.object_id}"

    def as_dict(self) -> dict:
        return {"kind": self.kind, "id": self.object_id, "created": self.created, "message": self.message,
                "fix": self.fix}

    @property
    def message(self) -> str:
        # Not "nothing uses it": after a lost state, GitHub may still hold a credential no state knows.
        return (f"created {self.created}, of this stack's service principal, is in no state: an apply that lost "
                f"the create's answer leaves one, whose value was never returned. Check that no GitHub secret or "
                f"job holds it (after a lost or moved state one may), then revoke it: {self.fix}")


def _configured(state: StackState, resources: list[dict], tf_type: str) -> bool:
    """Whether the stack has credentials of `tf_type`: its configuration says so, or (without it) its state."""
    if state.document is not None:
        return has_resources(state.document, tf_type)
    return any(r["type"] == tf_type for r in resources)


def _token_comments(state: StackState, resources: list[dict]) -> set[str]:
    """What this stack's tokens' comments start with (WorkspaceToken: `<comment> rotation <stamp>`), as configured
    and as deployed (a changed comment not deployed yet): tokens the SP minted itself (pat mode grants it token
    use) carry other comments and are none of this stack's. Empty when neither says (then every token counts)."""
    configured = [body for _, body in configured_resources(state.document or {}, TOKEN_TYPE)]
    recorded = [(r.get("values") or {}) for r in resources if r["type"] == TOKEN_TYPE]
    return {text for values in [*configured, *recorded] if (text := unstamped(values.get("comment"))) is not None}


def _secrets(api: WorkspaceApi, sp_id: str) -> list[dict]:
    found, query = [], None
    while True:
        page = api.get(f"/api/2.0/accounts/servicePrincipals/{sp_id}/credentials/secrets", query)
        found += page.get("secrets") or []
        if not page.get("next_page_token"):
            return found
        query = {"page_token": page["next_page_token"]}


def untracked_credentials(state: StackState, api: WorkspaceApi) -> list[UntrackedCredential]:
    """The SP's tokens and OAuth secrets (of the kinds the stack configures) that `state` does not hold."""
    resources = list(state_resources(state.show))
    sps = [r["values"] for r in resources if r["type"] == "databricks_service_principal" and r.get("values")]
    if len(sps) != 1:
        return []  # not deployed yet: no SP whose credentials could be listed
    sp_id = str(sps[0]["id"])
    # A deposed credential is still held: the next apply destroys it, once its replacement is in place (until
    # then GitHub may hold it: revoking it by hand would leave CI a dead credential).
    held = {str((r.get("values") or {}).get("id")) for r in state_resources(state.show, deposed=True)
            if r["type"] in (TOKEN_TYPE, SECRET_TYPE)}
    found = []
    if _configured(state, resources, TOKEN_TYPE):
        comments = _token_comments(state, resources)
        for token in api.get("/api/2.0/token-management/tokens").get("token_infos") or []:
            ours = not comments or unstamped(token.get("comment")) in comments
            if str(token.get("owner_id")) == sp_id and token["token_id"] not in held and ours:
                created = datetime.fromtimestamp(token.get("creation_time", 0) / 1000, timezone.utc)
                found.append(UntrackedCredential("workspace token", token["token_id"], created.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                                 f"databricks token-management delete {token['token_id']}"))
    if _configured(state, resources, SECRET_TYPE):
        for secret in _secrets(api, sp_id):
            if secret["id"] not in held:
                found.append(UntrackedCredential("OAuth secret", secret["id"], str(secret.get("create_time")),
                                                 f"databricks service-principal-secrets-proxy delete {sp_id} {secret['id']}"))
    return found
