"""MLOPS007: the workspace's token permission object is managed at most once, and only on request.

`databricks_permissions` with `authorization = "tokens"` is authoritative for the whole workspace:
every principal it does not list loses token use and has its tokens revoked.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterator

from .model import Issue, Synthesis
from .terraform_json import resources, workspace_of


def token_permission(synthesis: Synthesis) -> Iterator[Issue]:
    by_workspace: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for stack in synthesis.stacks:
        for address, body in resources(stack.document, "databricks_permissions"):
            if body.get("authorization") != "tokens":
                continue
            workspace = workspace_of(stack.document, body) or f"(the workspace of stack {stack.name})"
            by_workspace[workspace].append((stack.name, address))
            if stack.env is not None and stack.env.token_usage.mode != "permission":
                yield Issue(
                    stack.name,
                    f"{address} manages the token permission of {workspace}, which is authoritative: every "
                    "principal it does not list loses token use and its tokens are revoked; the config did "
                    "not ask for that",
                    "grant token use through a group that already has it ([environments.token_usage] "
                    "mode = \"group\"), or ask for it explicitly: mode = \"permission\" with keep_can_use",
                    address,
                )
    for workspace, owners in by_workspace.items():
        if len(owners) > 1:
            listed = ", ".join(f"{stack}:{address}" for stack, address in owners)
            for stack, address in owners:
                yield Issue(
                    stack,
                    f"{len(owners)} token permission objects manage {workspace} ({listed}); each overwrites "
                    "the others on every apply",
                    "keep one (token_usage mode = \"permission\" in a single environment per workspace) "
                    "and let the others use mode = \"group\"",
                    address,
                )
