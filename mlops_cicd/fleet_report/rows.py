"""The status document (mlops_cicd/operations/status.py `as_json`) as what the fleet report draws: one row per
credential, grouped by project (by stack when the document names none), soonest deadline first."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta


def parse_time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


@dataclass(frozen=True)
class CredentialRow:
    stack: str
    kind: str
    address: str
    created: datetime | None
    created_estimated: bool
    next_rotation: datetime | None
    expires: datetime | None
    days_left: int | None
    """Days until it expires (a rotation schedule: until it fires), as `status` computed them."""
    warnings: tuple[str, ...]

    @property
    def state(self) -> str:
        """"expired" (a schedule: "overdue") once its deadline has passed, "warning" when status warns, else "ok"."""
        if self.days_left is not None and self.days_left < 0:
            return "expired" if self.expires else "overdue"
        return "warning" if self.warnings else "ok"

    @property
    def countdown(self) -> str:
        """What `days_left` counts down to, or that it is past."""
        if self.days_left is None:
            return "no deadline"
        if self.days_left < 0:
            return "expired" if self.expires else "rotation overdue"
        return "until expiry" if self.expires else "until rotation"


@dataclass(frozen=True)
class QuietStack:
    """A stack that contributes no credential: not deployed, its state not readable here, or none stored
    (OIDC federation keeps no secret)."""

    stack: str
    reason: str


@dataclass(frozen=True)
class Group:
    name: str
    warning_days: int
    """The project's own window (a platform repository's projects may each set checks.expiry_warning_days)."""
    rows: tuple[CredentialRow, ...]
    quiet: tuple[QuietStack, ...]


def _sort_key(days_left: int | None) -> float:
    return math.inf if days_left is None else days_left


def _row(stack: str, c: dict) -> CredentialRow:
    return CredentialRow(stack, c["kind"], c["address"], parse_time(c["created"]), bool(c["created_estimated"]),
                         parse_time(c["next_rotation"]), parse_time(c["expires"]), c["days_left"],
                         tuple(c["warnings"]))


def _quiet_reason(stack: dict) -> str | None:
    if stack.get("unread"):
        return "state not readable here"
    if not stack["deployed"]:
        return "not deployed"
    return None if stack["credentials"] else "no stored credential (OIDC federation?)"


def group_name(stack: dict) -> str:
    """The project of a platform repository's stack (its `project`), else the stack itself."""
    return stack.get("project") or stack["name"]


def credential_rows(document: dict) -> list[CredentialRow]:
    """Every credential of the document, soonest deadline first (none last), then by stack and address."""
    rows = [_row(stack["name"], c) for stack in document["stacks"] for c in stack["credentials"]]
    return sorted(rows, key=lambda r: (_sort_key(r.days_left), r.stack, r.address))


def quiet_stacks(document: dict) -> list[QuietStack]:
    return [QuietStack(stack["name"], reason) for stack in document["stacks"]
            if (reason := _quiet_reason(stack)) is not None]


def groups(document: dict) -> list[Group]:
    """The rows by project (or stack), the group with the soonest deadline first."""
    project_of = {stack["name"]: group_name(stack) for stack in document["stacks"]}
    window = {group_name(stack): stack.get("warning_days", document["warning_days"]) for stack in document["stacks"]}
    rows, quiet = credential_rows(document), quiet_stacks(document)
    built = [Group(name, days, tuple(r for r in rows if project_of[r.stack] == name),
                   tuple(q for q in quiet if project_of[q.stack] == name)) for name, days in window.items()]
    return sorted(built, key=lambda g: (min((_sort_key(r.days_left) for r in g.rows), default=math.inf), g.name))


def has_projects(document: dict) -> bool:
    return any(stack.get("project") for stack in document["stacks"])


def time_span(document: dict) -> tuple[datetime, datetime]:
    """From the earliest creation (or now) to the latest deadline (or the end of the warning window)."""
    now = parse_time(document["as_of"])
    window_end = now + timedelta(days=document["warning_days"])  # the widest of the projects' windows
    moments = [m for r in credential_rows(document) for m in (r.created, r.next_rotation, r.expires) if m]
    return min([now, *moments]), max([window_end, *moments])
