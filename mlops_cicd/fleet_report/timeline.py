"""The fleet report's picture: an inline SVG timeline, one row per credential (creation, next rotation, expiry)
under a date axis, with today's line and the warning window. Presentational (role="img"): the table beside it
holds the same data for screen readers and copying."""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape

from .rows import CredentialRow, Group, QuietStack, groups, parse_time, time_span

WIDTH = 1200
LABEL_X = 16
CHART_X1 = 1080
CHART_X0_RANGE = (330, 640)
"""Where the chart starts: after the widest label, within these bounds."""
DAYS_X = WIDTH - 16
AXIS_Y = 58
FIRST_ROW_Y = 72
GROUP_HEIGHT, ROW_HEIGHT, QUIET_HEIGHT = 34, 40, 26
FOOT_HEIGHT = 34
MIN_SPAN = timedelta(days=14)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class Scale:
    """Dates to x: the document's span, padded so no marker sits on the chart's edge."""

    def __init__(self, start: datetime, end: datetime, x0: float):
        self.x0 = x0
        if end - start < MIN_SPAN:
            end = start + MIN_SPAN
        pad = (end - start) * 0.03
        self.start, self.end = start - pad, end + pad

    def x(self, moment: datetime) -> float:
        share = (moment - self.start) / (self.end - self.start)
        return round(self.x0 + share * (CHART_X1 - self.x0), 1)

    def ticks(self) -> list[tuple[datetime, str]]:
        """Month starts (every 1, 2, 3, 6 or 12 months: at most 10 ticks), or Mondays on a short span."""
        if self.end - self.start < timedelta(days=70):
            monday = (self.start + timedelta(days=7 - self.start.weekday())).replace(hour=0, minute=0, second=0,
                                                                                       microsecond=0)
            days = range(0, (self.end - monday).days + 1, 7)
            return [(d, f"{MONTHS[d.month - 1]} {d.day}") for d in (monday + timedelta(days=n) for n in days)]
        first = self.start.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        months = (self.end.year - first.year) * 12 + self.end.month - first.month
        step = next(s for s in (1, 2, 3, 6, 12) if months / s <= 10)
        ticks = []
        for n in range(0, months + 1):
            index = first.month - 1 + n
            moment = first.replace(year=first.year + index // 12, month=index % 12 + 1)
            if index % step == 0 and self.start <= moment <= self.end:
                label = MONTHS[moment.month - 1]
                ticks.append((moment, f"{label} {moment.year}" if moment.month == 1 or not ticks else label))
        return ticks


def _day(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d") if moment else "-"


def _tooltip(row: CredentialRow) -> str:
    created = ("~" if row.created_estimated else "") + _day(row.created)
    parts = [f"{row.stack} · {row.address}", f"created {created}", f"next rotation {_day(row.next_rotation)}",
             f"expires {_day(row.expires)}"]
    if row.days_left is not None:
        parts.append(f"{row.days_left} day(s) left")
    return "\n".join(parts + list(row.warnings))


def _diamond(x: float, y: float, r: float = 6) -> str:
    return f"M{x} {y - r}L{x + r} {y}L{x} {y + r}L{x - r} {y}Z"


def _marks(row: CredentialRow, mid: float, scale: Scale) -> list[str]:
    """The row's bar (created to expiry; a schedule: to its next rotation) and its creation, rotation and expiry
    marks; a credential whose state holds no date has none."""
    start, end = row.created, row.expires or row.next_rotation
    if start is None and end is None:
        return [f'<text class="quiet-reason" x="{scale.x0}" y="{mid + 4}">no date in its state</text>']
    x0, x1 = scale.x(start or end), scale.x(end or start)
    schedule = "" if row.expires else " schedule"
    marks = [f'<rect class="bar{schedule}" x="{x0}" y="{mid - 5}" width="{max(x1 - x0, 2)}" height="10" rx="5"/>']
    if row.created:
        dashed = " estimated" if row.created_estimated else ""
        marks.append(f'<circle class="created{dashed}" cx="{x0}" cy="{mid}" r="5"/>')
    if row.next_rotation:
        marks.append(f'<path class="rotation" d="{_diamond(scale.x(row.next_rotation), mid)}"/>')
    if row.expires:
        xe = scale.x(row.expires)
        marks.append(f'<rect class="expiry" x="{xe - 2}" y="{mid - 9}" width="4" height="18" rx="1"/>')
    return marks


def _credential(row: CredentialRow, y: float, scale: Scale) -> str:
    marks = _marks(row, y + ROW_HEIGHT / 2, scale)
    number = "-" if row.days_left is None else f"{row.days_left} d"
    return (
        f'<g class="credential {row.state}" data-stack="{escape(row.stack)}" data-address="{escape(row.address)}">'
        f"<title>{escape(_tooltip(row))}</title>"
        f'<rect class="row-bg" x="0" y="{y}" width="{WIDTH}" height="{ROW_HEIGHT}"/>'
        f'<text class="row-stack" x="{LABEL_X}" y="{y + 17}">{escape(row.stack)}'
        f'<tspan class="row-kind"> · {escape(row.kind)}</tspan></text>'
        f'<text class="row-address" x="{LABEL_X}" y="{y + 32}">{escape(row.address)}</text>'
        + "".join(marks)
        + f'<text class="days" x="{DAYS_X}" y="{y + 19}">{escape(number)}</text>'
        f'<text class="days-word" x="{DAYS_X}" y="{y + 32}">{row.countdown}</text></g>'
    )


def _quiet(item: QuietStack, y: float, scale: Scale) -> str:
    return (f'<g class="quiet" data-stack="{escape(item.stack)}">'
            f'<text class="row-stack" x="{LABEL_X}" y="{y + 17}">{escape(item.stack)}</text>'
            f'<text class="quiet-reason" x="{scale.x0}" y="{y + 17}">{escape(item.reason)}</text></g>')


def _group_header(group: Group, y: float, own_window: bool) -> str:
    stacks = len({r.stack for r in group.rows} | {q.stack for q in group.quiet})
    summary = f"{stacks} stack{'s' if stacks != 1 else ''} · {len(group.rows)} credential" + (
        "s" if len(group.rows) != 1 else "")
    if own_window:
        summary += f" · warning window {group.warning_days} days"
    return (f'<g class="group"><line class="group-rule" x1="{LABEL_X}" x2="{DAYS_X}" y1="{y + 6}" y2="{y + 6}"/>'
            f'<text class="group-name" x="{LABEL_X}" y="{y + 26}">{escape(group.name)}'
            f'<tspan class="group-summary" dx="10">{escape(summary)}</tspan></text></g>')


def _axis(scale: Scale, bottom: float) -> str:
    parts = [f'<line class="axis" x1="{scale.x0}" x2="{CHART_X1}" y1="{AXIS_Y}" y2="{AXIS_Y}"/>']
    for moment, label in scale.ticks():
        x = scale.x(moment)
        parts.append(f'<line class="grid" x1="{x}" x2="{x}" y1="{AXIS_Y}" y2="{bottom}"/>'
                     f'<text class="tick" x="{x}" y="{AXIS_Y - 8}">{escape(label)}</text>')
    parts.append(f'<text class="column-head" x="{LABEL_X}" y="{AXIS_Y - 8}">stack · credential</text>'
                 f'<text class="column-head days-head" x="{DAYS_X}" y="{AXIS_Y - 8}">days left</text>')
    return "".join(parts)


def _window(scale: Scale, now: datetime, warning_days: int, top: float, bottom: float) -> str:
    """Beneath a group's rows: a credential whose expiry falls in this band gets a warning from `status`."""
    x_now, x_end = scale.x(now), scale.x(now + timedelta(days=warning_days))
    return f'<rect class="window" x="{x_now}" y="{top}" width="{x_end - x_now}" height="{bottom - top}"/>'


def _window_label(scale: Scale, now: datetime, windows: set[int], bottom: float) -> str:
    text = f"warning window: {min(windows)} days" if len(windows) == 1 else "warning window: each project's own"
    return f'<text class="window-label" x="{scale.x(now) + 4}" y="{bottom + 18}">{text}</text>'


def _today(scale: Scale, now: datetime, bottom: float) -> str:
    """Above the rows, so every bar shows where today cuts it."""
    x_now = scale.x(now)
    return (f'<line class="today" x1="{x_now}" x2="{x_now}" y1="{AXIS_Y - 26}" y2="{bottom}"/>'
            f'<text class="today-label" x="{x_now}" y="{AXIS_Y - 32}">today {escape(_day(now))}</text>')


def _label_width(fleet: list[Group]) -> float:
    """Room for the widest label: a monospace address about 7 px a character, a bold stack name about 7.6."""
    widths = [w for g in fleet for r in g.rows for w in (7.0 * len(r.address), 7.6 * len(f"{r.stack} · {r.kind}"))]
    widths += [7.6 * len(q.stack) for g in fleet for q in g.quiet]
    low, high = CHART_X0_RANGE
    return min(max(LABEL_X + max(widths, default=0) + 24, low), high)


def timeline_svg(document: dict) -> str:
    now = parse_time(document["as_of"])
    fleet = groups(document)
    scale = Scale(*time_span(document), _label_width(fleet))
    windows = {group.warning_days for group in fleet} or {document["warning_days"]}
    bands, body, y = [], [], FIRST_ROW_Y
    for group in fleet:
        body.append(_group_header(group, y, len(windows) > 1))
        y += GROUP_HEIGHT
        top = y
        for row in group.rows:
            body.append(_credential(row, y, scale))
            y += ROW_HEIGHT
        for item in group.quiet:
            body.append(_quiet(item, y, scale))
            y += QUIET_HEIGHT
        if group.rows:  # nothing of a group without credentials can fall in its window
            bands.append(_window(scale, now, group.warning_days, top, y))
    bottom, height = y + 4, y + FOOT_HEIGHT
    return (
        f'<svg class="timeline" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="timeline-title" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="timeline-title">Timeline of every credential: creation, next rotation and expiry, today and '
        f'the warning window (the table below has the same data)</title>'
        + "".join(bands)
        + _window_label(scale, now, windows, bottom)
        + _axis(scale, bottom)
        + "".join(body)
        + _today(scale, now, bottom)
        + "</svg>"
    )
