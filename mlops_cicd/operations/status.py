"""What `mlops-cicd status` reports: every credential of every stack from its state (deployed, saved
`terraform show -json` output, or the last rehearsal), with days left, warnings and the objects no state holds,
as one JSON-ready document (the command only prints it)."""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from ..config import Config, LocalBackend
from ..fleet import Fleet, StackRef, by_project
from ..errors import usage_error
from ..locks import shared
from ..state_paths import local_state_path
from ..synthesized import STACK_FILE, stack_dir, stack_document
from .credential_health import Assessment, assess
from .credential_state import StackState, credentials_in_state, parse_iso, state_resources
from .progress import track
from .synthesis import selected_environments
from .terraform import initialized, show_state
from .unrecorded import unrecorded
from .untracked_credentials import untracked_credentials
from .unwritten_secrets import unwritten_secrets
from .workspace_api import HttpWorkspaceApi

SAVE_STATE = "save it with `terraform -chdir=<output>/stacks/<stack> show -json > <stack>-state.json`"


@dataclass(frozen=True)
class Source:
    """Where the states come from: the deployed stacks under `output` (default), saved `terraform show -json`
    files (`from_json`, STACK=PATH each), or the last rehearsal under `rehearsal_dir`."""

    output: Path
    from_json: tuple[str, ...] = ()
    rehearsal_dir: Path | None = None


def parse_now(text: str) -> datetime:
    try:
        return parse_iso(text)
    except ValueError:
        raise usage_error(f"--now {text} is not an ISO-8601 time", "e.g. --now 2026-03-01T00:00:00Z") from None


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


def read_show_json(option: str, path: Path) -> dict:
    """Saved `terraform show -json` output; anything else is a usage error naming `option`."""
    def bad(why: str):
        return usage_error(f"{option}: {path} {why}", SAVE_STATE)

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


def from_json_pair(pair: str, known: list[str], kind: str = "environment") -> tuple[str, str]:
    """(stack, path) of a `--from-json` value naming one of `known` (stacks, called `kind` in messages)."""
    stack, sep, path = pair.partition("=")
    option = f"--from-json {pair}"
    if not sep or not stack or not path:
        example = "prod" if kind == "environment" else "proj-a-prod"
        raise usage_error(f"{option} is not {'ENV' if kind == 'environment' else 'STACK'}=PATH",
                          f"e.g. --from-json {example}=prod-state.json")
    if stack not in known:
        raise usage_error(f"{option}: {stack} is not a configured {kind}", f"use one of: {', '.join(known)}")
    return stack, path


def saved_states(pairs: tuple[str, ...], output: Path, known: list[str], requested: list[str]) -> list[StackState]:
    states = []
    for pair in pairs:
        stack, path = from_json_pair(pair, known)
        option = f"--from-json {pair}"
        if any(state.name == stack for state in states):
            raise usage_error(f"{option}: {stack} is given twice", "give one --from-json per environment")
        states.append(StackState(stack, read_show_json(option, Path(path)), stack_document(output, stack)))
    if requested and set(requested) != {state.name for state in states}:
        raise usage_error(f"ENV arguments ({' '.join(requested)}) and the --from-json environments differ",
                          "name the environments once: leave out the ENV arguments with --from-json")
    return states


@dataclass(frozen=True)
class Unread:
    """A stack whose state may exist but cannot be read from here: terraform was not initialized in its
    directory (a fresh checkout, a removed output directory), and only `terraform init` reaches the backend."""

    message: str
    fix: str


def _unread(config: Config, name: str, directory: Path) -> Unread | None:
    """Why the state of stack `name`, whose directory was not initialized, cannot be read; None when it is known
    not to exist: a local backend without its state file. Any other backend may hold one (remote state)."""
    env = config.environment_of_stack(name)
    backend = env.backend
    if isinstance(backend, LocalBackend):
        state_file = local_state_path(config.directory, config.project.name, env.name, backend.path)
        if not state_file.exists():
            return None
        where = f"its local state {state_file} exists"
    else:
        where = f"its {backend.type} backend may hold a state"
    synth_first = "" if (directory / STACK_FILE).is_file() else "`mlops-cicd synth`, then "
    return Unread(f"{name}: {where}, but {directory} was not initialized here (terraform init), so it cannot be read",
                  f"{synth_first}`terraform -chdir={directory} init` (or `cdktf deploy {name}`), then run status again")


def deployed_states(config: Config, names: list[str], output: Path) -> tuple[list[StackState], dict[str, Unread]]:
    """Each stack's state, and the stacks whose state could not be read here (`Unread`, an empty state meanwhile);
    a stack known to have no state has an empty one (not deployed)."""
    states, unread = [], {}
    for name in track(names, "reading the state (terraform show -json)"):
        directory = stack_dir(output, name)
        if initialized(directory):
            show = show_state(directory)
        elif (why := _unread(config, name, directory)) is not None:
            show, unread[name] = {}, why
        else:
            show = {}
        states.append(StackState(name, show, stack_document(output, name)))
    return states, unread


def assessments(states: list[StackState], now: datetime, warning_days: int) -> dict[str, list[Assessment]]:
    return {
        state.name: [assess(c, now, warning_days) for c in credentials_in_state(state.name, state.show, state.document)]
        for state in states
    }


