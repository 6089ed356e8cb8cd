"""MLOPS001 literal secrets, MLOPS002 git credential token, MLOPS003 prod's credential placement."""

from __future__ import annotations

import pytest

from mlops_cicd.checks import run_checks

from helpers import env_of, first

GITHUB_CLASSIC = "ghp_" + "a1B2" * 9
SECRETS = {
    "databricks": "dapi" + "0123456789abcdef" * 2,
    "databricks oauth": "dose" + "0123456789abcdef" * 2,
    "github classic": GITHUB_CLASSIC,
    "github fine-grained": "github_pat_" + "11ABCDEFG0" * 2 + "AB_" + "x1Y2z" * 11 + "abcd",
}


def test_shipped_stacks_pass_every_check(docs, findings):
    active, report = findings(docs)
    assert active == set() and report.ok


@pytest.mark.parametrize("kind", sorted(SECRETS))
def test_token_pasted_into_the_json_is_an_error_that_does_not_repeat_it(docs, findings, kind):
    first(docs["staging"], "databricks_secret")["string_value"] = SECRETS[kind]
    active, report = findings(docs)
    assert ("MLOPS001", "staging") in active
    (finding,) = [f for f in report.errors if f.check_id == "MLOPS001"]
    assert "resource.databricks_secret." in finding.message and finding.fix
    assert SECRETS[kind] not in finding.message + finding.fix + finding.address


def test_value_of_a_declared_tf_var_found_in_plain_text_is_an_error(docs, findings):
    value = "correct-horse-battery"
    first(docs["prod"], "databricks_git_credential")["personal_access_token"] = value
    active, report = findings(docs, environ={"TF_VAR_git_read_token": value})
    assert ("MLOPS001", "prod") in active
    (finding,) = report.errors
    assert "TF_VAR_git_read_token" in finding.message and value not in finding.message


def test_value_of_a_tf_var_the_stack_does_not_declare_found_in_plain_text_is_an_error(docs):
    """Any TF_VAR_* of the deploy environment: a token pasted from another stack's variable leaks all the same."""
    value = "notAPatternButSecret123"
    staging = docs["staging"]
    first(staging, "github_actions_secret")["plaintext_value"] = value
    environ = {"TF_VAR_other_stacks_github_token": value}
    assert "other_stacks_github_token" not in staging["variable"]
    report = run_checks(None, {"staging": staging}, environ)
    (finding,) = [f for f in report.errors if f.check_id == "MLOPS001"]
    assert finding.stack == "staging" and "the value of TF_VAR_other_stacks_github_token" in finding.message
    assert value not in finding.message + finding.fix + finding.address


def test_short_tf_var_values_are_not_looked_for(docs, findings):
    """Five characters or fewer ("main", "prod") would be found everywhere."""
    active, _ = findings(docs, environ={"TF_VAR_branch": "main", "TF_VAR_region": "euw1", "TF_VAR_env": "prod"})
    assert active == set()


def test_tf_var_values_that_only_arrive_at_deploy_time_are_fine(docs, findings):
    environ = {"TF_VAR_git_read_token": GITHUB_CLASSIC, "TF_VAR_trigger_workflows_github_token": "another-long-value"}
    active, _ = findings(docs, environ=environ)
    assert active == set()


def test_git_credential_without_token_is_an_error(docs, findings):
    del first(docs["staging"], "databricks_git_credential")["personal_access_token"]
    active, report = findings(docs)
    assert active == {("MLOPS002", "staging")}
    assert "GITHUB_TOKEN" in report.errors[0].message


def _make_prod_token_repository_level(docs: dict) -> None:
    resources = docs["prod"]["resource"]
    secret = resources.pop("github_actions_environment_secret")["github_secret_prod_workspace_token"]
    del secret["environment"]
    resources["github_actions_secret"] = {"github_secret_prod_workspace_token": secret}


def test_prod_workspace_token_as_repository_secret_is_an_error_by_default(docs, findings):
    _make_prod_token_repository_level(docs)
    active, report = findings(docs)
    assert active == {("MLOPS003", "prod")}
    assert 'secret_placement = "repository"' in report.errors[0].fix


def test_prod_workspace_token_repository_level_by_explicit_choice_is_a_warning_saying_what_it_exposes(docs, findings, raw):
    """Written in the config, it is allowed, but never silently: a warning on every run, until suppressed."""
    _make_prod_token_repository_level(docs)
    env_of(raw, "prod")["secret_placement"] = "repository"
    active, report = findings(docs, raw)
    assert active == {("MLOPS003", "prod")} and report.ok
    warning = report.warnings[0]
    assert "readable by any workflow run of anyone with write access" in warning.message
    assert 'secret_placement = "environment"' in warning.fix and "suppress MLOPS003" in warning.fix
    raw.setdefault("checks", {}).setdefault("suppress", []).append(
        {"id": "MLOPS003", "environment": "prod", "reason": "the template's workflows read repository secrets"})
    assert ("MLOPS003", "prod") not in findings(docs, raw)[0]


def test_repository_secret_outside_production_is_fine(docs, findings, raw):
    """MLOPS003 is about production only: the same repository-level token is fine once prod is not
    production (here: marked so in the config), and an error while it is."""
    _make_prod_token_repository_level(docs)
    assert findings(docs)[0] == {("MLOPS003", "prod")}
    env_of(raw, "prod")["production"] = False
    active, _ = findings(docs, raw)
    assert ("MLOPS003", "prod") not in active
