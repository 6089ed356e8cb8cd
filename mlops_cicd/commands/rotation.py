"""Replace one stack's credentials now, in one apply: `-replace` each rotating credential and its
schedule (naming the credential too matters: a schedule that already came due is planned as a create,
which `replace_triggered_by` ignores), so every copy (GitHub secret, provider) is rewritten together.
Credentials are create_before_destroy: the old one is deleted only after the new one is stored."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from ..checks.schedules import credentials
from .errors import UserError
from .progress import step

PLAN_FILE = "mlops-cicd-rotate.tfplan"
Terraform = Callable[[Sequence[str], str], str]
"""Runs `terraform <args>` in the stack's directory and returns stdout; raises UserError(fix) on failure."""


@dataclass(frozen=True)
class Change:
    address: str
    actions: tuple[str, ...]

    @property
    def description(self) -> str:
        return {
            ("create", "delete"): "replaced: new one stored before the old one was deleted",
            ("delete", "create"): "replaced",
            ("update",): "updated in place",
            ("create",): "created",
            ("delete",): "deleted",
        }.get(self.actions, "/".join(self.actions))


def rotation_targets(document: dict) -> list[str]:
    """Every credential on a rotation schedule, then the schedules themselves."""
    rotating = [(address, bound.schedules) for _, address, _, bound in credentials(document) if bound.schedules]
    return sorted(a for a, _ in rotating) + sorted(set().union(*(s for _, s in rotating)))


def planned_changes(plan: dict) -> list[Change]:
    changes = []
    for change in plan.get("resource_changes") or []:
        actions = tuple(change.get("change", {}).get("actions") or ())
        if actions not in ((), ("no-op",), ("read",)):
            changes.append(Change(change["address"], actions))
    return changes


def rotate(name: str, document: dict, directory: Path, terraform: Terraform) -> list[Change]:
    targets = rotation_targets(document)
    if not targets:
        raise UserError(f"stack {name} has no rotating credential (OIDC federation stores no secret)",
                        "nothing to rotate; check credential_mode in the config")
    fix = (f"remove the cause named above and run `mlops-cicd rotate {name}` again (a failed plan changed "
           "nothing; after a failed apply, the next apply finishes the replacement)")
    replace = [f"-replace={target}" for target in targets]
    try:
        with step(f"planning the rotation of {name} ({', '.join(targets)})"):
            terraform(["plan", "-input=false", "-no-color", f"-out={PLAN_FILE}", *replace], fix)
            changes = planned_changes(json.loads(terraform(["show", "-json", "-no-color", PLAN_FILE], fix)))
        with step(f"applying the rotation of {name}: {len(changes)} change(s) in one apply"):
            terraform(["apply", "-input=false", "-no-color", PLAN_FILE], fix)
    finally:
        # A saved plan holds the new values in plain text.
        (directory / PLAN_FILE).unlink(missing_ok=True)
    return changes
