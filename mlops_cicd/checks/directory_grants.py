"""MLOPS014: the user said which direct grants on the project directory stay.

The directory may already exist with teammates' direct grants; `databricks_permissions` on it is
authoritative, so the first apply silently removes every direct grant it does not list. Unset
`project_directory_grants` means nobody decided: an error, until the grants to keep (or `[]`) are written.
"""

from __future__ import annotations

from typing import Iterator

from .model import Issue, Stack
from ..synthesized import resources


def directory_grants_decided(stack: Stack) -> Iterator[Issue]:
    if stack.env is None or stack.env.project_directory_grants is not None:
        return
    for address, body in resources(stack.document, "databricks_permissions"):
        if body.get("directory_path") is not None:
            yield Issue(
                stack.name,
                f"{address} sets the whole permission list of project_directory "
                f"{stack.env.project_directory!r}: if the folder already exists, every direct grant "
                "teammates have on it that is not listed is removed on apply",
                "say which direct grants stay: project_directory_grants = [{ principal = "
                "\"group:<name>\", level = \"CAN_EDIT\" }] (levels CAN_READ, CAN_RUN, CAN_EDIT, CAN_MANAGE) "
                f"in [[environments]] {stack.name}, or project_directory_grants = [] if none must stay",
                address,
            )
