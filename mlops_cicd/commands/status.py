"""`mlops-cicd status`: every credential of every stack, from its state, with days left and warnings."""

from __future__ import annotations

import argparse
import sys

from ..errors import EXIT_CHECKS_FAILED, EXIT_OK, EXIT_OPERATION_FAILED
from ..fleet_report import check_html_target, write_html
from ..operations.status import Source, fleet_status, parse_now, within
from ..operations.synthesis import existing_output
from .options import (
    add_config_option,
    add_environments_argument,
    add_json_option,
    add_output_option,
    add_rehearsal_dir_option,
    fleet_of,
    rehearsal_directory,
)
from .printing import on_terminal, plain_table, print_json, print_table

HEADER = ("ENV", "CREDENTIAL", "ADDRESS", "CREATED", "EXPIRES", "NEXT ROTATION", "DAYS LEFT")
ESTIMATED = ("~ estimated from the token's rotation schedule (state keeps no creation time for workspace tokens); "
             "the token may be older if the schedule was re-created without it (check MLOPS010)")


def table(document: dict) -> tuple[list[tuple[str, ...]], list[str]]:
    """(rows, notes below the table): one row per credential, and one per stack not deployed or whose state
    could not be read here (its error and fix go to stderr: `report_unread`)."""
    rows, notes = [], []
    for stack in document["stacks"]:
        if stack.get("unread"):
            rows.append((stack["name"], "not initialized here", "-", "-", "-", "-", "-"))
        elif not stack["deployed"]:
            rows.append((stack["name"], "not deployed", "-", "-", "-", "-", "-"))
        elif not stack["credentials"]:
            notes.append(f"note: {stack['name']}: no stored credential in its state (OIDC federation?)")
        for c in stack["credentials"]:
            mark = "~" if c["created_estimated"] else ""
            rows.append((stack["name"], c["kind"], c["address"], mark + (c["created"] or "-")[:10],
                         mark + (c["expires"] or "-")[:10], (c["next_rotation"] or "-")[:10],
                         "-" if c["days_left"] is None else str(c["days_left"])))
            notes.extend(f"warning: {stack['name']} {c['address']}: {w}" for w in c["warnings"])
        notes.extend(f"warning: {stack['name']} {o['label']}: {o['message']}" for o in stack.get("orphans", []))
    if any(c["created_estimated"] for stack in document["stacks"] for c in stack["credentials"]):
        notes.append(ESTIMATED)
    notes.append(f"as of {document['as_of']} ({document['clock']} clock); warning window "
                 f"{document['warning_days']} days; {document['warnings']} warning(s)")
    return rows, notes


def render_table(document: dict) -> str:
    """The status as plain text (what a pipe, a CI log or a file gets)."""
    rows, notes = table(document)
    return "\n".join(plain_table(HEADER, rows) + notes)


def report_unread(document: dict) -> bool:
    """Print on stderr, for each stack whose state could not be read here, why and the fix; whether there was one."""
    unread = [stack["unread"] for stack in document["stacks"] if stack.get("unread")]
    for item in unread:
        print(f"mlops-cicd: error: {item['message']}\n  fix: {item['fix']}", file=sys.stderr)
    return bool(unread)


def run(args: argparse.Namespace) -> int:
    fleet = fleet_of(args)
    stacks = fleet.select(args.environments, projects=args.project or (), environments=args.env or ())
    now = parse_now(args.now) if args.now else None  # a bad --now fails before any slow step
    if args.html:
        check_html_target(args.html)  # and so does a bad --html
    source = Source(existing_output(args.output), tuple(args.from_json or ()),
                    rehearsal_directory(args) if args.rehearsal else None)
    document = fleet_status(fleet, stacks, source, now=now, live=args.live)
    if args.html:
        write_html(args.html, document)
    if args.json:
        print_json(document)
    elif on_terminal():
        rows, notes = table(document)
        print_table(HEADER, rows)
        print("\n".join(notes))
    else:
        print(render_table(document))
    if report_unread(document):
        return EXIT_OPERATION_FAILED
    if args.fail_within is not None and (due := within(document, args.fail_within)):
        for stack, address, days in due:
            print(f"mlops-cicd: error: {stack} {address} expires in {days} day(s), within --fail-within "
                  f"{args.fail_within}\n  fix: `cdktf deploy {stack}` once its rotation is due, or `mlops-cicd rotate "
                  f"{stack}` now", file=sys.stderr)
        return EXIT_CHECKS_FAILED
    return EXIT_CHECKS_FAILED if args.fail_on_warning and document["warnings"] else EXIT_OK


def _days(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days (0 or more)")
    return int(text)


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "status", help="show every credential's created, expiry and next-rotation dates, and days left",
        description="Read each stack's state (`terraform show -json`) and list its workspace tokens, OAuth "
                    "secrets and rotation schedules; a stack never deployed is one row, \"not deployed\"; a stack whose "
                    "state may exist but cannot be read here (its directory not initialized: `terraform init`) is "
                    "one row, \"not initialized here\", with the fix, and exits 3. Warns "
                    "when a credential expires before its next rotation or within checks.expiry_warning_days, and "
                    "names each secret scope configured but not in a deployed state with the `terraform import` "
                    "that adopts it; with --live, each workspace token or OAuth secret of the service principal "
                    "that no state holds, with the command that revokes it. Exit 0 (1 with --fail-on-warning and "
                    "a warning, 3 when a state cannot be read here).",
    )
    add_config_option(parser)
    add_environments_argument(parser, "to show")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--rehearsal", action="store_true", help="read the last offline rehearsal's state (`make rehearse`) on its emulated clock")
    source.add_argument("--from-json", action="append", metavar="ENV=PATH", help="read saved `terraform show -json` output instead of running terraform (repeatable)")
    add_rehearsal_dir_option(parser)
    add_output_option(parser, "where the stacks were synthesized")
    parser.add_argument("--now", help="evaluate as of this ISO-8601 time (default: now; with --rehearsal: the emulated clock)")
    add_json_option(parser, "the status")
    parser.add_argument("--live", action="store_true", help="also list the service principal's workspace tokens and "
                        "OAuth secrets through the workspace API (as the deployer: DATABRICKS_*) and name those no "
                        "state holds, with the command that revokes each")
    parser.add_argument("--html", metavar="FILE", help="also write the status as one self-contained HTML page: a "
                        "timeline of every credential's creation, next rotation and expiry, and the same data as a table")
    parser.add_argument("--fail-on-warning", action="store_true", help="exit 1 when any credential has a warning (for scheduled CI)")
    parser.add_argument("--fail-within", type=_days, metavar="DAYS",
                        help="exit 1 when any credential expires within DAYS days (for scheduled CI)")
    parser.add_argument("--project", action="append", metavar="NAME",
                        help="only the stacks of this project (platform repository; repeatable)")
    parser.add_argument("--env", action="append", metavar="NAME",
                        help="only the stacks of this environment, in every project (repeatable)")
    parser.set_defaults(handler=run)
