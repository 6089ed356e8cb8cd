"""MLOPS007: the workspace's token permission object is managed at most once, only on request, and keeps
token use for every other stack on that workspace.

`databricks_permissions` with `authorization = "tokens"` is authoritative for the whole workspace:
every principal it does not list loses token use and has its tokens revoked — another stack's service
principal too, when it uses tokens through its group (`token_usage.mode = "group"`).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterator

from .identities import host_of, workspace_host
from .model import Issue, Stack, Synthesis
from ..synthesized import resources
from .terraform_json import literal


def token_permission(synthesis: Synthesis) -> Iterator[Issue]:
    by_workspace: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for stack in synthesis.stacks:
        for address, body in resources(stack.document, "databricks_permissions"):
            if body.get("authorization") != "tokens":
                continue
            # A host not known at synth (an expression, set per stack at deploy time) is no other stack's.
            workspace = workspace_host(stack.document, body) or f"(the workspace of stack {stack.name})"
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
                    "the others on every apply, revoking the tokens of every principal the last one does not list",
                    "keep one (token_usage mode = \"permission\" in a single environment per workspace: in a "
                    "platform repository, of a single project) and let the others use mode = \"group\"",
                    address,
                )
    yield from other_stacks_keep_token_use(synthesis)


def _listed_groups(body: dict) -> set[str]:
    """The groups a token permission keeps (`access_control` entries with a literal `group_name`)."""
    blocks = body.get("access_control") or []
    return {name for block in blocks if (name := literal(block.get("group_name"))) is not None}


def _group_users(stack: Stack) -> str | None:
    """The group through which `stack`'s service principal uses tokens, if it does so (pat, group mode)."""
    env = stack.env
    if env is None or env.credential_mode != "pat" or env.token_usage.mode != "group":
        return None
    return env.token_usage.group


def other_stacks_keep_token_use(synthesis: Synthesis) -> Iterator[Issue]:
    """A token permission on a workspace must list the group of every other stack that relies on it there."""
    for stack in synthesis.stacks:
        for address, body in resources(stack.document, "databricks_permissions"):
            host = workspace_host(stack.document, body) if body.get("authorization") == "tokens" else None
            if host is None:
                continue
            kept = _listed_groups(body)
            for other in synthesis.stacks:
                group = _group_users(other)
                if other is stack or group is None or group in kept or host_of(other.env.workspace_host) != host:
                    continue
                harm = (f"{address} of stack {stack.name} replaces the whole token permission of workspace {host}, but "
                        f"stack {other.name} on that workspace uses tokens through group {group!r}, which it does not "
                        f"list: the apply revokes {other.name}'s tokens and its CI stops")
                fix = (f"add \"group:{group}\" to [environments.token_usage] keep_can_use in [[environments]] "
                       f"{stack.name}")
                # Reported on both stacks, so that neither one's suppression (in a platform repository: neither
                # project's) silences the harm done to the other.
                yield Issue(stack.name, harm, fix, address)
                yield Issue(other.name, harm, fix, address)
