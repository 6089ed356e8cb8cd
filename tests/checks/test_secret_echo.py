"""No check message, fix or address, and no construct id, carries a secret-looking value or the value of
a TF_VAR_* variable, whichever input it came from."""

from __future__ import annotations

import json

import pytest

from mlops_cicd.constructs import GitHubDeploymentEnvironment
from mlops_cicd.framework import core
from mlops_cicd.secret_patterns import REDACTED

from helpers import first

# the framework's classes (mlops_cicd/framework.py chooses CDKTF or CDK Terrain)
CdktfTesting = core.Testing  # aliased: pytest would try to collect `Testing`
TerraformStack = core.TerraformStack

LOOKS_LIKE_A_TOKEN = "ghp_" + "Zq9" * 12
PASSED_IN = "correct-horse-battery-staple"


def _every_text(report) -> str:
    return "\n".join(f"{f.message}\n{f.fix}\n{f.address}" for f in report.findings)


def test_findings_never_quote_a_secret_looking_name_or_a_tf_var_value(docs, findings):
    # A token pasted as prod's GitHub environment name (MLOPS004 quotes the name) ...
    environment = first(docs["prod"], "github_repository_environment")
    environment["environment"] = LOOKS_LIKE_A_TOKEN
    environment["reviewers"] = []
    # ... and a TF_VAR value that ended up in a resource name (findings give the address).
    tokens = docs["staging"]["resource"]["databricks_obo_token"]
    (name,) = tokens
    tokens[f"leak_{PASSED_IN}"] = tokens.pop(name)
    tokens[f"leak_{PASSED_IN}"]["lifecycle"]["create_before_destroy"] = False

    active, report = findings(docs, environ={"TF_VAR_git_read_token": PASSED_IN})
    assert {"MLOPS004", "MLOPS005"} <= {check for check, _ in active}
    text = _every_text(report)
    assert LOOKS_LIKE_A_TOKEN not in text and PASSED_IN not in text
    assert REDACTED in text  # what was hidden is said to be hidden


def test_a_token_in_a_resource_name_is_reported_without_repeating_it(docs, findings):
    secrets = docs["staging"]["resource"]["databricks_secret"]
    (name, *_) = secrets
    secrets[f"s_{LOOKS_LIKE_A_TOKEN}"] = secrets.pop(name)
    active, report = findings(docs)
    assert ("MLOPS001", "staging") in active
    assert LOOKS_LIKE_A_TOKEN not in _every_text(report)


def _synth(build) -> dict:
    stack = TerraformStack(CdktfTesting.app(), "test")
    build(stack)
    return json.loads(CdktfTesting.synth(stack))


def _names_and_metadata(document: dict) -> str:
    """Every block name and construct path of a stack: what becomes Terraform addresses and logs."""
    parts = []
    for section in ("resource", "data"):
        for kind, items in (document.get(section) or {}).items():
            for name, body in items.items():
                parts += [kind, name, json.dumps(body.get("//", {}))]
    return "\n".join(parts)


def test_reviewer_logins_and_team_slugs_never_reach_construct_ids():
    login, slug = "reviewer-login-from-tf-var", "release-managers-slug"
    document = _synth(lambda s: GitHubDeploymentEnvironment(
        s, "github_environment", repository="r", environment="prod",
        reviewer_users=["alice", login], reviewer_teams=[slug], prevent_self_review=True))
    names = _names_and_metadata(document)
    assert login not in names and slug not in names and "alice" not in names
    # The logins are still looked up, by position.
    users = {body["username"] for body in document["data"]["github_user"].values()}
    assert users == {"alice", login}
    assert "github_environment_reviewer_user_1_" in names and "github_environment_reviewer_team_0_" in names


@pytest.mark.parametrize("field", ["reviewer_users", "reviewer_teams"])
def test_a_reviewer_listed_twice_is_refused_without_repeating_the_name(field):
    name = LOOKS_LIKE_A_TOKEN
    with pytest.raises(ValueError) as refused:
        _synth(lambda s: GitHubDeploymentEnvironment(
            s, "env", repository="r", environment="prod", **{field: [name, name.upper()]}))
    assert field in str(refused.value) and name not in str(refused.value)


def test_reviewer_lookups_of_the_shipped_prod_stack_have_pinned_positional_addresses(docs):
    """Construct ids are a contract (they are Terraform addresses): pinned here, and free of logins."""
    lookups = docs["prod"]["data"]["github_user"]
    assert list(lookups) == ["github_environment_reviewer_user_0_F450F8AE", "github_environment_reviewer_user_1_F5B5AB9E"]
    assert [lookup["username"] for lookup in lookups.values()] == ["ryuta-databricks", "second-reviewer-login"]
