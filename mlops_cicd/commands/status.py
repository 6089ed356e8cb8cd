"""`mlops-cicd status`: every credential of every stack, from its state, with days left and warnings."""

from __future__ import annotations

import argparse
import json
import os
from datetime import datetime, timezone
from pathlib import Path

from ..locks import shared
from .common import DEFAULT_OUTDIR, add_config_option, config_of, selected_environments
from .credential_health import Assessment, assess
from .credential_state import StackState, credentials_in_state, parse_iso, state_resources
from .errors import EXIT_CHECKS_FAILED, EXIT_CONFIG_ERROR, EXIT_OK, UserError
from .progress import step
from .rehearsal import add_rehearsal_dir_option, rehearsal_dir, rehearsal_states, rehearsal_workspace_api
from .terraform import show_state
from .unrecorded import unrecorded
from .untracked_credentials import untracked_credentials
from .unwritten_secrets import unwritten_secrets
from .workspace_api import HttpWorkspaceApi

SAVE_STATE = "save it with `terraform -chdir=cdktf.out/stacks/<stack> show -json > <stack>-state.json`"


def _document(outdir: Path, stack: str) -> dict | None:
    path = outdir / "stacks" / stack / "cdk.tf.json"
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise UserError(f"{path} cannot be read as JSON", "synthesize again: `mlops-cicd synth`") from None


def _show_shape_problem(show: object) -> str | None:
    """Why `show` is not `terraform show -json` output as status reads it, or None."""
    if not isinstance(show, dict):
        return "its top level is not a JSON object"
    values = show.get("values") or {}
    modules = [values.get("root_module") or {}] if isinstance(values, dict) else None
    if modules is None:
        return "its `values` is not an object"
    while modules:
        module = modules.pop()
        resources = module.get("resources") or [] if isinstance(module, dict) else None
        children = module.get("child_modules") or [] if isinstance(module, dict) else None
        if not isinstance(resources, list) or not isinstance(children, list):
            return "a module is not an object with `resources` and `child_modules` lists"
        for resource in resources:
            if not (isinstance(resource, dict) and isinstance(resource.get("address"), str)
                    and isinstance(resource.get("type"), str) and isinstance(resource.get("values") or {}, dict)):
                return "a resource is not an object with `address`, `type` and `values`"
        modules.extend(children)
    return None


