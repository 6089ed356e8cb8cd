"""MLOPS004: production GitHub environment protection."""

from __future__ import annotations

import pytest

from helpers import first


def _no_reviewers(env):
    env["reviewers"] = []


def _self_review(env):
    env["prevent_self_review"] = False


def _admin_bypass_by_default(env):
    del env["can_admins_bypass"]


def _any_branch(env):
    del env["deployment_branch_policy"]


@pytest.mark.parametrize("weaken, expected", [
    (_no_reviewers, "no required reviewers"),
    (_self_review, "prevent_self_review"),
    (_admin_bypass_by_default, "can_admins_bypass"),
    (_any_branch, "any branch"),
])
def test_each_missing_protection_of_prod_is_an_error_naming_the_setting(docs, findings, weaken, expected):
    weaken(first(docs["prod"], "github_repository_environment"))
    active, report = findings(docs)
    assert active == {("MLOPS004", "prod")}
    (finding,) = report.errors
    assert expected in finding.message
    assert "[environments.github_environment" in finding.fix


def test_prod_protected_by_team_reviewers_and_branch_patterns_passes(docs, findings):
    """Reviewers may be teams instead of users, and the branch policy custom patterns instead of protected
    branches: both protect the environment."""
    env = first(docs["prod"], "github_repository_environment")
    env["reviewers"] = [{"teams": [1234567]}]
    env["deployment_branch_policy"] = {"protected_branches": False, "custom_branch_policies": True}
    active, _ = findings(docs)
    assert ("MLOPS004", "prod") not in active

    env["reviewers"] = [{"teams": [], "users": []}]  # a reviewers block that names nobody does not count
    active, report = findings(docs)
    assert active == {("MLOPS004", "prod")} and "no required reviewers" in report.errors[0].message


def test_unprotected_staging_environment_is_fine(docs, findings):
    env = first(docs["staging"], "github_repository_environment")
    assert "reviewers" not in env and env["can_admins_bypass"] is True
    active, _ = findings(docs)
    assert active == set()


def test_production_stack_without_github_environment_is_an_error(docs, findings):
    del docs["prod"]["resource"]["github_repository_environment"]
    active, _ = findings(docs)
    assert ("MLOPS004", "prod") in active
