"""MLOPS015: no stack's project directory lies inside another stack's on the same workspace.

Workspace objects inherit their folder's permissions: the service principal of the stack that owns the outer
folder gets CAN_MANAGE on everything inside it, the other stack's directory included (staging's SP would
manage prod's code). An error when either stack is production, a warning otherwise. One directory written
by two stacks is MLOPS012.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from .identities import lies_within, workspace_host, workspace_path
from .model import Issue, Stack, Synthesis
from ..synthesized import resources
from .terraform_json import literal


@dataclass(frozen=True)
class _Directory:
    stack: Stack
    address: str
    host: str
    path: str
    """As written (for messages)."""
    resolved: str
    """As the workspace resolves it (for comparing)."""


def _directories(synthesis: Synthesis) -> list[_Directory]:
    found = []
    for stack in synthesis.stacks:
        for address, body in resources(stack.document, "databricks_directory"):
            path, host = literal(body.get("path")), workspace_host(stack.document, body)
            if path is not None and host is not None:
                found.append(_Directory(stack, address, host, path, workspace_path(path)))
    return found


def nested_directories(synthesis: Synthesis) -> Iterator[Issue]:
    directories = _directories(synthesis)
    for outer in directories:
        for inner in directories:
            if (inner.stack.name == outer.stack.name or inner.host != outer.host or inner.resolved == outer.resolved
                    or not lies_within(inner.resolved, outer.resolved)):
                continue
            severity = "error" if outer.stack.is_production or inner.stack.is_production else "warning"
            harm = (f"{inner.stack.name}'s project_directory {inner.path!r} lies inside {outer.stack.name}'s "
                    f"{outer.path!r} on workspace {inner.host}: objects inherit their folder's permissions, so "
                    f"{outer.stack.name}'s service principal can manage {inner.stack.name}'s directory and "
                    "everything in it")
            fix = (f"give {inner.stack.name} and {outer.stack.name} sibling directories (e.g. "
                   f"/Shared/<project>/{outer.stack.name} and /Shared/<project>/{inner.stack.name}), neither "
                   "inside the other: project_directory in [[environments]]")
            for side in (outer, inner):  # each stack can suppress its side
                yield Issue(side.stack.name, harm, fix, side.address, severity)