def _read_show_json(option: str, path: Path) -> dict:
    def bad(why: str) -> UserError:
        return UserError(f"{option}: {path} {why}", SAVE_STATE, EXIT_CONFIG_ERROR)

    try:
        show = json.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise bad("does not exist") from None
    except IsADirectoryError:
        raise bad("is a directory, not a file") from None
    except OSError as error:
        raise bad(f"cannot be read ({error.strerror or type(error).__name__})") from None
    except UnicodeDecodeError:
        raise bad("is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise bad(f"is not JSON ({error.msg} at line {error.lineno}, column {error.colno})") from None
    if (problem := _show_shape_problem(show)) is not None:
        raise bad(f"is not `terraform show -json` output: {problem}")
    return show


def _from_json_files(pairs: list[str], outdir: Path, known: list[str], requested: list[str]) -> list[StackState]:
    states = []
    for pair in pairs:
        stack, sep, path = pair.partition("=")
        option = f"--from-json {pair}"
        if not sep or not stack or not path:
            raise UserError(f"{option} is not STACK=PATH", "e.g. --from-json prod=prod-state.json", EXIT_CONFIG_ERROR)
        if stack not in known:
            raise UserError(f"{option}: {stack} is not a configured environment", f"use one of: {', '.join(known)}",
                            EXIT_CONFIG_ERROR)
        if any(state.name == stack for state in states):
            raise UserError(f"{option}: {stack} is given twice", "give one --from-json per stack", EXIT_CONFIG_ERROR)
        states.append(StackState(stack, _read_show_json(option, Path(path)), _document(outdir, stack)))
    if requested and set(requested) != {state.name for state in states}:
        raise UserError(f"STACK arguments ({' '.join(requested)}) and the --from-json stacks differ",
                        "name the stacks once: leave out the STACK arguments with --from-json", EXIT_CONFIG_ERROR)
    return states


def _now(text: str) -> datetime:
    try:
        return parse_iso(text)
    except ValueError:
        raise UserError(f"--now {text} is not an ISO-8601 time", "e.g. --now 2026-03-01T00:00:00Z",
                        EXIT_CONFIG_ERROR) from None


def _from_deployed_stacks(names: list[str], outdir: Path) -> list[StackState]:
    if outdir.exists() and not outdir.is_dir():
        raise UserError(f"--outdir {outdir} is a file, not a directory",
                        f"name the directory the stacks were synthesized into (default: {DEFAULT_OUTDIR})", EXIT_CONFIG_ERROR)
    states = []
    for name in names:
        with step(f"reading the state of {name} (terraform show -json)"):
            states.append(StackState(name, show_state(outdir / "stacks" / name), _document(outdir, name)))
    return states


def assessments(states: list[StackState], now: datetime, warning_days: int) -> dict[str, list[Assessment]]:
    return {
        state.name: [assess(c, now, warning_days) for c in credentials_in_state(state.name, state.show, state.document)]
        for state in states
    }


def _when(moment: datetime | None) -> str | None:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def as_json(states: list[StackState], report: dict[str, list[Assessment]], now: datetime, clock: str,
            warning_days: int, orphans: dict[str, list] | None = None) -> dict:
    """`orphans`: per stack, objects no state holds (unrecorded.py, untracked_credentials.py), each a warning."""
    deployed = {state.name: any(True for _ in state_resources(state.show)) for state in states}
    missing = orphans or {}
    return {
        "as_of": _when(now),
        "clock": clock,
        "warning_days": warning_days,
        "warnings": sum(len(a.warnings) for items in report.values() for a in items)
                    + sum(len(items) for items in missing.values()),
        "stacks": [
            {
                "name": stack,
                "deployed": deployed[stack],
                "credentials": [
                    {
                        "address": a.credential.address, "type": a.credential.type, "kind": a.credential.kind,
                        "created": _when(a.credential.created), "created_estimated": a.credential.estimated,
                        "expires": _when(a.credential.expires),
                        "next_rotation": _when(a.credential.next_rotation), "rotation": a.credential.rotation,
                        "days_left": a.days_left, "warnings": list(a.warnings),
                    }
                    for a in items
                ],
                "orphans": [{"label": o.label, **o.as_dict()} for o in missing.get(stack, [])],
            }
            for stack, items in report.items()
        ],
    }


def render_table(document: dict) -> str:
    header = ("STACK", "CREDENTIAL", "ADDRESS", "CREATED", "EXPIRES", "NEXT ROTATION", "DAYS LEFT")
    rows, notes = [header], []
    for stack in document["stacks"]:
        if not stack["deployed"]:
            notes.append(f"note: {stack['name']}: its state is empty (not deployed yet?)")
        elif not stack["credentials"]:
            notes.append(f"note: {stack['name']}: no stored credential in its state (OIDC federation?)")
        for c in stack["credentials"]:
            mark = "~" if c["created_estimated"] else ""
            rows.append((stack["name"], c["kind"], c["address"], mark + (c["created"] or "-")[:10],
                         mark + (c["expires"] or "-")[:10], (c["next_rotation"] or "-")[:10],
                         "-" if c["days_left"] is None else str(c["days_left"])))
            notes.extend(f"warning: {stack['name']} {c['address']}: {w}" for w in c["warnings"])
        notes.extend(f"warning: {stack['name']} {o['label']}: {o['message']}" for o in stack.get("orphans", []))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    lines += notes
    if any(c["created_estimated"] for stack in document["stacks"] for c in stack["credentials"]):
        lines.append("~ estimated from the token's rotation schedule (state keeps no creation time for workspace "
                     "tokens); the token may be older if the schedule was re-created without it (check MLOPS010)")
    lines.append(f"as of {document['as_of']} ({document['clock']} clock); warning window "
                 f"{document['warning_days']} days; {document['warnings']} warning(s)")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    config = config_of(args)
    names = selected_environments(config, args.stacks)
    given_now = _now(args.now) if args.now else None  # a bad --now fails before any slow step
    now, clock = datetime.now(timezone.utc), "system"
    if args.rehearsal:
        with shared(rehearsal_dir(args.rehearsal_dir), "status"):  # not while a rehearse or rotate rewrites it
            states, now, clock = rehearsal_states(names, rehearsal_dir(args.rehearsal_dir))
    elif args.from_json:
        states = _from_json_files(args.from_json, Path(args.outdir), [e.name for e in config.environments], args.stacks)
    else:
        states = _from_deployed_stacks(names, Path(args.outdir))
    if given_now is not None:
        now, clock = given_now, "given"
    warning_days = config.checks.expiry_warning_days
    where = (rehearsal_dir(args.rehearsal_dir) / "work") if args.rehearsal else (Path(args.outdir) / "stacks")
    orphans = {state.name: unrecorded(state, where / state.name) + unwritten_secrets(state, where / state.name)
               for state in states}
    if args.live:
        hosts = {env.name: env.workspace_host for env in config.environments}
        for state in states:
            api = (rehearsal_workspace_api(args.rehearsal_dir, hosts[state.name]) if args.rehearsal
                   else HttpWorkspaceApi(hosts[state.name], os.environ))
            with step(f"listing the tokens and OAuth secrets of {state.name}'s service principal"):
                orphans[state.name] += untracked_credentials(state, api)
    document = as_json(states, assessments(states, now, warning_days), now, clock, warning_days, orphans)
    print(json.dumps(document, indent=2) if args.json else render_table(document))
    return EXIT_CHECKS_FAILED if args.fail_on_warning and document["warnings"] else EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "status", help="show every credential's created, expiry and next-rotation dates, and days left",
        description="Read each stack's state (`terraform show -json`) and list its workspace tokens, OAuth "
                    "secrets and rotation schedules. Warns when one expires before its next rotation or "
                    "within checks.expiry_warning_days, and names each secret scope configured but not in a "
                    "deployed state with the `terraform import` that adopts it; with --live, each workspace token "
                    "or OAuth secret of the service principal that no state holds, with the command that revokes "
                    "it. Exit 0 (1 with --fail-on-warning and a warning).",
    )
    add_config_option(parser)
    parser.add_argument("stacks", nargs="*", metavar="STACK", help="stacks to show (default: every environment)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--rehearsal", action="store_true", help="read the last offline rehearsal's state (`make rehearse`) on its emulated clock")
    source.add_argument("--from-json", action="append", metavar="STACK=PATH", help="read saved `terraform show -json` output instead of running terraform (repeatable)")
    add_rehearsal_dir_option(parser)
    parser.add_argument("--outdir", default=DEFAULT_OUTDIR, help=f"where the stacks were synthesized (default: {DEFAULT_OUTDIR})")
    parser.add_argument("--now", help="evaluate as of this ISO-8601 time (default: now; with --rehearsal: the emulated clock)")
    parser.add_argument("--json", action="store_true", help="print JSON (for machines) instead of a table")
    parser.add_argument("--live", action="store_true", help="also list the service principal's workspace tokens and "
                        "OAuth secrets through the workspace API (as the deployer: DATABRICKS_*) and name those no "
                        "state holds, with the command that revokes each")
    parser.add_argument("--fail-on-warning", action="store_true", help="exit 1 when any credential has a warning (for scheduled CI)")
    parser.set_defaults(handler=run)
