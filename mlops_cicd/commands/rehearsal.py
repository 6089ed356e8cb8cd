"""The last offline rehearsal (`make rehearse` / `mlops-cicd rehearse`), as the other commands use it:
its stacks' work dirs (state against the emulated world) and the world's emulated clock."""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Sequence

from .credential_state import StackState
from .errors import UserError
from .progress import step
from .terraform import failure_summary

REHEARSAL_DIR_ENV = "MLOPS_CICD_REHEARSAL_DIR"


def rehearsal_dir(explicit: str | Path | None = None) -> Path:
    from ..offline.rehearse import DEFAULT_OUT

    return Path(explicit or os.environ.get(REHEARSAL_DIR_ENV) or DEFAULT_OUT)


def add_rehearsal_dir_option(parser) -> None:
    parser.add_argument("--rehearsal-dir", help=f"where rehearsals are kept (default: ${REHEARSAL_DIR_ENV} or build/rehearsal)")


class RehearsedStack:
    """One stack of the last rehearsal, re-opened on the same emulated world and dummy variables."""

    def __init__(self, directory: Path, name: str):
        from ..offline.harness import Harness

        work = directory / "work" / name
        if not (work / "terraform.tfstate").exists():
            raise UserError(f"no rehearsed state for {name} under {directory}",
                            "run `mlops-cicd rehearse` (or `make rehearse`) first")
        harness = Harness(directory / "work", directory / "state")
        self.stack = harness.prepare(name, work, fresh=False)  # same path and seed: nothing changes
        self.name = name

    @property
    def document(self) -> dict:
        return self.stack.config()

    def terraform(self, args: Sequence[str], fix: str) -> str:
        result = self.stack.run(args[0], *args[1:])
        if result.exit_code != 0:
            raise UserError(f"terraform {args[0]} of rehearsed {self.name} failed: "
                            f"{failure_summary(result.output, result.exit_code)}", fix)
        return result.stdout


def rehearsal_workspace_api(explicit_dir: str | Path | None, host: str):
    """The emulated workspace API of the last rehearsal (what `status --live` asks in a real workspace)."""
    from ..offline.workspace_api import EmulatedWorkspaceApi

    return EmulatedWorkspaceApi(rehearsal_dir(explicit_dir) / "state", host)


def emulated_now(directory: Path) -> datetime:
    from ..offline import store

    return datetime.fromtimestamp(store.now(store.snapshot(directory / "state")), timezone.utc)


def rehearsal_states(names: list[str], directory: Path):
    """(StackState per stack, the emulated clock's now, "emulated") for `status --rehearsal`."""
    states = []
    for name in names:
        stack = RehearsedStack(directory, name)
        with step(f"reading the rehearsed state of {name} (terraform show -json)"):
            show = json.loads(stack.terraform(["show", "-json", "-no-color"], fix="rerun `mlops-cicd rehearse`"))
        states.append(StackState(name, show, stack.document))
    return states, emulated_now(directory), "emulated"
