"""Objects a deployed stack configures but its state lacks, of the types whose import id is a name the stack
chooses: an apply may have created one and lost the answer, and then every deploy fails with
`RESOURCE_ALREADY_EXISTS`. `mlops-cicd status` names each with the `terraform import` that adopts it.

Why a report and no `import` block (as for the service principal, constructs/adoption.py): an import block
must only be present when the object exists, and databricks provider 1.116.0 has no data source that lists
secret scopes (nor does any release up to 1.128.0), so a plan cannot tell an orphan scope from one whose create
failed before the call; an import of a scope that does not exist fails the plan ("Cannot import non-existent
remote object").
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

from ..synthesized import resources
from .credential_state import StackState, state_resources

IMPORT_ID_BY_NAME = {"databricks_secret_scope": "name"}
"""type -> the argument whose value is the import id (secrets/resource_secret_scope.go v1.116.0: Create sets
the id to the scope's name, Read looks the scope up by that id)."""


@dataclass(frozen=True)
class Unrecorded:
    address: str
    import_id: str
    fix: str
    """The exact command that adopts the object into the stack's state."""

    @property
    def label(self) -> str:
        return self.address

    def as_dict(self) -> dict:
        return {"address": self.address, "import_id": self.import_id, "message": self.message, "fix": self.fix}

    @property
    def message(self) -> str:
        return (f"configured but not in state although the stack was applied: if deploying fails with "
                f"RESOURCE_ALREADY_EXISTS for {self.import_id}, an apply created it and lost the answer; adopt "
                f"it: {self.fix}")


def unrecorded(state: StackState, directory: Path) -> list[Unrecorded]:
    """The objects of `state.document` adoptable by name that a non-empty state lacks; `directory` is where
    terraform runs for this stack (its `-chdir`)."""
    recorded = {resource["address"] for resource in state_resources(state.show)}
    if state.document is None or not recorded:
        return []
    found = []
    for tf_type, argument in IMPORT_ID_BY_NAME.items():
        for address, body in sorted(resources(state.document, tf_type)):
            import_id = body.get(argument)
            if address in recorded or not isinstance(import_id, str) or "${" in import_id:
                continue
            fix = f"terraform -chdir={shlex.quote(str(directory))} import {address} {shlex.quote(import_id)}"
            found.append(Unrecorded(address, import_id, fix))
    return found
