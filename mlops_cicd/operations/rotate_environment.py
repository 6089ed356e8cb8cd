"""Rotate one environment's credentials now, in its deployed stack or in the last rehearsal (rotation.py does
the plan and apply). The deployed stack is synthesized from the configuration first and applied whole, so it
must match the configuration, pass the checks, and have its deploy variables; if anything fails, the output
directory is left as it was."""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from ..config import Config
from ..fleet import Fleet
from ..errors import UserError
from ..locks import claim, exclusive
from ..synthesized import STACK_FILE, required_variables, stack_dir
from .rotation import Change, rotate, rotation_targets
from .synthesis import synthesized_aside
from .terraform import initialized, terraform

NOTHING_TO_ROTATE = "its credential_mode stores no credential to replace (oidc: GitHub OIDC federation, nothing expires)"


@dataclass(frozen=True)
class Rotation:
    environment: str
    rehearsal: bool
    changes: tuple[Change, ...] = field(default=())
    reason: str | None = None
    """Why nothing was rotated (None when it was)."""

    @property
    def rotated(self) -> bool:
        return self.reason is None

    def as_dict(self) -> dict:
        found = {"stack": self.environment, "rehearsal": self.rehearsal, "rotated": self.rotated,
                 "changes": [{"address": c.address, "actions": list(c.actions)} for c in self.changes]}
        return found if self.rotated else {**found, "reason": self.reason}


def missing_variables(document: dict, environ=os.environ) -> list[str]:
    return [f"TF_VAR_{name}" for name in required_variables(document) if f"TF_VAR_{name}" not in environ]


@contextlib.contextmanager
def _in_place_unless_failed(path: Path, text: str) -> Iterator[None]:
    """`path` holds `text` while the block runs, and keeps it only if the block succeeds."""
    before = path.read_bytes() if path.exists() else None
    path.write_text(text)
    try:
        yield
    except BaseException:
        if before is None:
            path.unlink(missing_ok=True)
        else:
            path.write_bytes(before)
        raise


def _state_in_place(config: Config, output: Path) -> None:
    """Raise unless each local state is this configuration file's and where the stack reads it: synth's
    rules (`local_state.plan`), without moving anything."""
    from ..local_state import plan

    pending = plan(config, output, sweep=False).moves  # raises on a state recorded as another configuration file's
    if pending:
        move = pending[0]
        raise UserError(f"the state of {move.environment} is still at {move.source} ({move.where}); the stack "
                        f"now reads {move.target}, so an apply would start from no state",
                        "run `mlops-cicd synth` (or `cdktf synth`) first: it moves the state; then rotate")


def rotate_deployed(config: Config, name: str, output: Path, fleet: Fleet) -> Rotation:
    with exclusive(output, "rotate"):  # as synth: alone on the output directory, on this config's stacks
        claim(output, config, "stacks")
        directory = stack_dir(output, name)
        if not initialized(directory):
            raise UserError(f"{directory} has not been initialized: {name} was never deployed from here",
                            f"deploy it first (`cdktf deploy {name}`); to try rotation offline use --rehearsal")
        _state_in_place(config, output)
        # The stack must match the config and pass the checks to be applied: those of the whole fleet, as synth runs
        # them (the checks comparing stacks compare every project's; each project's suppressions its own stacks).
        document = synthesized_aside(fleet, str(fleet.owner_file), enforce_checks=True)[name]
        targets = rotation_targets(document)
        if not targets:
            return Rotation(name, False, reason=NOTHING_TO_ROTATE)
        missing = missing_variables(document)
        if missing:
            raise UserError(f"{', '.join(missing)} not set: the rotation applies the whole stack",
                            "export them as for `cdktf deploy` (see README, deploy variables); "
                            f"`mlops-cicd preflight {name}` lists everything a deploy needs")
        with _in_place_unless_failed(directory / STACK_FILE, json.dumps(document, indent=2)):
            changes = rotate(name, targets, directory, lambda args, fix: terraform(directory, args, fix=fix))
        return Rotation(name, False, tuple(changes))


def rotate_rehearsed(config: Config, name: str, rehearsal_dir: Path) -> Rotation:
    from .rehearsal import RehearsedStack  # the emulator is an extra: loaded only for a rehearsal

    with exclusive(rehearsal_dir, "rotate"):  # a rehearse starting now would wipe the world under the apply
        claim(rehearsal_dir, config, "rehearsal")
        with RehearsedStack(rehearsal_dir, name) as stack:
            targets = rotation_targets(stack.document)
            if not targets:
                return Rotation(name, True, reason=NOTHING_TO_ROTATE)
            return Rotation(name, True, tuple(rotate(name, targets, stack.stack.work_dir, stack.terraform)))


def rotate_environment(config: Config, name: str, *, output: Path, rehearsal_dir: Path | None,
                       fleet: Fleet | None = None) -> Rotation:
    """Replace the credentials of stack `name` of `config` now (in the rehearsal when `rehearsal_dir` is given);
    `fleet`: every project the configuration file describes (default: `config` alone), checked together."""
    if config.environment_of_stack(name).credential_mode == "oidc":
        return Rotation(name, rehearsal_dir is not None, reason=NOTHING_TO_ROTATE)
    if rehearsal_dir is not None:
        return rotate_rehearsed(config, name, rehearsal_dir)
    return rotate_deployed(config, name, output, fleet or Fleet.of(config))
