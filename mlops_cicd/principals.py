"""Workspace principals as written in configuration and construct props: `<kind>:<name>`.

Dependency-free, so configuration validation can use it without loading cdktf.
"""

from __future__ import annotations

from . import names
from .secret_patterns import shown

DEFAULT_TOKEN_GROUP = "mlops-service-principals"
# kind -> the databricks_permissions access_control field that names such a principal
PRINCIPAL_FIELDS = {"group": "group_name", "user": "user_name", "service_principal": "service_principal_name"}


def split_principal(entry: str) -> tuple[str, str]:
    kind, _, name = entry.partition(":")
    return kind, name


def principal_format_problem(entry: str) -> str | None:
    """Why `entry` is not `<kind>:<name>` with a known kind, or None."""
    kind, name = split_principal(entry)
    if kind not in PRINCIPAL_FIELDS or not name:
        return f"{shown(entry)} must be <kind>:<name> with kind one of {', '.join(PRINCIPAL_FIELDS)}"
    if (problem := _NAME_RULES[kind](name)) is not None:
        return f"the name after {kind}: {problem}"
    return None


# How each kind of principal is named: the group's name, the user's e-mail, the SP's application id.
_NAME_RULES = {
    "group": names.group_name_problem,
    "user": names.user_name_problem,
    "service_principal": names.application_id_problem,
}


def is_admins(entry: str) -> bool:
    """`group:admins`, in any case (see names.is_admins_group)."""
    kind, name = split_principal(entry)
    return kind == "group" and names.is_admins_group(name)


def _listable_problem(entry: str, why_not_admins: str) -> str | None:
    if (problem := principal_format_problem(entry)) is not None:
        return problem
    return why_not_admins if is_admins(entry) else None


def token_principal_problem(entry: str) -> str | None:
    """Why `entry` cannot be listed in the workspace's token permission, or None if it can."""
    # The provider refuses to set admins' permission on tokens.
    return _listable_problem(entry, "remove 'group:admins': workspace admins always keep token CAN_MANAGE and the "
                                    "provider refuses to set their permission")


def role_principal_problem(entry: str) -> str | None:
    """Why `entry` cannot be granted a role on a service principal (an account-level rule set), or None."""
    return _listable_problem(entry, "'group:admins' is a workspace's own group, not an account principal that can "
                                    "hold a role; name an account group")
