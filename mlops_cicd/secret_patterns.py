"""Formats of credentials that must never be written to synthesized JSON, logs or error messages."""

from __future__ import annotations

import re

SECRET_PATTERNS = {
    "a Databricks personal access token (dapi...)": re.compile(r"dapi[0-9a-f]{16,}"),
    "a GitHub classic token (ghp_...)": re.compile(r"gh[pousr]_[A-Za-z0-9]{20,}"),
    "a GitHub fine-grained token (github_pat_...)": re.compile(r"github_pat_[A-Za-z0-9_]{20,}"),
}


def secret_kinds(text: str) -> list[str]:
    """Which credential formats occur in `text` (descriptions only, never the match)."""
    return [kind for kind, pattern in SECRET_PATTERNS.items() if pattern.search(text)]


def shown(value: object) -> str:
    """`repr(value)` for an error message, unless it looks like a credential."""
    text = repr(value)
    return "(a value that looks like a credential, not shown)" if secret_kinds(text) else text
