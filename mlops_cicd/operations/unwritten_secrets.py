"""GitHub secrets whose state says they hold the current credential, although GitHub's copy was not written in
that credential's rotation period: a rotation's secret write failed and the github provider recorded the new
value anyway (constructs/secret_written.py, which stops the next deploy). `mlops-cicd status` names each with
the `terraform state rm` after which the next deploy writes the secret again.

Read from state alone: the secret's `updated_at` (github v6.11.0 stores go-github `Timestamp.String()`, e.g.
`2026-01-01 00:00:00 +0000 UTC`; a failed update keeps the previous write's time, or leaves it empty) against
the stamp of the credential its value references (rotation_stamp.py). An empty `updated_at` counts as not
written: after a successful write the provider reads it back, and an empty one is filled by the next refresh.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from ..rotation_stamp import STAMPED_ARGUMENTS, stamp_of
from ..synthesized import resource
from ..units import CLOCK_SKEW_HOURS
from .credential_state import StackState, parse_iso, parse_time, state_resources

SECRET_TYPES = ("github_actions_secret", "github_actions_environment_secret")
CLOCK_SKEW = timedelta(hours=CLOCK_SKEW_HOURS)
_CREDENTIAL_REFERENCE = re.compile(r"\$\{(" + "|".join(STAMPED_ARGUMENTS) + r")\.([\w-]+)\.")
_GO_TIME = re.compile(r"^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(\.\d+)? ([+-]\d\d)(\d\d) ")


@dataclass(frozen=True)
class UnwrittenSecret:
    address: str
    secret_name: str
    written: datetime | None
    period_start: datetime
    fix: str
    """The exact command after which the next deploy writes the secret again."""

    @property
    def label(self) -> str:
        return self.address

    @property
    def message(self) -> str:
        when = self.written.strftime("%Y-%m-%dT%H:%M:%SZ") if self.written else "not since its last failed write"
        return (f"GitHub's copy of {self.secret_name} was written {when}, before the current rotation period of its "
                f"credential began ({self.period_start.strftime('%Y-%m-%dT%H:%M:%SZ')}): a write failed, so GitHub "
                f"holds the previous credential and deploying stops until it is written again; then deploy "
                f"again after: {self.fix}")

    def as_dict(self) -> dict:
        return {"address": self.address, "secret_name": self.secret_name, "message": self.message, "fix": self.fix}


def parse_go_time(value: object) -> datetime | None:
    """A go-github time as the provider stores it (RFC 3339 accepted too); None when absent or malformed."""
    match = _GO_TIME.match(value) if isinstance(value, str) else None
    if match is None:
        return parse_time(value)
    date, clock, fraction, hours, minutes = match.groups()
    return parse_iso(f"{date}T{clock}{fraction or ''}{hours}:{minutes}")


def unwritten_secrets(state: StackState, directory: Path) -> list[UnwrittenSecret]:
    """The credential secrets of `state` (their values referencing a stamped credential, per `state.document`)
    that GitHub last wrote before that credential's period; `directory` is where terraform runs for the stack."""
    recorded = {item["address"]: item for item in state_resources(state.show)}
    found = []
    for address, secret in sorted(recorded.items()):
        if secret["type"] not in SECRET_TYPES:
            continue
        configured = resource(state.document, address) or {}
        reference = _CREDENTIAL_REFERENCE.search(str(configured.get("plaintext_value")))
        credential = recorded.get(f"{reference.group(1)}.{reference.group(2)}") if reference else None
        if credential is None:
            continue
        values = secret.get("values") or {}
        period_start = parse_time(stamp_of((credential.get("values") or {}).get(STAMPED_ARGUMENTS[credential["type"]])))
        written = parse_go_time(values.get("updated_at"))
        if period_start is not None and (written is None or written < period_start - CLOCK_SKEW):
            fix = f"terraform -chdir={shlex.quote(str(directory))} state rm {shlex.quote(address)}"
            found.append(UnwrittenSecret(address, str(values.get("secret_name")), written, period_start, fix))
    return found
