"""Replace one stack's credentials now, in two applies.

Why not one: the stack has a Databricks provider that authenticates *as the SP* with the credential being
replaced. In a plan that replaces it, that provider's token / client_secret is unknown; provider 1.99.0
treats an unknown attribute as unset and the Databricks SDK fills it from the deployer's environment
(DATABRICKS_TOKEN, DATABRICKS_CLIENT_SECRET). Resources under that provider are then refreshed as the
deployer (pat: the SP's git credential is not found and is re-created) or fail to authenticate (oauth:
the SP's client_id with no or the wrong secret: the plan fails).

1. `apply -target=` the credential, its schedule and the `time_static` copying it, and every copy that
   is not managed through the SP's own provider (GitHub secrets/variables), with `-replace=` on the
   credential and its schedule (naming the credential too matters: a schedule that already came due is
   planned as a create, which `replace_triggered_by` ignores). Resources under the SP provider are neither
   targeted nor refreshed, so that provider is not configured at all. Credentials are
   create_before_destroy: the old one is deleted only after the new one and its copies are stored.
2. A full `apply`, now with the new credential known: the SP provider authenticates as the SP."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from ..checks.schedules import credentials
from ..checks.terraform_json import all_resources, references, resources
from .errors import UserError
from .progress import step

PLAN_FILE = "mlops-cicd-rotate.tfplan"
Terraform = Callable[[Sequence[str], str], str]
"""Runs `terraform <args>` in the stack's directory and returns stdout; raises UserError(fix) on failure."""

PHASES = {1: "credential", 2: "converge"}


@dataclass(frozen=True)
class Change:
    address: str
    actions: tuple[str, ...]
    phase: int = 1

    @property
    def description(self) -> str:
        return {
            ("create", "delete"): "replaced: new one stored before the old one was deleted",
            ("delete", "create"): "replaced",
            ("update",): "updated in place",
            ("create",): "created",
            ("delete",): "deleted",
        }.get(self.actions, "/".join(self.actions))


def _address(reference: str) -> str:
    return ".".join(reference.split(".")[:2])


def _providers_using(document: dict, addresses: set[str]) -> set[str]:
    """`type.alias` of every aliased provider configured with one of these resources' attributes."""
    found = set()
    for kind, configs in (document.get("provider") or {}).items():
        for config in configs if isinstance(configs, list) else [configs]:
            alias = (config or {}).get("alias")
            if alias and {_address(r) for r in references(config)} & addresses:
                found.add(f"{kind}.{alias}")
    return found


@dataclass(frozen=True)
class Targets:
    replace: list[str]
    """Credentials on a rotation schedule, then the schedules."""
    target: list[str]
    """What phase 1 applies: those, the time_static copies of the schedules, and every copy of a credential
    not managed through a provider that authenticates with it."""


def rotation_targets(document: dict) -> Targets:
    rotating = {address: bound.schedules for _, address, _, bound in credentials(document) if bound.schedules}
    schedules = set().union(*rotating.values()) if rotating else set()
    statics = {address for address, body in resources(document, "time_static")
               if {_address(r) for r in references(body)} & schedules}
    as_credential = _providers_using(document, set(rotating))
    copies = {address for address, body in all_resources(document)
              if address not in rotating and body.get("provider") not in as_credential
              and {_address(r) for r in references({k: v for k, v in body.items() if k != "lifecycle"})} & set(rotating)}
    replace = sorted(rotating) + sorted(schedules)
    return Targets(replace, replace + sorted(statics) + sorted(copies))


def planned_changes(plan: dict, phase: int = 1) -> list[Change]:
    changes = []
    for change in plan.get("resource_changes") or []:
        actions = tuple(change.get("change", {}).get("actions") or ())
        if actions not in ((), ("no-op",), ("read",)):
            changes.append(Change(change["address"], actions, phase))
    return changes


def _plan_and_apply(terraform: Terraform, directory: Path, args: list[str], fix: str, phase: int,
                    planning: str, applying: str) -> list[Change]:
    try:
        with step(planning):
            terraform(["plan", "-input=false", "-no-color", f"-out={PLAN_FILE}", *args], fix)
            changes = planned_changes(json.loads(terraform(["show", "-json", "-no-color", PLAN_FILE], fix)), phase)
        if changes:
            with step(applying.format(n=len(changes))):
                terraform(["apply", "-input=false", "-no-color", PLAN_FILE], fix)
    finally:
        # A saved plan holds the new values in plain text.
        (directory / PLAN_FILE).unlink(missing_ok=True)
    return changes


def rotate(name: str, document: dict, directory: Path, terraform: Terraform) -> list[Change]:
    targets = rotation_targets(document)
    if not targets.replace:
        raise UserError(f"stack {name} has no rotating credential (OIDC federation stores no secret)",
                        "nothing to rotate; check credential_mode in the config")
    first = _plan_and_apply(
        terraform, directory,
        [*(f"-target={t}" for t in targets.target), *(f"-replace={r}" for r in targets.replace)],
        f"remove the cause named above and run `mlops-cicd rotate {name}` again (a failed plan changed nothing; "
        "after a failed apply, the next rotation finishes the replacement)",
        1, f"phase 1: planning the new credential of {name} ({', '.join(targets.target)})",
        f"phase 1: applying the new credential of {name} and its copies: {{n}} change(s)",
    )
    second = _plan_and_apply(
        terraform, directory, [],
        f"the new credential of {name} and its GitHub copies are in place; remove the cause named above and "
        f"finish with a plain apply (`cdktf deploy {name}`), which now authenticates as the SP with it",
        2, f"phase 2: planning the rest of {name} with the new credential",
        f"phase 2: applying the rest of {name}: {{n}} change(s)",
    )
    return first + second
