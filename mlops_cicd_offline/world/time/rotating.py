"""time_rotating and time_static, as hashicorp/terraform-provider-time v0.13.1 implements them
(internal/provider/resource_time_rotating.go, resource_time_static.go,
internal/modifiers/timemodifier/replace_if_outdated.go).

time_rotating:
- Read removes it from state once the clock is strictly after `rotation_rfc3339`, so Terraform creates it again.
- Only `rfc3339` and `triggers` force replacement. A changed rotation period (`rotation_days`, ...) is an
  in-place update: ModifyPlan and Update keep the base timestamp and recompute `rotation_rfc3339` from it.
  `rotation_rfc3339` is RequiresReplaceIf(ReplaceIfOutdated): when its planned value changes and the stored
  rotation time has already passed, the resource is replaced instead.
- setRotationValues: the last rotation argument set wins, in the order days, hours, minutes, months,
  rotation_rfc3339, years (they do not add up); `year` ... `second` and `unix` describe the *rotation*
  time, `rfc3339` and `id` the base time.

Terraform's replace_triggered_by fires on an update or replacement of the referenced resource, not on
its creation: a re-created time_rotating does not by itself replace what references it, whereas a
time_static fed from time_rotating.rfc3339 is replaced and does.
"""

from __future__ import annotations

import calendar
import datetime

from mlops_cicd_offline.server.values import UNKNOWN
from mlops_cicd_offline.world.base import Resource, format_rfc3339
from mlops_cicd_offline.world.base import parse_rfc3339 as _parse

ROTATION_ARGUMENTS = ("rotation_years", "rotation_months", "rotation_days", "rotation_hours", "rotation_minutes",
                      "rotation_rfc3339")
_COMPUTED = ("id", "rfc3339", "rotation_rfc3339", "year", "month", "day", "hour", "minute", "second", "unix")


def _add_months(moment: datetime.datetime, months: int) -> datetime.datetime:
    """Go's time.AddDate for months: the day overflows into the next month (Jan 31 + 1 month = Mar 3)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    overflow = max(0, moment.day - calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=moment.day - overflow) + datetime.timedelta(days=overflow)


def rotation_time(base: datetime.datetime, values: dict) -> datetime.datetime | None:
    """setRotationValues: each argument that is set replaces the previous one's result."""
    rotation = None
    if values.get("rotation_days"):
        rotation = base + datetime.timedelta(days=values["rotation_days"])
    if values.get("rotation_hours"):
        rotation = base + datetime.timedelta(hours=values["rotation_hours"])
    if values.get("rotation_minutes"):
        rotation = base + datetime.timedelta(minutes=values["rotation_minutes"])
    if values.get("rotation_months"):
        rotation = _add_months(base, int(values["rotation_months"]))
    if isinstance(values.get("rotation_rfc3339"), str) and values["rotation_rfc3339"]:
        rotation = _parse(values["rotation_rfc3339"])
    if values.get("rotation_years"):
        rotation = _add_months(base, 12 * int(values["rotation_years"]))
    return rotation


def _base_time(ctx, planned: dict) -> datetime.datetime:
    if isinstance(planned.get("rfc3339"), str):
        return _parse(planned["rfc3339"])
    return datetime.datetime.fromtimestamp(int(ctx.now), datetime.timezone.utc)


def _parts(moment: datetime.datetime) -> dict:
    return {"year": moment.year, "month": moment.month, "day": moment.day, "hour": moment.hour,
            "minute": moment.minute, "second": moment.second}


class TimeStatic(Resource):
    def create(self, ctx, planned, config):
        base = _base_time(ctx, planned)
        return {**planned, "id": format_rfc3339(base), "rfc3339": format_rfc3339(base), "unix": int(base.timestamp()),
                **_parts(base)}


def _with_rotation(planned: dict, base: datetime.datetime) -> dict:
    rotation = rotation_time(base, planned)
    out = {**planned, "id": format_rfc3339(base), "rfc3339": format_rfc3339(base)}
    if rotation is not None:
        out.update(rotation_rfc3339=format_rfc3339(rotation), unix=int(rotation.timestamp()), **_parts(rotation))
    return out


class TimeRotating(Resource):
    def plan(self, ctx, prior, planned, config, replace):
        if prior is None or replace:
            return planned
        config_rotation = (config or {}).get("rotation_rfc3339")
        changed = any(planned.get(name) != prior.get(name) for name in ROTATION_ARGUMENTS[:-1]) or \
            (config_rotation is not None and config_rotation != prior.get("rotation_rfc3339"))
        if not changed:
            return planned
        stored = prior.get("rotation_rfc3339")
        if stored and ctx.now > _parse(stored).timestamp():  # ReplaceIfOutdated
            replace.append("rotation_rfc3339")
            unset = {name: UNKNOWN for name in _COMPUTED if (config or {}).get(name) is None}
            return {**planned, **unset}
        # ModifyPlan: keep the base time from state, recompute the rotation time from the new arguments
        recomputed = planned if config_rotation is not None else {**planned, "rotation_rfc3339": None}
        return _with_rotation(recomputed, _parse(prior["rfc3339"]))

    def create(self, ctx, planned, config):
        return _with_rotation(planned, _base_time(ctx, planned))

    def read(self, ctx, state):
        if state.get("rotation_rfc3339") and ctx.now > _parse(state["rotation_rfc3339"]).timestamp():
            return None  # due: removed so that it is created again
        return state


RESOURCES = {"time_rotating": TimeRotating(), "time_static": TimeStatic()}
