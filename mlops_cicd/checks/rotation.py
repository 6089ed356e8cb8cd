"""MLOPS005, 006, 010: every credential expires, is rotated before it does (by a schedule that really
replaces it), and is replaced new-before-old;
`replace_triggered_by` holds bare addresses."""

from __future__ import annotations

import re
from typing import Iterator

from ..units import SECONDS_PER_DAY
from .model import Issue, Stack
from ..synthesized import Binding, credentials
from ..synthesized import all_resources, resources

# Upper bounds, so a rotation period is never judged shorter than it can be.
_ROTATION_UNITS = {
    "rotation_minutes": 60, "rotation_hours": 3600, "rotation_days": SECONDS_PER_DAY,
    "rotation_months": 31 * SECONDS_PER_DAY, "rotation_years": 366 * SECONDS_PER_DAY,
}
_GO_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(h|m|s)")
_GO_UNITS = {"h": 3600, "m": 60, "s": 1}
def lifetime_seconds(kind: str, body: dict) -> float | None:
    if kind == "databricks_obo_token":
        value = body.get("lifetime_seconds")
        return float(value) if isinstance(value, (int, float)) or str(value).isdigit() else None
    value = str(body.get("lifetime") or "")  # a Go duration such as "7776000s" or "2160h"
    parts = _GO_DURATION_PART.findall(value)
    if not parts or "".join(n + u for n, u in parts) != value:
        return None
    return sum(float(n) * _GO_UNITS[u] for n, u in parts)


def rotation_seconds(body: dict) -> float | None:
    """The longest a time_rotating can run before firing; None when not a literal period."""
    total = 0.0
    for key, unit in _ROTATION_UNITS.items():
        value = body.get(key)
        if value is None:
            continue
        if not isinstance(value, (int, float)):
            return None
        total += value * unit
    return total or None


def _credential_issues(stack: Stack, kind: str, address: str, body: dict, bound: Binding) -> Iterator[Issue]:
    def issue(message: str, fix: str) -> Issue:
        return Issue(stack.name, f"{address} {message}", fix, address)

    lifetime = lifetime_seconds(kind, body)
    if lifetime is None:
        yield issue("has no literal lifetime, so it lives as long as the workspace allows",
                    "set token_lifetime_days (WorkspaceToken / OAuthSecret lifetime_days)")
    if (body.get("lifecycle") or {}).get("create_before_destroy") is not True:
        yield issue("is not create_before_destroy: on rotation the old credential is deleted before the new "
                    "one is stored, and CI breaks in between",
                    "set lifecycle create_before_destroy = true (RotationSchedule.lifecycle does)")
    rotations = bound.schedules
    if not rotations:
        yield issue("is not tied to a time_rotating schedule, so it is only recreated after it has expired",
                    "replace it on a schedule: lifecycle replace_triggered_by = [\"time_rotating.<name>\"] "
                    "(WorkspaceToken / OAuthSecret do, with rotation_days)")
    time_rotating = dict(resources(stack.document, "time_rotating"))
    for rotation in sorted(rotations):
        period = rotation_seconds(time_rotating[rotation]) if rotation in time_rotating else None
        if rotation not in time_rotating:
            yield issue(f"is tied to {rotation}, which this stack does not declare",
                        "point replace_triggered_by at a time_rotating of the same stack")
        elif period is None:
            yield issue(f"is tied to {rotation}, whose period is not a literal rotation_days/hours/...",
                        "give the time_rotating a literal rotation_days")
        elif lifetime is not None and period >= lifetime:
            yield issue(f"expires after {lifetime / SECONDS_PER_DAY:g} days but {rotation} only fires after "
                        f"{period / SECONDS_PER_DAY:g} days: the credential expires before it is replaced",
                        "make rotation_days shorter than token_lifetime_days (e.g. two thirds of it)")


def token_rotation(stack: Stack) -> Iterator[Issue]:
    for kind, address, body, bound in credentials(stack.document):
        yield from _credential_issues(stack, kind, address, body, bound)


def bare_replace_triggers(stack: Stack) -> Iterator[Issue]:
    for address, body in all_resources(stack.document):
        for entry in (body.get("lifecycle") or {}).get("replace_triggered_by") or []:
            if "${" in str(entry):
                bare = str(entry).removeprefix("${").removesuffix("}")
                yield Issue(
                    stack.name,
                    f"{address} has replace_triggered_by entry {entry!r}: Terraform rejects an "
                    "interpolation there (\"Invalid expression\")",
                    f"give the bare address {bare!r} (mlops_cicd.constructs.rotation.resource_address() "
                    "builds it), not the resource object",
                    address,
                )


def schedule_reaches_credential(stack: Stack) -> Iterator[Issue]:
    """A credential bound to its schedule only weakly (mlops_cicd/synthesized.py, "rotation schedules") is
    replaced only once expired."""
    for _, address, _, bound in credentials(stack.document):
        if bound.schedules and not bound.effective:
            schedule = sorted(bound.schedules)[0]
            yield Issue(
                stack.name,
                f"{address} is tied to {schedule} only through replace_triggered_by, which does not fire "
                "when the schedule comes due (the expired time_rotating is dropped from state and "
                "planned as a create): the credential is replaced only after it has expired",
                f"point replace_triggered_by at a time_static whose rfc3339 copies {schedule}.rfc3339 "
                "(RotationSchedule does), or reference the schedule in an argument that forces a new "
                f"credential; until then `mlops-cicd rotate {stack.name}` replaces it on demand",
                address,
            )
