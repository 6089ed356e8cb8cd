"""The fleet report page: a summary, the timeline (timeline.py), the table of the same data and every warning,
with its style inline. No script and no external resource: a Content-Security-Policy forbids both, so the file
shows the same wherever it is opened."""

from __future__ import annotations

from datetime import datetime
from html import escape

from .rows import CredentialRow, credential_rows, groups, has_projects, quiet_stacks
from .timeline import timeline_svg

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

STYLE = """
:root { --ink:#1d2733; --muted:#64707d; --bg:#f4f6f9; --card:#fff; --line:#e1e6ec; --ok:#1c8a63; --warn:#c27c0e;
  --bad:#c9302c; --today:#2f5fd0; --window:rgba(234,170,20,.13); --row:#f7f9fb; color-scheme: light dark; }
@media (prefers-color-scheme: dark) {
  :root { --ink:#e4e8ee; --muted:#9aa5b1; --bg:#12161c; --card:#1a2028; --line:#2c3440; --ok:#3cc08e; --warn:#e8a93a;
    --bad:#f0625d; --today:#7aa2ff; --window:rgba(234,170,20,.12); --row:#1f2630; } }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink); font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,
  "Helvetica Neue",Arial,sans-serif; }
main { max-width:1280px; margin:0 auto; padding:28px 24px 48px; }
h1 { font-size:24px; margin:0 0 4px; letter-spacing:-.01em; }
h2 { font-size:17px; margin:32px 0 10px; }
.as-of { color:var(--muted); margin:0 0 20px; }
.cards { display:grid; grid-template-columns:repeat(auto-fit,minmax(200px,1fr)); gap:12px; margin-bottom:20px; }
.card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:12px 16px; }
.card .label { color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.04em; }
.card .value { font-size:26px; font-weight:650; margin-top:2px; }
.card .detail { color:var(--muted); font-size:12px; overflow-wrap:anywhere; }
.card.warning .value { color:var(--warn); }
.card.expired .value, .card.overdue .value { color:var(--bad); }
.card.ok .value { color:var(--ok); }
.panel { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:14px 12px 6px;
  overflow-x:auto; }
.legend { display:flex; flex-wrap:wrap; gap:6px 18px; color:var(--muted); font-size:12px; margin:0 4px 8px; padding:0;
  list-style:none; }
.legend svg { vertical-align:middle; margin-right:5px; }
svg.timeline { width:100%; min-width:980px; height:auto; display:block; }
.timeline text { fill:var(--ink); font-size:13px; }
.timeline .row-kind, .timeline .group-summary, .timeline .column-head, .timeline .days-word, .timeline .tick,
.timeline .quiet-reason { fill:var(--muted); font-size:12px; }
.timeline .row-stack { font-weight:600; }
.timeline .row-kind { font-weight:400; }
.timeline .row-address { font:11.5px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; fill:var(--muted); }
.timeline .group-name { font-size:15px; font-weight:700; }
.timeline .group-rule { stroke:var(--line); }
.timeline .column-head { text-transform:uppercase; letter-spacing:.04em; font-size:11px; }
.timeline .days-head, .timeline .days, .timeline .days-word { text-anchor:end; }
.timeline .days { font-size:17px; font-weight:700; }
.timeline .tick { text-anchor:middle; }
.timeline .axis { stroke:var(--muted); }
.timeline .grid { stroke:var(--line); stroke-dasharray:2 4; }
.timeline .row-bg { fill:transparent; }
.timeline .credential:hover .row-bg { fill:var(--row); }
.timeline .bar { fill:var(--ok); opacity:.85; }
.timeline .bar.schedule { fill:var(--card); stroke:var(--ok); stroke-dasharray:4 3; opacity:1; }
.timeline .warning .bar { fill:var(--warn); }
.timeline .warning .bar.schedule { fill:var(--card); stroke:var(--warn); }
.timeline .expired .bar { fill:var(--bad); }
.timeline .overdue .bar.schedule { fill:var(--card); stroke:var(--bad); }
.timeline .warning .days { fill:var(--warn); }
.timeline .expired .days, .timeline .overdue .days { fill:var(--bad); }
.timeline .ok .days { fill:var(--ok); }
.timeline .created { fill:var(--card); stroke:var(--ink); stroke-width:2; }
.timeline .created.estimated { stroke-dasharray:2 2; }
.timeline .rotation { fill:var(--ink); stroke:var(--card); stroke-width:1.5; }
.timeline .expiry { fill:var(--ink); }
.timeline .window { fill:var(--window); }
.timeline .window-label { fill:var(--warn); font-size:12px; font-weight:600; }
.timeline .today { stroke:var(--today); stroke-width:2; }
.timeline .today-label { fill:var(--today); font-size:12px; font-weight:700; text-anchor:middle; }
.timeline .quiet-reason { font-style:italic; }
.table-wrap { overflow-x:auto; }
table { width:100%; min-width:1040px; table-layout:fixed; border-collapse:collapse; background:var(--card);
  border:1px solid var(--line); border-radius:10px;
  overflow:hidden; font-size:13px; }
caption { text-align:left; color:var(--muted); padding:0 2px 8px; caption-side:top; }
th, td { text-align:left; padding:8px 10px; border-bottom:1px solid var(--line); vertical-align:top;
  overflow-wrap:anywhere; }
tbody th { font-weight:600; }
thead th { overflow-wrap:normal; font-size:11px; text-transform:uppercase; letter-spacing:.04em; color:var(--muted);
  background:var(--row); }
td.address { font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; font-size:12px;
  overflow-wrap:break-word; }
td.days { text-align:right; font-weight:700; white-space:nowrap; }
td.date { white-space:nowrap; }
td.status div { font-size:12px; margin-top:3px; }
tr.ok td.days { color:var(--ok); }
tr.warning td.days { color:var(--warn); }
tr.expired td.days, tr.overdue td.days { color:var(--bad); }
.pill { display:inline-block; border-radius:999px; padding:1px 8px; font-size:11px; font-weight:600; color:#fff; }
.pill.ok { background:var(--ok); }
.pill.warning { background:var(--warn); }
.pill.expired, .pill.overdue { background:var(--bad); }
ul.warnings { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:10px 14px 10px 32px; }
ul.warnings li { margin:4px 0; overflow-wrap:anywhere; }
code { font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; font-size:12px; }
.note, footer { color:var(--muted); font-size:12px; }
footer { margin-top:28px; }
"""

