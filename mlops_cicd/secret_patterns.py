"""Formats of credentials that must never be written to synthesized JSON, logs or error messages.

Each pattern is the credential's real prefix, charset and length (a longer run still matches):
- Databricks personal access token: `dapi` + 32 lowercase hex characters (the Azure form adds `-<n>`);
- Databricks OAuth secret: `dose` + 32 lowercase hex characters ("dose followed by the secret value",
  docs.aws.amazon.com/secretsmanager/latest/userguide/mes-partner-DatabricksSPSecret; public secret
  scanners use `dose[a-f0-9]{32}`, as does the offline emulator);
- GitHub tokens `ghp_` (classic PAT), `gho_` (OAuth), `ghu_` (app user-to-server), `ghs_` (app
  installation), `ghr_` (refresh): prefix + 36 base62 characters (30 random + 6 checksum,
  github.blog 2021-04-05 "Behind GitHub's new authentication token formats");
- GitHub fine-grained PAT: `github_pat_` + 82 characters of `[A-Za-z0-9_]` (22 + `_` + 59)
  (trufflesecurity/trufflehog pkg/detectors/github/v2/github.go covers all of these prefixes).
"""

from __future__ import annotations

import re
from typing import Iterable

SECRET_PATTERNS = {
    "a Databricks personal access token (dapi...)": re.compile(r"dapi[0-9a-f]{32}"),
    "a Databricks OAuth secret (dose...)": re.compile(r"dose[0-9a-f]{32}"),
    "a GitHub token (ghp_, gho_, ghu_, ghs_ or ghr_...)": re.compile(r"gh[pousr]_[A-Za-z0-9]{36}"),
    "a GitHub fine-grained token (github_pat_...)": re.compile(r"github_pat_[A-Za-z0-9_]{82}"),
}
# Values passed in (TF_VAR_*) shorter than this are not looked for: "1" or "main" would be found everywhere.
MIN_SECRET_VALUE_LENGTH = 6
REDACTED = "(not shown: looks like a credential)"
# The user-info of a URL (`postgres://user:password@host`, `http://user:password@proxy:3128`): the password.
URL_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#\s@]*@")


def secret_kinds(text: str) -> list[str]:
    """Which credential formats occur in `text` (descriptions only, never the match)."""
    return [kind for kind, pattern in SECRET_PATTERNS.items() if pattern.search(text)]


def shown(value: object) -> str:
    """`repr(value)` for an error message, unless it looks like a credential."""
    text = repr(value)
    return "(a value that looks like a credential, not shown)" if secret_kinds(text) else text


def redact(text: str, values: Iterable[str] = ()) -> str:
    """`text` with every credential-shaped run, every one of `values` (secrets passed in) and every URL's
    user-info replaced by a placeholder. For messages and addresses that quote user input."""
    for value in sorted((v for v in values if len(v) >= MIN_SECRET_VALUE_LENGTH), key=len, reverse=True):
        text = text.replace(value, REDACTED)
    for pattern in SECRET_PATTERNS.values():
        text = pattern.sub(REDACTED, text)
    return URL_USERINFO.sub(r"\1(user-info not shown)@", text)
