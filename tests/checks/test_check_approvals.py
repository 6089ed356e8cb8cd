"""MLOPS013: self review prevented => at least two distinct reviewer users, or a team."""

from __future__ import annotations

import pytest

from mlops_cicd.app import synth
from mlops_cicd.checks import ChecksFailed

from helpers import env_of, first, project_config

TOKEN_LIKE_LOGIN = "gho_" + "Ab1" * 12


def _reviewer_users(document: dict) -> list[str]:
    return first(document, "github_repository_environment")["reviewers"][0]["users"]


def test_shipped_prod_has_two_distinct_reviewers_and_passes(docs, findings):
    assert len(_reviewer_users(docs["prod"])) == 2
    active, _ = findings(docs)
    assert ("MLOPS013", "prod") not in active


def test_a_single_reviewer_who_may_not_approve_their_own_deploy_is_an_error(docs, findings):
    users = _reviewer_users(docs["prod"])
    del users[1:]
    active, report = findings(docs)
    assert active == {("MLOPS013", "prod")}
    (finding,) = report.errors
    assert "nobody can approve" in finding.message and "teams" in finding.fix
    assert finding.address.startswith("github_repository_environment.")


def test_two_entries_for_one_login_are_one_reviewer(docs, findings):
    """GitHub logins are case-insensitive: `Ryuta-Databricks` is the same person as `ryuta-databricks`."""
    lookups = docs["prod"]["data"]["github_user"]
    first_login = lookups[next(iter(lookups))]["username"]
    for lookup in lookups.values():
        lookup["username"] = first_login.upper()
    next(iter(lookups.values()))["username"] = first_login
    assert findings(docs)[0] == {("MLOPS013", "prod")}


@pytest.mark.parametrize("change", [
    lambda env: env["reviewers"][0].update(users=env["reviewers"][0]["users"][:1], teams=[1234567]),
    lambda env: env["reviewers"][0].update(users=[], teams=[1234567]),
    lambda env: env.update(prevent_self_review=False, reviewers=[{"users": env["reviewers"][0]["users"][:1]}]),
], ids=["one user and a team", "a team", "self review allowed"])
def test_a_team_or_allowed_self_review_passes(docs, findings, change):
    change(first(docs["prod"], "github_repository_environment"))
    assert ("MLOPS013", "prod") not in findings(docs)[0]


def test_no_reviewers_is_left_to_mlops004(docs, findings):
    first(docs["prod"], "github_repository_environment")["reviewers"] = []
    assert findings(docs)[0] == {("MLOPS004", "prod")}


def test_staging_that_prevents_self_review_is_held_to_the_same_rule(docs, findings):
    env = first(docs["staging"], "github_repository_environment")
    env["prevent_self_review"] = True
    env["reviewers"] = [{"users": [42], "teams": []}]
    assert findings(docs)[0] == {("MLOPS013", "staging")}


def test_the_message_quotes_no_secret_looking_name(docs, findings):
    env = first(docs["prod"], "github_repository_environment")
    env["environment"] = TOKEN_LIKE_LOGIN
    del env["reviewers"][0]["users"][1:]
    next(iter(docs["prod"]["data"]["github_user"].values()))["username"] = TOKEN_LIKE_LOGIN
    active, report = findings(docs)
    assert ("MLOPS013", "prod") in active
    assert all(TOKEN_LIKE_LOGIN not in f.message + f.fix + f.address for f in report.findings)


def test_a_config_with_one_prod_reviewer_does_not_synthesize(raw, tmp_path):
    env_of(raw, "prod")["github_environment"]["reviewers"]["users"] = ["ryuta-databricks"]
    with pytest.raises(ChecksFailed) as failed:
        synth(project_config(raw, tmp_path / "project"), tmp_path / "out")
    assert "MLOPS013" in str(failed.value)
    assert not (tmp_path / "out").exists()


def test_reviewers_written_as_one_object_count_the_same(docs, findings):
    """Newer github bindings (6.12+, CDK Terrain's) write the one `reviewers` block as an object, not an array:
    MLOPS004 and MLOPS013 read it alike."""
    environment = first(docs["prod"], "github_repository_environment")
    (block,) = environment["reviewers"]
    environment["reviewers"] = block
    assert findings(docs)[0] == set()
    del block["users"][1:]
    assert findings(docs)[0] == {("MLOPS013", "prod")}
    environment["reviewers"] = {"users": [], "teams": []}
    assert findings(docs)[0] == {("MLOPS004", "prod")}