LEGEND = (
    ('<svg width="34" height="12"><rect x="1" y="1" width="32" height="10" rx="5" style="fill:var(--ok);" /></svg>',
     "lifetime (created to expiry)"),
    ('<svg width="34" height="12"><rect x="1" y="1" width="32" height="10" rx="5" style="fill:none;stroke:var(--ok);" '
     'stroke-dasharray="4 3"/></svg>', "rotation schedule period"),
    ('<svg width="14" height="14"><circle cx="7" cy="7" r="5" style="fill:none;stroke:var(--ink);" '
     'stroke-width="2"/></svg>',
     "created (dashed: estimated)"),
    ('<svg width="14" height="14"><path d="M7 1L13 7L7 13L1 7Z" style="fill:var(--ink);" /></svg>', "next rotation"),
    ('<svg width="8" height="18"><rect x="2" y="0" width="4" height="18" style="fill:var(--ink);" /></svg>', "expiry"),
    ('<svg width="4" height="18"><rect x="1" y="0" width="2" height="18" style="fill:var(--today);" /></svg>', "today"),
    ('<svg width="24" height="14"><rect width="24" height="14" style="fill:var(--window);stroke:var(--warn);" '
     'stroke-width=".5"/></svg>', "warning window"),
)


def _date_cell(moment: datetime | None, estimated: bool = False) -> str:
    if moment is None:
        return '<td class="date">-</td>'
    text = moment.strftime("%Y-%m-%d")
    iso = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    mark = '<abbr title="estimated from the rotation schedule">~</abbr>' if estimated else ""
    return f'<td class="date">{mark}<time datetime="{iso}">{text}</time></td>'


def _breakable(address: str) -> str:
    """Escaped, and allowed to wrap after each dot (module.x.type.name) rather than anywhere."""
    *parts, last = address.split(".")
    return "".join(f"{escape(part)}.<wbr>" for part in parts) + escape(last)


def _table_row(row: CredentialRow, project: str | None) -> str:
    days = "-" if row.days_left is None else str(row.days_left)
    notes = "".join(f"<div>{escape(w)}</div>" for w in row.warnings)
    project_cell = "" if project is None else f"<td>{escape(project)}</td>"
    return (f'<tr class="{row.state}">{project_cell}<th scope="row">{escape(row.stack)}</th>'
            f"<td>{escape(row.kind)}</td><td class=\"address\">{_breakable(row.address)}</td>"
            f"{_date_cell(row.created, row.created_estimated)}{_date_cell(row.next_rotation)}"
            f"{_date_cell(row.expires)}<td class=\"days\">{days}</td>"
            f'<td class="status"><span class="pill {row.state}">{row.state}</span>{notes}</td></tr>')


