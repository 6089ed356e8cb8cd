"""time_rotating: a timestamp removed from state once the emulated clock passes its rotation time, so
Terraform creates it again; time_static: a fixed timestamp, replaced when its rfc3339/triggers change.

Terraform's replace_triggered_by fires on an update or replacement of the referenced resource, not on
its creation: a re-created time_rotating does not by itself replace what references it, whereas a
time_static fed from time_rotating.rfc3339 is replaced and does.
"""

from __future__ import annotations

import calendar
import datetime

from .base import Resource, format_rfc3339
from .base import parse_rfc3339 as _parse


def _add_months(moment: datetime.datetime, months: int) -> datetime.datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def rotation_time(base: datetime.datetime, values: dict) -> datetime.datetime | None:
    if values.get("rotation_rfc3339"):
        return _parse(values["rotation_rfc3339"])
    moment = base
    if values.get("rotation_years"):
        moment = _add_months(moment, 12 * int(values["rotation_years"]))
    if values.get("rotation_months"):
        moment = _add_months(moment, int(values["rotation_months"]))
    delta = datetime.timedelta(days=values.get("rotation_days") or 0, hours=values.get("rotation_hours") or 0,
                               minutes=values.get("rotation_minutes") or 0)
    moment += delta
    return None if moment == base else moment


def _timestamp_fields(ctx, planned: dict) -> tuple[datetime.datetime, dict]:
    base = _parse(planned["rfc3339"]) if isinstance(planned.get("rfc3339"), str) else \
        datetime.datetime.fromtimestamp(int(ctx.now), datetime.timezone.utc)
    return base, {**planned, "id": format_rfc3339(base), "rfc3339": format_rfc3339(base), "year": base.year,
                  "month": base.month, "day": base.day, "hour": base.hour, "minute": base.minute,
                  "second": base.second, "unix": int(base.timestamp())}


class TimeStatic(Resource):
    def create(self, ctx, planned, config):
        return _timestamp_fields(ctx, planned)[1]


class TimeRotating(Resource):
    def create(self, ctx, planned, config):
        base, out = _timestamp_fields(ctx, planned)
        rotation = rotation_time(base, planned)
        out["rotation_rfc3339"] = format_rfc3339(rotation) if rotation else planned.get("rotation_rfc3339")
        return out

    def read(self, ctx, state):
        if state.get("rotation_rfc3339") and ctx.now >= _parse(state["rotation_rfc3339"]).timestamp():
            return None  # due: removed so that it is created again
        return state



RESOURCES = {"time_rotating": TimeRotating(), "time_static": TimeStatic()}
