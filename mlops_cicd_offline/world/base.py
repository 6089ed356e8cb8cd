"""What an emulated type implements, and the generic fallback used by every other type.

Handlers receive a `Context` (the locked world document, the emulated clock, the provider
configuration and the principal it authenticates as) and plain-dict values (see values.py).
Raise `ApiError` for what the real API would refuse; it becomes an error diagnostic.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from dataclasses import dataclass, field
from typing import Callable

from mlops_cicd_offline.server.values import UNKNOWN

RFC3339_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def format_rfc3339(moment: datetime.datetime | float) -> str:
    """A UTC time (datetime, or seconds since the epoch) as the providers write it: 2026-01-01T00:00:00Z."""
    if not isinstance(moment, datetime.datetime):
        moment = datetime.datetime.fromtimestamp(moment, datetime.timezone.utc)
    return moment.strftime(RFC3339_FORMAT)


def parse_rfc3339(text: str) -> datetime.datetime:
    return datetime.datetime.strptime(text, RFC3339_FORMAT).replace(tzinfo=datetime.timezone.utc)


@dataclass
class Context:
    world: dict
    now: float
    provider_config: dict = field(default_factory=dict)
    principal: dict | None = None  # None only while planning with a provider that cannot authenticate yet
    provider_version: str = ""
    """The release this stand-in serves (behaviour that changed between releases follows it, see releases.py)."""


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def fill(planned: dict, **computed) -> dict:
    """Set computed values that the plan left unknown (known planned values are kept as planned)."""
    out = dict(planned)
    for name, value in computed.items():
        if out.get(name) is UNKNOWN or out.get(name) is None:
            out[name] = value
    return out


class Resource:
    """Generic managed resource: state lives only in Terraform's state file."""

    state_upgraders: dict[int, Callable[[Context, dict], dict]] = {}
    """Schema version -> the provider's state upgrader from it to the next, on the state's JSON (a dict).
    Which of them a served release runs is build/schema_versions.py's; the server runs them in order."""

    def plan(self, ctx: Context, prior: dict | None, planned: dict, config: dict, replace: list[str]) -> dict:
        return planned

    def create(self, ctx: Context, planned: dict, config: dict) -> dict:
        return fill(planned, id=str(uuid.uuid4()))

    def read(self, ctx: Context, state: dict) -> dict | None:
        return state

    def update(self, ctx: Context, prior: dict, planned: dict, config: dict) -> dict:
        return planned

    def delete(self, ctx: Context, state: dict) -> None:
        return None

    def import_state(self, import_id: str) -> dict:
        """The state an import starts from (terraform import, or an `import` block); ReadResource fills it."""
        return {"id": import_id}


class DataSource:
    """Generic data source: echoes its arguments with an id derived from them."""

    def read(self, ctx: Context, config: dict) -> dict:
        return fill(config, id=digest(repr(sorted((k, repr(v)) for k, v in config.items())))[:16])
