"""Replace one stack's credentials now: one `terraform apply` with `-replace=` on each credential on a
rotation schedule and on its schedule.

A plain re-deploy rotates a credential once its schedule is due; this is the same apply, made due now.
Replacing the schedule too starts a new rotation period, which renews the stamp the credential carries
(constructs/rotation.py), so the new credential's dates and the next rotation are right in `status`. The
credentials are create_before_destroy: the old one is deleted only after the new one and its copies
(GitHub secrets, written in place) are stored. If the apply fails after the schedule was renewed, the
credential's stamp no longer matches and the next apply, `rotate` or `cdktf deploy`, replaces it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from ..synthesized import credentials
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
    """The addresses to `-replace`: every credential on a rotation schedule, then those schedules."""
    rotating = {address: bound.schedules for _, address, _, bound in credentials(document) if bound.schedules}
    schedules = set().union(*rotating.values()) if rotating else set()
    return sorted(rotating) + sorted(schedules)


def planned_changes(plan: dict) -> list[Change]:
    changes = []
    for change in plan.get("resource_changes") or []:
        actions = tuple(change.get("change", {}).get("actions") or ())
        if actions not in ((), ("no-op",), ("read",)):
            changes.append(Change(change["address"], actions))
    return changes


def rotate(name: str, targets: list[str], directory: Path, terraform: Terraform) -> list[Change]:
    """Plan and apply the replacement of `targets` (see `rotation_targets`, which must not be empty)."""
    fix = (f"remove the cause named above and run `mlops-cicd rotate {name}` again (a failed plan changed nothing; "
           "after a failed apply the old credential is still stored everywhere, and the next apply replaces it)")
    try:
        with step(f"planning the replacement of {', '.join(targets)} in {name}"):
            terraform(["plan", "-input=false", "-no-color", f"-out={PLAN_FILE}", *(f"-replace={t}" for t in targets)], fix)
            changes = planned_changes(json.loads(terraform(["show", "-json", "-no-color", PLAN_FILE], fix)))
        with step(f"applying {len(changes)} change(s) to {name}"):
            terraform(["apply", "-input=false", "-no-color", PLAN_FILE], fix)
    finally:
        # A saved plan holds the new values in plain text.
        (directory / PLAN_FILE).unlink(missing_ok=True)
    return changes
