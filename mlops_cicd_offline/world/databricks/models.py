"""Emulated Databricks workspaces (keyed by host) and the token-usage rules shared by several types."""

from __future__ import annotations


TOKEN_USERS_GROUP = "mlops-service-principals"
_SEED_GROUPS = ("admins", "users", TOKEN_USERS_GROUP)


def normalize_host(host: str) -> str:
    host = host.strip().rstrip("/")
    return host if "://" in host else f"https://{host}"


def _seed() -> dict:
    groups = {str(100 + i): {"id": str(100 + i), "display_name": name, "members": []} for i, name in enumerate(_SEED_GROUPS)}
    return {
        "next_id": 1000,
        "groups": groups,
        "service_principals": {},
        "tokens": {},            # live tokens by token id
        "issued_tokens": {},     # sha256(token value) -> {"token_id"}: every token ever issued
        # authorization = "tokens": who may create/use personal access tokens
        "token_acl": [{"group_name": "admins", "permission_level": "CAN_MANAGE"},
                      {"group_name": TOKEN_USERS_GROUP, "permission_level": "CAN_USE"}],
        "directories": {},
        "directory_acls": {},
        "git_credentials": {},
        "secret_scopes": {},
        "sp_secrets": {},
    }


def workspace(world: dict, host: str) -> dict:
    return world["workspaces"].setdefault(normalize_host(host), _seed())


def new_id(ws: dict) -> str:
    ws["next_id"] += 1
    return str(ws["next_id"])


def groups_of(ws: dict, member_id: str) -> list[str]:
    return [g["display_name"] for g in ws["groups"].values() if member_id in g["members"]]


def can_use_tokens(ws: dict, sp: dict) -> bool:
    groups = set(groups_of(ws, sp["id"]))
    for entry in ws["token_acl"]:
        if entry.get("service_principal_name") == sp["application_id"] or entry.get("group_name") in groups:
            return True
    return False


def revoke_tokens_without_permission(ws: dict) -> None:
    """Tokens of principals that lost token usage are revoked, as the real workspace does."""
    by_app = {sp["application_id"]: sp for sp in ws["service_principals"].values()}
    for token_id, token in list(ws["tokens"].items()):
        sp = by_app.get(token["application_id"])
        if sp is None or not can_use_tokens(ws, sp):
            del ws["tokens"][token_id]


def token_is_live(token: dict, now: float) -> bool:
    return token["expiry_time"] is None or now <= token["expiry_time"]
