"""MLOPS004: a production GitHub environment is protected (reviewers, no self-review, no admin bypass,
deployments only from chosen branches)."""

from __future__ import annotations

from typing import Iterator

from .model import Issue, Stack, Synthesis
from .terraform_json import resources


def _gaps(body: dict) -> list[tuple[str, str]]:
    """(what is missing, config setting that fixes it) for one github_repository_environment."""
    gaps = []
    reviewers = body.get("reviewers") or []
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
    return gaps


def _stack_issues(stack: Stack) -> Iterator[Issue]:
    environments = list(resources(stack.document, "github_repository_environment"))
    if not environments:
        yield Issue(stack.name, f"production stack {stack.name} declares no GitHub environment, so nothing "
                    "guards who deploys to it", "declare one with GitHubDeploymentEnvironment (EnvironmentStack does)")
    for address, body in environments:
        for gap, setting in _gaps(body):
            yield Issue(
                stack.name,
                f"GitHub environment {body.get('environment', '?')!r} ({address}) {gap}",
                f"set {setting} for environment {stack.name} in the config",
                address,
            )


def production_environment_protection(synthesis: Synthesis) -> Iterator[Issue]:
    for stack in synthesis.stacks:
        if stack.is_production:
            yield from _stack_issues(stack)
