"""What the stacks write to GitHub for workflows to read: each Actions secret and variable (repository-level, or in
which GitHub environment), and which GitHub environments a federation policy trusts (`oidc`). Read from the
synthesized JSON only, for one repository."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Iterator

from ..errors import usage_error
from ..synthesized import nested_blocks, references, resource, resources
from ..workflow_jobs import OIDC_AUTH_TYPE
from .identities import github_repository
from .model import Stack
from .terraform_json import literal

# resource type -> (the workflow context that reads it, the attribute holding its name, environment-level)
_WRITTEN_TYPES = {
    "github_actions_secret": ("secrets", "secret_name", False),
    "github_actions_environment_secret": ("secrets", "secret_name", True),
    "github_actions_variable": ("vars", "variable_name", False),
    "github_actions_environment_variable": ("vars", "variable_name", True),
}
FEDERATION_POLICY = "databricks_service_principal_federation_policy"
# The subject GitHub sends for a job in an environment (constructs/oidc_federation.py github_environment_subject):
# `repo:OWNER/REPO:environment:NAME`, or with `@<id>` after owner and repository (the immutable form).
_ENVIRONMENT_SUBJECT = re.compile(r"repo:([^/@:]+)(?:@\d+)?/([^/@:]+)(?:@\d+)?:environment:(.+)")


@dataclass(frozen=True)
class Written:
    context: str
    """`secrets` or `vars`: how workflows read it."""
    name: str
    environment: str | None
    """The GitHub environment holding it; None: repository-level."""
    stack: str
    address: str
    signs_in: bool = False
    """It names who CI signs in as (the SP's application id) or how (`github-oidc`): a job reading it authenticates."""

    @property
    def key(self) -> str:
        return self.name.upper()


@dataclass(frozen=True)
class OidcEnvironment:
    environment: str
    stack: str
    address: str


def _environment_of(document: dict, body: dict) -> str | None:
    """The GitHub environment an environment-level secret or variable is written to: literal, or read from the
    `github_repository_environment` it references."""
    if (name := literal(body.get("environment"))) is not None:
        return name
    for reference in references(body.get("environment")):
        kind, name, attribute = (reference.split(".") + ["", ""])[:3]
        if kind == "github_repository_environment" and attribute == "environment":
            return literal((resource(document, f"{kind}.{name}") or {}).get("environment"))
    return None


def _signs_in(body: dict) -> bool:
    value = body.get("value", body.get("plaintext_value"))
    return value == OIDC_AUTH_TYPE or any(r.endswith(".application_id") for r in references(value))


def repositories_written(documents: Iterable[dict]) -> list[str]:
    """Every repository (`owner/name`) the stacks `documents` write secrets or variables to, as first written."""
    found: dict[str, str] = {}
    for document in documents:
        for kind in _WRITTEN_TYPES:
            for _, body in resources(document, kind):
                if repository := github_repository(document, body):
                    found.setdefault(repository[1].casefold(), repository[1])
    return list(found.values())


def _for_repository(document: dict, body: dict, repository: str) -> bool:
    written_to = github_repository(document, body)
    return written_to is not None and written_to[1].casefold() == repository.casefold()


def written(stacks: tuple[Stack, ...], repository: str) -> Iterator[Written]:
    """Every secret and variable the stacks write to `repository` whose name (and environment, for an
    environment-level one) is known at synth."""
    for stack in stacks:
        for kind, (context, attribute, environment_level) in _WRITTEN_TYPES.items():
            for address, body in resources(stack.document, kind):
                name = literal(body.get(attribute))
                if name is None or not _for_repository(stack.document, body, repository):
                    continue
                environment = _environment_of(stack.document, body) if environment_level else None
                if environment_level and environment is None:
                    continue
                yield Written(context, name, environment, stack.name, address, _signs_in(body))


def oidc_environments(stacks: tuple[Stack, ...], repository: str) -> Iterator[OidcEnvironment]:
    """The GitHub environments of `repository` whose jobs a federation policy lets act as a service principal."""
    owner, _, name = repository.casefold().partition("/")
    for stack in stacks:
        for address, body in resources(stack.document, FEDERATION_POLICY):
            for policy in nested_blocks(body, "oidc_policy"):
                match = _ENVIRONMENT_SUBJECT.fullmatch(literal(policy.get("subject")) or "")
                if match and (match[1].casefold(), match[2].casefold()) == (owner, name):
                    # GitHub writes a `:` inside a value as %3A (github_environment_subject)
                    yield OidcEnvironment(match[3].replace("%3A", ":"), stack.name, address)


def repository_to_check(documents: Iterable[dict], requested: str | None) -> str | None:
    """The repository whose workflows are checked: `requested` (`--repository owner/name`), which a stack must
    write to, else the only one the stacks write to; None when they write to none."""
    written_to = repositories_written(documents)
    known = ", ".join(written_to) or "none"
    if requested is not None:
        if requested.casefold() not in {r.casefold() for r in written_to}:
            raise usage_error(f"--repository {requested}: no stack writes secrets or variables to it "
                              f"(the stacks write to: {known})", "name one of those, as owner/name")
        return requested
    if len(written_to) > 1:
        raise usage_error(f"the stacks write to several repositories ({known}): which one's workflows are these?",
                          "say so with --repository owner/name")
    return written_to[0] if written_to else None
