"""MLOPS012: no two stacks own one named object.

Two stacks writing one GitHub environment, one repository secret or variable, or one directory, secret
scope or service principal name on one workspace overwrite each other on every apply (a staging re-plan
strips prod's reviewers). Compared by the names the stacks really write, not by environment names.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Iterator

from .identities import github_repository, workspace_host, workspace_path
from .model import Issue, Synthesis
from ..synthesized import resources
from .terraform_json import literal


Place = tuple[str, str]
"""(identity, how to say it) of the place an object lives in: a workspace host or a GitHub repository."""


@dataclass(frozen=True)
class Kind:
    """One kind of named object: where its name lives, how it is compared, and how to tell stacks apart."""

    resource: str
    attribute: str
    what: str
    harm: str
    fix: str
    place: Callable[[dict, dict], Place | None]
    """None when the place is not known at synth."""
    same: Callable[[str], str] = str
    """The name as the service compares it."""


def _workspace(document: dict, body: dict) -> Place | None:
    host = workspace_host(document, body)
    return (f"databricks {host}", f"on workspace {host}") if host else None


def _repository(document: dict, body: dict) -> Place | None:
    repository = github_repository(document, body)
    return (f"github {repository[0]}", f"in {repository[1]}") if repository else None


KINDS = (
    Kind("github_repository_environment", "environment", "GitHub environment",
         "each apply sets its reviewers and protection rules to that stack's, and destroying either stack "
         "deletes it for both",
         "give each environment its own GitHub environment: [environments.github_environment] name "
         "(default: the environment's name)", _repository, str.casefold),
    Kind("github_actions_secret", "secret_name", "repository secret",
         "each apply overwrites the other's value, and destroying either stack deletes it for both",
         "let one stack write it: secret_placement = \"environment\" for the others, or "
         "github.shared_secrets_stack for shared secrets; or, where two projects share the repository, give the "
         "others' another name ([environments.github_names])", _repository, str.casefold),
    Kind("github_actions_variable", "variable_name", "repository variable",
         "each apply overwrites the other's value, and destroying either stack deletes it for both",
         "let one stack write it: secret_placement = \"environment\" for the others; or, where two projects share "
         "the repository, give the others' another name ([environments.github_names])", _repository, str.casefold),
    Kind("databricks_directory", "path", "workspace directory",
         "each apply replaces the other's directory permissions (the list is authoritative), and destroying "
         "either stack removes every direct grant on it",
         "give each environment on this workspace its own project_directory", _workspace, workspace_path),
    Kind("databricks_secret_scope", "name", "secret scope",
         "scope names are unique in a workspace: the second stack cannot create it, or overwrites the first's "
         "secrets",
         "give each environment on this workspace its own scope name (scopes are named "
         "<env>-<project>-cd-credentials)", _workspace, str.casefold),
    Kind("databricks_service_principal", "display_name", "service principal display name",
         "two service principals of one name cannot be told apart in the workspace, its audit logs or a "
         "lookup by display name",
         "give each environment on this workspace its own service_principal_name", _workspace),
)


@dataclass(frozen=True)
class Owner:
    stack: str
    address: str
    name: str
    where: str


def _owners(synthesis: Synthesis, kind: Kind) -> dict[tuple[str, str], list[Owner]]:
    found: dict[tuple[str, str], list[Owner]] = defaultdict(list)
    for stack in synthesis.stacks:
        for address, body in resources(stack.document, kind.resource):
            name, place = literal(body.get(kind.attribute)), kind.place(stack.document, body)
            if name is not None and place is not None:
                found[(place[0], kind.same(name))].append(Owner(stack.name, address, name, place[1]))
    return found


def shared_objects(synthesis: Synthesis) -> Iterator[Issue]:
    for kind in KINDS:
        for owners in _owners(synthesis, kind).values():
            if len(owners) < 2:
                continue
            for owner in owners:
                others = ", ".join(f"{o.stack} ({o.address})" for o in owners if o is not owner)
                yield Issue(
                    owner.stack,
                    f"{kind.what} {owner.name!r} ({owner.where}) is also written by {others}: {kind.harm}",
                    f"{kind.fix} (stack {owner.stack})",
                    owner.address,
                )