def _table(document: dict) -> str:
    project_of = {s["name"]: s.get("project") or "" for s in document["stacks"]} if has_projects(document) else None
    columns = [("Project", 9)] if project_of is not None else []
    columns += [("Stack", 12), ("Credential", 9), ("Address", 27), ("Created", 8), ("Next rotation", 8),
                ("Expires", 8), ("Days left", 5), ("Status", 14)]
    widths = "".join(f'<col style="width:{share}%">' for _, share in columns)  # shares of what is left: fixed layout
    head = "".join(f'<th scope="col">{name}</th>' for name, _ in columns)
    body = [_table_row(r, None if project_of is None else project_of[r.stack]) for r in credential_rows(document)]
    for quiet in quiet_stacks(document):
        project_cell = "" if project_of is None else f"<td>{escape(project_of[quiet.stack])}</td>"
        body.append(f'<tr class="quiet">{project_cell}<th scope="row">{escape(quiet.stack)}</th>'
                    f'<td colspan="{len(columns) - 1 - (project_of is not None)}">{escape(quiet.reason)}</td></tr>')
    caption = ("Every credential, soonest deadline first. Days left: until it expires (a rotation schedule: "
               "until it fires).")
    return (f'<div class="table-wrap"><table id="credentials"><caption>{caption}</caption>'
            f"<colgroup>{widths}</colgroup><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>")


def _warnings(document: dict) -> str:
    items = []
    for stack in document["stacks"]:
        name = escape(stack["name"])
        if stack.get("unread"):
            items.append(f"<li><strong>{name}</strong>: {escape(stack['unread']['message'])}; fix: "
                         f"{escape(stack['unread']['fix'])}</li>")
        for c in stack["credentials"]:
            items.extend(f"<li><strong>{name}</strong> <code>{escape(c['address'])}</code>: {escape(w)}</li>"
                         for w in c["warnings"])
        items.extend(f"<li><strong>{name}</strong> {escape(o['label'])}: {escape(o['message'])}</li>"
                     for o in stack.get("orphans", []))
    if not items:
        return '<h2>Warnings</h2><p class="note">None.</p>'
    return f'<h2>Warnings</h2><ul class="warnings">{"".join(items)}</ul>'


def _card(label: str, value: str, detail: str, state: str = "") -> str:
    return (f'<div class="card {state}"><div class="label">{label}</div><div class="value">{value}</div>'
            f'<div class="detail">{detail}</div></div>')


def _cards(document: dict) -> str:
    rows = credential_rows(document)
    stacks, projects = len(document["stacks"]), len({g.name for g in groups(document)})
    fleet = f"{stacks} stack{'s' if stacks != 1 else ''}"
    if has_projects(document):
        fleet += f" in {projects} project{'s' if projects != 1 else ''}"
    cards = [_card("Credentials", str(len(rows)), escape(fleet))]
    soonest = next((r for r in rows if r.days_left is not None), None)
    if soonest is not None:
        cards.append(_card("Soonest deadline", f"{soonest.days_left} days",
                           f"{escape(soonest.stack)} · {escape(soonest.kind)}: {soonest.countdown}",
                           soonest.state))
    needing = sum(1 for r in rows if r.state != "ok")
    cards.append(_card("Needing attention", str(needing), f"{document['warnings']} warning(s) in all",
                       "warning" if document["warnings"] else "ok"))
    windows = sorted({g.warning_days for g in groups(document)})
    window = f"{windows[0]}–{windows[-1]} days" if len(windows) > 1 else f"{document['warning_days']} days"
    cards.append(_card("Warning window", window, "checks.expiry_warning_days" + (
        ", each project's own" if len(windows) > 1 else "")))
    return f'<section class="cards" aria-label="Summary">{"".join(cards)}</section>'


def _estimated_note(document: dict) -> str:
    if not any(r.created_estimated for r in credential_rows(document)):
        return ""
    return ('<p class="note">~ estimated from the token\'s rotation schedule (state keeps no creation time for '
            "workspace tokens); the token may be older if the schedule was re-created without it (check MLOPS010)</p>")


def render_html(document: dict) -> str:
    as_of = escape(document["as_of"])
    legend = "".join(f"<li>{icon}{escape(text)}</li>" for icon, text in LEGEND)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Credential fleet report, {as_of}</title><style>{STYLE}</style></head><body><main>"
        "<h1>Credential fleet report</h1>"
        f'<p class="as-of">As of <time datetime="{as_of}">{as_of}</time> ({escape(document["clock"])} clock), '
        "from <code>mlops-cicd status</code>.</p>"
        + _cards(document)
        + '<h2 id="timeline-heading">Timeline</h2><div class="panel">'
        f'<ul class="legend" aria-hidden="true">{legend}</ul>'
        + timeline_svg(document)
        + "</div><h2>Credentials</h2>"
        + _table(document)
        + _estimated_note(document)
        + _warnings(document)
        + "<footer>Written by <code>mlops-cicd status --html</code>: one file, no script, nothing loaded from "
        "elsewhere. The same data as <code>mlops-cicd status --json</code>.</footer>"
        "</main></body></html>\n"
    )
