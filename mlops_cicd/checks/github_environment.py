"""MLOPS004: a production GitHub environment is protected (reviewers, no self-review, no admin bypass,
deployments only from chosen branches), whichever stack writes it."""

from __future__ import annotations

import re
from typing import Iterator

from .identities import github_environment_key
from .model import Issue, Stack, Synthesis
from ..synthesized import nested_blocks, references, resources
from .terraform_json import literal

# A branch pattern made of wildcards and separators only (`*`, `**`, `*/**`) admits every branch name of
# that shape: GitHub matches deployment branch patterns with Ruby's File.fnmatch, where `*` is any run of
# characters but `/` and `**` any number of path segments (docs.github.com, "Managing environments for
# deployment", deployment branches and tags).
_MATCHES_EVERY_BRANCH = re.compile(r"[*/]+")


def _branch_patterns(document: dict, address: str, body: dict) -> list[str]:
    """The branch patterns of the deployment policies attached to the environment at `address`."""
    name = literal(body.get("environment"))
    return [
        str(policy.get("branch_pattern", ""))
        for _, policy in resources(document, "github_repository_environment_deployment_policy")
        if f"{address}.environment" in references(policy.get("environment"))
        or (name is not None and literal(policy.get("environment")) == name)
    ]


def _gaps(document: dict, address: str, body: dict) -> list[tuple[str, str]]:
    """(what is missing, config setting that fixes it) for one github_repository_environment."""
    gaps = []
    reviewers = nested_blocks(body, "reviewers")
    if not any(block.get("users") or block.get("teams") for block in reviewers):
        gaps.append(("has no required reviewers, so any workflow run deploys unreviewed",
                     '[environments.github_environment.reviewers] users = ["<login>"] or teams = ["<team slug>"]'))
    if body.get("prevent_self_review") is not True:
        gaps.append(("lets whoever triggered a deployment approve it (prevent_self_review is not true)",
                     "[environments.github_environment] prevent_self_review = true"))
    if body.get("can_admins_bypass") is not False:
        gaps.append(("lets repository admins bypass its protection rules (can_admins_bypass defaults to true)",
                     "[environments.github_environment] can_admins_bypass = false"))
    policy = body.get("deployment_branch_policy") or {}
    if not (policy.get("protected_branches") is True or policy.get("custom_branch_policies") is True):
        gaps.append(("accepts deployments from any branch (no deployment branch policy)",
                     '[environments.github_environment] branch_policy = "protected" (or "patterns" with branch_patterns)'))
    elif policy.get("custom_branch_policies") is True:
        every = [p for p in _branch_patterns(document, address, body) if _MATCHES_EVERY_BRANCH.fullmatch(p)]
        if every:
            listed = ", ".join(repr(p) for p in every)
            gaps.append((f"accepts deployments from any branch: branch pattern(s) {listed} match every branch name",
                         '[environments.github_environment] branch_patterns that name branches (e.g. ["main", '
                         '"release/*"]), or branch_policy = "protected"'))
    return gaps


def _stack_issues(stack: Stack, production_owners: dict[str, str]) -> Iterator[Issue]:
    """Gaps of every GitHub environment that must be protected: those of a production stack, and those a
    non-production stack writes over a production stack's environment (judged by the name it really
    writes, e.g. `github_environment.name = "prod"` in staging)."""
    environments = list(resources(stack.document, "github_repository_environment"))
    if stack.is_production and not environments:
        yield Issue(stack.name, f"production stack {stack.name} declares no GitHub environment, so nothing "
                    "guards who deploys to it", "declare one with GitHubDeploymentEnvironment (EnvironmentStack does)")
    for address, body in environments:
        taken_from = None if stack.is_production else production_owners.get(github_environment_key(stack.document, body))
        if not stack.is_production and taken_from is None:
            continue
        whose = "" if taken_from is None else (
            f", written by non-production stack {stack.name} over production stack {taken_from}'s environment,")
        for gap, setting in _gaps(stack.document, address, body):
            yield Issue(
                stack.name,
                f"GitHub environment {body.get('environment', '?')!r} ({address}){whose} {gap}",
                f"set {setting} for environment {stack.name} in the config" if taken_from is None else
                f"give {stack.name} its own GitHub environment ([environments.github_environment] name), or "
                f"mark it production (production = true) and set {setting}",
                address,
            )


def production_environment_protection(synthesis: Synthesis) -> Iterator[Issue]:
    production_owners = {
        key: stack.name
        for stack in synthesis.stacks if stack.is_production
        for _, body in resources(stack.document, "github_repository_environment")
        if (key := github_environment_key(stack.document, body)) is not None
    }
    for stack in synthesis.stacks:
        yield from _stack_issues(stack, production_owners)
