"""The offline rehearsal: running it (synthesize, then every stack through terraform against the emulator), and
the last one as the other commands use it (its stacks' work dirs, state against the emulated world, and the
world's emulated clock). The emulator is the `[offline]` extra, reached only through `mlops_cicd.emulator`."""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Sequence

from ..config import Config
from ..fleet import Fleet
from ..emulator import DEFAULT_REHEARSAL_DIR, load
from ..errors import UserError
from ..locks import claim, exclusive, record_owner
from .credential_state import StackState
from .progress import counted, track
from .synthesis import synthesize, writable_directory
from .terraform import failure_summary

REHEARSAL_DIR_ENV = "MLOPS_CICD_REHEARSAL_DIR"


def rehearsal_dir(explicit: str | Path | None = None) -> Path:
    return Path(explicit or os.environ.get(REHEARSAL_DIR_ENV) or DEFAULT_REHEARSAL_DIR)


def rehearse(config: Config | Fleet, source: str, names: list[str], *, output: str | Path | None, rehearsal: Path,
             echo: Callable[[str], None], jobs: int = 1) -> dict:
    """Synthesize (checks enforced) into `output`, then rehearse the stacks `names` in `rehearsal`, `jobs` at a
    time; `echo` gets each stack's report as it finishes. Returns {"ok", "rehearsal_dir", "stacks": [per-stack
    steps, in the order of `names`]}."""
    run_stacks = load("harness.rehearse").rehearse  # before any work: without the extra, say so at once
    out = writable_directory(rehearsal, "--rehearsal-dir")
    with exclusive(out, "rehearse"):  # two rehearsals at once would share, and corrupt, one emulated world
        claim(out, config, "rehearsal")
        synthesized = synthesize(config, source, output)
        record_owner(out, config)
        message = "rehearsing offline: init, validate, plan, apply, re-plan" + (f" ({jobs} at a time)" if jobs > 1 else "")
        with counted(len(names), message) as begin:
            pending = iter(names)
            begin(next(pending))

            def finished(text: str) -> None:
                echo(text)
                if (following := next(pending, None)) is not None:
                    begin(following)

            reports = run_stacks(synthesized / "stacks", out, names, echo=finished, jobs=jobs)
    return {"ok": all(report.ok for report in reports), "rehearsal_dir": str(out), "stacks": [asdict(r) for r in reports]}


class RehearsedStack:
    """One stack of the last rehearsal, re-opened on the same emulated world and dummy variables; a context
    manager. Pooled, its terraform commands reattach to stand-ins it runs until the block ends, as the
    rehearsal's do (worth it for several commands; one `show` is faster launching them)."""

    def __init__(self, directory: Path, name: str, pooled: bool = True, pool=None):
        """`pool`: stand-ins already running for several stacks (`rehearsal_pool`), left running at the end."""
        Harness = load("harness.terraform").Harness

        work = directory / "work" / name
        if not (work / "terraform.tfstate").exists():
            raise UserError(f"no rehearsed state for {name} under {directory}",
                            "run `mlops-cicd rehearse` (or `make rehearse`) first")
        harness = Harness(directory / "work", directory / "state")
        self.own_pool = rehearsal_pool(directory) if pooled and pool is None else None
        harness.pool = pool or self.own_pool
        self.stack = harness.prepare(name, work, fresh=False)  # same path and seed: nothing changes
        self.name = name

    def __enter__(self) -> RehearsedStack:
        return self

    def __exit__(self, *exc) -> None:
        if self.own_pool is not None:
            self.own_pool.close()

    @property
    def document(self) -> dict:
        return self.stack.config()

    def terraform(self, args: Sequence[str], fix: str) -> str:
        result = self.stack.run(args[0], *args[1:])
        if result.exit_code != 0:
            raise UserError(f"terraform {args[0]} of rehearsed {self.name} failed: "
                            f"{failure_summary(result.output, result.exit_code)}", fix)
        return result.stdout


def rehearsal_workspace_api(directory: Path, host: str):
    """The emulated workspace API of the last rehearsal (what `status --live` asks in a real workspace)."""
    EmulatedWorkspaceApi = load("world.databricks.workspace_api").EmulatedWorkspaceApi

    return EmulatedWorkspaceApi(directory / "state", host)


def emulated_now(directory: Path) -> datetime:
    store = load("world.store")

    return datetime.fromtimestamp(store.now(store.snapshot(directory / "state")), timezone.utc)


def rehearsal_pool(directory: Path):
    """Stand-ins running for the rehearsal kept in `directory` (pool.py), to reattach several commands to; close it."""
    ProviderPool, ensure_build = load("harness.pool").ProviderPool, load("build.build_dir").ensure_build

    return ProviderPool(ensure_build(None), directory / "state")


def rehearsal_states(names: list[str], directory: Path, pool=None) -> tuple[list[StackState], datetime]:
    """(StackState per stack, the emulated clock's now) for `status --rehearsal`. `pool`: stand-ins already
    running (`rehearsal_pool`, left running), which the caller starts when it reads several stacks (three processes
    instead of three a stack); None lets terraform launch them, faster for one stack's `show`."""
    states = []
    for name in track(names, "reading the rehearsed state (terraform show -json)"):
        with RehearsedStack(directory, name, pooled=False, pool=pool) as stack:
            show = json.loads(stack.terraform(["show", "-json", "-no-color"], fix="rerun `mlops-cicd rehearse`"))
            states.append(StackState(name, show, stack.document))
    return states, emulated_now(directory)