def _when(moment: datetime | None) -> str | None:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def as_json(states: list[StackState], report: dict[str, list[Assessment]], now: datetime, clock: str,
            warning_days: int, orphans: dict[str, list] | None = None, unread: dict[str, Unread] | None = None) -> dict:
    """`orphans`: per stack, objects no state holds (unrecorded.py, untracked_credentials.py), each a warning;
    `unread`: stacks whose state could not be read here (`deployed` null: not known, `unread` says why)."""
    unread = unread or {}
    deployed = {state.name: None if state.name in unread else any(True for _ in state_resources(state.show))
                for state in states}
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
                "unread": {"message": unread[stack].message, "fix": unread[stack].fix} if stack in unread else None,
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


def status(config: Config, requested: list[str], source: Source, *, now: datetime | None = None,
           live: bool = False, rehearsal_pool=None) -> dict:
    """The status document (see `as_json`) of the environments `requested` (default: all); `now` overrides the
    clock (default: the system's, or the rehearsal's emulated one); `live` also asks the workspace API for
    credentials no state holds; `rehearsal_pool`: running stand-ins to read a rehearsal's states with."""
    names = selected_environments(config, requested)
    clock_now, clock, unread = datetime.now(timezone.utc), "system", {}
    if source.rehearsal_dir is not None:
        from .rehearsal import rehearsal_states  # the emulator is an extra: loaded only for a rehearsal

        with shared(source.rehearsal_dir, "status"):  # not while a rehearse or rotate rewrites it
            states, clock_now = rehearsal_states(names, source.rehearsal_dir, rehearsal_pool)
        clock, where = "emulated", source.rehearsal_dir / "work"
    elif source.from_json:
        states = saved_states(source.from_json, source.output, config.stack_names, requested)
        where = source.output / "stacks"
    else:
        (states, unread), where = deployed_states(config, names, source.output), source.output / "stacks"
    if now is not None:
        clock_now, clock = now, "given"
    orphans = {state.name: unrecorded(state, where / state.name) + unwritten_secrets(state, where / state.name)
               for state in states}
    if live:
        for state in track(states, "listing the service principal's tokens and OAuth secrets", lambda s: s.name):
            orphans[state.name] += untracked_credentials(state, _workspace_api(config, state.name, source))
    warning_days = config.checks.expiry_warning_days
    return as_json(states, assessments(states, clock_now, warning_days), clock_now, clock, warning_days, orphans,
                   unread)


def fleet_status(fleet: Fleet, stacks: list[StackRef], source: Source, *, now: datetime | None = None,
                 live: bool = False) -> dict:
    """The status document of `stacks` (`Fleet.select`), project by project; in a platform repository each stack
    names its `project`, and the stacks come soonest-expiring first (`days_left` of their nearest credential; a
    stack without one last). `warning_days` is each project's own window; the document's is the widest."""
    if fleet.platform:  # each STACK=PATH names a stack of the fleet; each project then reads its own pairs
        for pair in source.from_json:
            from_json_pair(pair, fleet.stack_names, "stack")
    documents = []
    with contextlib.ExitStack() as running:
        pool = None
        if source.rehearsal_dir is not None and len(stacks) > 1:  # one pool for every stack of every project
            from .rehearsal import rehearsal_pool

            pool = running.enter_context(rehearsal_pool(source.rehearsal_dir))
        for project, names in by_project(stacks):
            own = source
            if fleet.platform and source.from_json:  # each project reads the saved states of its own stacks only
                own = replace(source, from_json=tuple(p for p in source.from_json
                                                      if p.partition("=")[0] in project.stack_names))
                if not own.from_json:
                    continue
            # A project with all its stacks selected asks for none in particular (with --from-json: those given).
            documents.append((project, status(project, [] if names == project.stack_names else names, own, now=now,
                                              live=live, rehearsal_pool=pool)))
    if not documents:
        raise usage_error("no stack selected", "leave out the filters, or name a configured stack")
    merged = {**documents[0][1], "stacks": [], "warnings": 0,
              "warning_days": max(document["warning_days"] for _, document in documents)}
    for project, document in documents:
        merged["warnings"] += document["warnings"]
        for stack in document["stacks"]:
            merged["stacks"].append({**stack, "project": project.project.name,
                                     "warning_days": document["warning_days"]} if fleet.platform else stack)
    if fleet.platform:
        merged["stacks"].sort(key=_soonest)
    return merged


def _soonest(stack: dict) -> tuple[bool, int]:
    left = [c["days_left"] for c in stack["credentials"] if c["days_left"] is not None]
    return (not left, min(left, default=0))


def within(document: dict, days: int) -> list[tuple[str, str, int]]:
    """(stack, address, days left) of every credential that expires within `days` days (`--fail-within`); a
    rotation schedule does not expire (its days left count to its next rotation, which is no fault)."""
    return [(stack["name"], c["address"], c["days_left"]) for stack in document["stacks"] for c in stack["credentials"]
            if c["expires"] is not None and c["days_left"] is not None and c["days_left"] <= days]


def _workspace_api(config: Config, name: str, source: Source):
    host = config.environment_of_stack(name).workspace_host
    if source.rehearsal_dir is not None:
        from .rehearsal import rehearsal_workspace_api

        return rehearsal_workspace_api(source.rehearsal_dir, host)
    return HttpWorkspaceApi(host, os.environ)
