"""Credentials as Terraform state records them (`terraform show -json`): what each is, when it was
created, when it expires, and when its rotation schedule replaces it.

`databricks_obo_token` keeps no creation time in state. Bound effectively to its `time_rotating` (see
checks/schedules.py), it is created in the same apply as that schedule, so the schedule's base time
(`rfc3339`) is its creation time and its expiry is that plus `lifetime_seconds`. Bound weakly, the
schedule can be re-created without the token (check MLOPS010): the same times are then only an
estimate, and marked as such.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Iterator

from ..checks.schedules import binding

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


def state_resources(show: dict) -> Iterator[dict]:
    """Every current managed resource in `terraform show -json` output, child modules included."""
    modules = [(show.get("values") or {}).get("root_module") or {}]
    while modules:
        module = modules.pop()
        modules.extend(module.get("child_modules") or [])
        for resource in module.get("resources") or []:
            if resource.get("mode", "managed") == "managed" and not resource.get("deposed_key"):
                yield resource


def _rotation_for(address: str, kind: str, document: dict | None, schedules: dict[str, dict]) -> tuple[str | None, bool]:
    """(the schedule that replaces a credential, whether it is bound to it by an argument): from the
    synthesized stack, else the stack's only schedule (binding unknown)."""
    type_, _, name = address.partition(".")
    body = ((document or {}).get("resource", {}).get(type_) or {}).get(name)
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
        next_rotation = parse_time(schedule.get("rotation_rfc3339"))
        if kind == "databricks_obo_token":
            created = parse_time(schedule.get("rfc3339"))
            lifetime = values.get("lifetime_seconds")
            expires = created + timedelta(seconds=lifetime) if created and isinstance(lifetime, (int, float)) else None
            estimated = created is not None and not bound
        else:
            created, expires = parse_time(values.get("create_time")), parse_time(values.get("expire_time"))
            estimated = False
        found.append(Credential(stack, address, kind, created, expires, next_rotation, rotation, estimated))
    return found
