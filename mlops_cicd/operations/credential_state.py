"""Credentials as Terraform state records them (`terraform show -json`): what each is, when it was
created, when it expires, and when its rotation schedule replaces it.

A credential made by `WorkspaceToken` or `OAuthSecret` carries the start of its rotation period (its stamp,
constructs/rotation.py) in an argument that state keeps. A stamp older than its schedule's current base time
(`rfc3339`) means the schedule was renewed but the credential was not replaced (the apply failed after
renewing it): that credential belongs to the past period, and its rotation is due.

`databricks_obo_token` keeps no creation time in state: it was created in the apply that started the period
of its stamp, so the stamp is its creation time, and its expiry is that plus `lifetime_seconds`. A token
without a stamp falls back to its schedule's base time; bound weakly, the schedule can be re-created without
the token (check MLOPS010), so those times are then only an estimate, and marked as such.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Iterator

from ..synthesized import binding, resource
from ..rotation_stamp import STAMPED_ARGUMENTS, stamp_of

CREDENTIAL_KINDS = {
    "databricks_obo_token": "workspace token",
    "databricks_service_principal_secret": "OAuth secret",
    "time_rotating": "rotation schedule",
}


@dataclass(frozen=True)
class StackState:
    name: str
    show: dict = field(repr=False)
    """`terraform show -json` output of the stack's state."""
    document: dict | None = None
    """The stack's cdk.tf.json, when at hand (it says which schedule rotates which credential)."""


@dataclass(frozen=True)
class Credential:
    stack: str
    address: str
    type: str
    created: datetime | None
    expires: datetime | None
    next_rotation: datetime | None
    rotation: str | None
    """Address of the time_rotating that replaces it (None for the schedule itself, or when unknown)."""
    estimated: bool = False
    """`created` (and so `expires`) is taken from a schedule that may be younger than the credential."""
    rotation_pending: bool = False
    """It belongs to a rotation period that has ended (its stamp predates its schedule): the next apply
    replaces it, and `next_rotation` is when that period ended."""

    @property
    def kind(self) -> str:
        return CREDENTIAL_KINDS[self.type]


def parse_iso(value: str) -> datetime:
    """An ISO 8601 / RFC 3339 time (a trailing Z allowed), UTC when it names no zone; ValueError if malformed."""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def parse_time(value: object) -> datetime | None:
    """A time as state records it; None when absent or malformed."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return parse_iso(value)
    except ValueError:
        return None


def state_resources(show: dict, deposed: bool = False) -> Iterator[dict]:
    """Every current managed resource in `terraform show -json` output, child modules included; with `deposed`,
    also the objects a create_before_destroy replacement has not destroyed yet (state still holds them)."""
    modules = [(show.get("values") or {}).get("root_module") or {}]
    while modules:
        module = modules.pop()
        modules.extend(module.get("child_modules") or [])
        for resource in module.get("resources") or []:
            if resource.get("mode", "managed") == "managed" and (deposed or not resource.get("deposed_key")):
                yield resource


def _rotation_for(address: str, kind: str, document: dict | None, schedules: dict[str, dict]) -> tuple[str | None, bool]:
    """(the schedule that replaces a credential, whether it is bound to it by an argument): from the
    synthesized stack, else the stack's only schedule (binding unknown)."""
    body = resource(document, address)
    bound = binding(document, kind, body) if body else None
    if bound and bound.schedules:
        schedule = sorted(bound.schedules)[0]
        return schedule, schedule in bound.effective
    return (next(iter(schedules)) if len(schedules) == 1 else None), False


def credentials_in_state(stack: str, show: dict, document: dict | None = None) -> list[Credential]:
    """Credentials of one stack's state; `document` (its cdk.tf.json) says which schedule replaces which."""
    resources = [r for r in state_resources(show) if r.get("type") in CREDENTIAL_KINDS]
    schedules = {r["address"]: r.get("values") or {} for r in resources if r["type"] == "time_rotating"}
    found = []
    for resource in resources:
        address, kind, values = resource["address"], resource["type"], resource.get("values") or {}
        if kind == "time_rotating":
            found.append(Credential(stack, address, kind, parse_time(values.get("rfc3339")), None,
                                    parse_time(values.get("rotation_rfc3339")), None))
            continue
        rotation, bound = _rotation_for(address, kind, document, schedules)
        schedule = schedules.get(rotation or "", {})
        period_start = parse_time(schedule.get("rfc3339"))
        stamp = parse_time(stamp_of(values.get(STAMPED_ARGUMENTS[kind])))
        pending = stamp is not None and period_start is not None and stamp < period_start
        next_rotation = period_start if pending else parse_time(schedule.get("rotation_rfc3339"))
        if kind == "databricks_obo_token":
            created = stamp or period_start
            lifetime = values.get("lifetime_seconds")
            expires = created + timedelta(seconds=lifetime) if created and isinstance(lifetime, (int, float)) else None
            estimated = stamp is None and created is not None and not bound
        else:
            created, expires = parse_time(values.get("create_time")), parse_time(values.get("expire_time"))
            estimated = False
        found.append(Credential(stack, address, kind, created, expires, next_rotation, rotation, estimated, pending))
    return found
