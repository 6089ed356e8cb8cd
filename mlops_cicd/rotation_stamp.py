"""How a credential carries the start of its rotation period in an argument that forces its replacement.

Dependency-free (no cdktf), so `status` and the CLI can read stamps back from state without starting jsii.
"""

from __future__ import annotations

import re

STAMPED_ARGUMENTS = {"databricks_obo_token": "comment", "databricks_service_principal_secret": "time_rotating"}
"""The argument of each credential type that carries its period's stamp (WorkspaceToken, OAuthSecret)."""
_STAMP_SUFFIX = " rotation "
_STAMPED = re.compile(re.escape(_STAMP_SUFFIX) + r"(\S+)$")


def stamped(text: str, stamp: str) -> str:
    """`<text> rotation <stamp>`: the value of a credential argument that forces replacement."""
    return f"{text}{_STAMP_SUFFIX}{stamp}"


def stamp_of(value: object) -> str | None:
    """The stamp of a `stamped` value (as state records it), else None."""
    match = _STAMPED.search(value) if isinstance(value, str) else None
    return match.group(1) if match else None


def unstamped(value: object) -> str | None:
    """The text a `stamped` value starts with (before ` rotation <stamp>`), also of a configured value whose stamp
    is still a `${...}` reference; None if `value` is not stamped."""
    if not isinstance(value, str) or _STAMP_SUFFIX not in value:
        return None
    return value.rsplit(_STAMP_SUFFIX, 1)[0]
