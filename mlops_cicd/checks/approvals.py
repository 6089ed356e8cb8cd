"""MLOPS013: an environment that prevents self review always has someone else to approve a deployment.

With `prevent_self_review`, GitHub does not let whoever triggered a deployment approve it. If the only
required reviewer starts the deploy, nobody can approve it (and with `can_admins_bypass = false` not even an
admin can push it through): at least two distinct reviewer users, or a team, are needed.
"""

from __future__ import annotations

import re
from typing import Iterator

from .model import Issue, Stack
from ..synthesized import nested_blocks, resources

_USER_DATA_SOURCE = re.compile(r"^\$\{data\.github_user\.([\w-]+)\.id\}$")


def reviewer_identity(document: dict, entry: object) -> str:
    """Who a `reviewers.users` entry is: the login its `github_user` data source looks up (logins are
    case-insensitive on GitHub), else the entry itself (a numeric user id)."""
    match = _USER_DATA_SOURCE.match(str(entry))
    if match:
        lookup = ((document.get("data") or {}).get("github_user") or {}).get(match.group(1)) or {}
        if isinstance(lookup.get("username"), str):
            return "login " + lookup["username"].casefold()
    return "id " + str(entry).strip()


def approval_deadlock(stack: Stack) -> Iterator[Issue]:
    for address, body in resources(stack.document, "github_repository_environment"):
        if body.get("prevent_self_review") is not True:
            continue
        blocks = nested_blocks(body, "reviewers")
        teams = [team for block in blocks for team in block.get("teams") or []]
        users = {reviewer_identity(stack.document, user) for block in blocks for user in block.get("users") or []}
        # No reviewer at all requires no approval (MLOPS004 asks production for reviewers).
        if teams or len(users) != 1:
            continue
        yield Issue(
            stack.name,
            f"GitHub environment {body.get('environment', '?')!r} ({address}) prevents self review but has "
            "one reviewer: when that reviewer starts a deployment, nobody can approve it",
            "list a second person in [environments.github_environment.reviewers] users, or a team "
            f"(teams = [\"<team slug>\"]), for environment {stack.name}",
            address,
        )
