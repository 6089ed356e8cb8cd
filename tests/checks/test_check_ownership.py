"""MLOPS012: no two stacks own one named object; MLOPS004 judges a GitHub environment by the name a stack
really writes (a non-production stack writing production's environment must protect it too)."""

from __future__ import annotations

import pytest

from mlops_cicd.app import synth
from mlops_cicd.checks import ChecksFailed

from helpers import env_of, first, project_config

TOKEN_LIKE = "dapi" + "fedcba9876543210" * 2


def _of(active: set, check: str) -> set:
    return {stack for check_id, stack in active if check_id == check}


def _same_workspace(docs: dict) -> None:
    """Put staging on prod's workspace (every Databricks provider of the stack, aliases included)."""
    prod_host = docs["prod"]["provider"]["databricks"][0]["host"]
    for config in docs["staging"]["provider"]["databricks"]:
        config["host"] = prod_host + "/"  # one host, however it is written


def test_staging_writing_prods_github_environment_is_an_error_for_both(docs, findings):
    first(docs["staging"], "github_repository_environment")["environment"] = "Prod"  # names are case-insensitive
    active, report = findings(docs)
    assert _of(active, "MLOPS012") == {"staging", "prod"}
    shared = next(f for f in report.errors if f.check_id == "MLOPS012" and f.stack == "staging")
    assert "GitHub environment 'Prod'" in shared.message and "prod (github_repository_environment." in shared.message
    assert "[environments.github_environment] name" in shared.fix
    # MLOPS004 holds staging to prod's protection: it writes prod's environment without it.
    assert _of(active, "MLOPS004") == {"staging"}
    takeover = next(f for f in report.errors if f.check_id == "MLOPS004")
    assert "non-production stack staging over production stack prod's environment" in takeover.message
    assert "its own GitHub environment" in takeover.fix


def test_a_protected_copy_of_prods_environment_still_shares_it(docs, findings):
    """Same protection or not, two stacks must not write one environment: MLOPS012 alone."""
    staging_env = first(docs["staging"], "github_repository_environment")
    staging_env.clear()
    staging_env.update(first(docs["prod"], "github_repository_environment"))
    staging_env["reviewers"] = [{"users": [1, 2], "teams": []}]
    active, _ = findings(docs)
    assert active == {("MLOPS012", "staging"), ("MLOPS012", "prod")}


def test_one_environment_name_in_two_repositories_is_fine(docs, findings):
    first(docs["staging"], "github_repository_environment")["environment"] = "prod"
    docs["staging"]["provider"]["github"][0]["owner"] = "another-owner"
    assert _of(findings(docs)[0], "MLOPS012") == set()
    assert _of(findings(docs)[0], "MLOPS004") == set()


def test_a_config_naming_prods_github_environment_in_staging_does_not_synthesize(raw, tmp_path):
    env_of(raw, "staging")["github_environment"] = {"name": "prod"}
    with pytest.raises(ChecksFailed) as failed:
        synth(project_config(raw, tmp_path / "project"), tmp_path / "out")
    assert "MLOPS004" in str(failed.value) and "MLOPS012" in str(failed.value)
    assert not (tmp_path / "out").exists()


def test_one_directory_on_one_workspace_is_an_error(docs, findings):
    """The shipped config gives both environments one directory path, on two workspaces: fine until the
    workspaces are one."""
    assert findings(docs)[0] == set()
    _same_workspace(docs)
    first(docs["staging"], "databricks_directory")["path"] += "/"
    active, report = findings(docs)
    assert active == {("MLOPS012", "staging"), ("MLOPS012", "prod")}
    assert all("workspace directory" in f.message and "project_directory" in f.fix for f in report.errors)


def test_one_scope_or_sp_name_on_one_workspace_is_an_error(docs, findings):
    _same_workspace(docs)
    first(docs["staging"], "databricks_directory")["path"] = "/Shared/staging-project"
    assert findings(docs)[0] == set()  # own directory, scope and SP names: fine on one workspace

    first(docs["staging"], "databricks_secret_scope")["name"] = first(docs["prod"], "databricks_secret_scope")["name"]
    active, report = findings(docs)
    assert active == {("MLOPS012", "staging"), ("MLOPS012", "prod")}
    assert "secret scope" in report.errors[0].message

    first(docs["staging"], "databricks_secret_scope")["name"] = "staging-own-scope"
    first(docs["staging"], "databricks_service_principal")["display_name"] = \
        first(docs["prod"], "databricks_service_principal")["display_name"]
    active, report = findings(docs)
    assert active == {("MLOPS012", "staging"), ("MLOPS012", "prod")}
    assert "service_principal_name" in report.errors[0].fix


def test_one_repository_secret_written_by_two_stacks_is_an_error(docs, findings):
    shared = first(docs["staging"], "github_actions_secret")
    docs["prod"]["resource"]["github_actions_secret"] = {"copy": dict(shared)}
    active, report = findings(docs)
    assert _of(active, "MLOPS012") == {"staging", "prod"}
    assert "repository secret" in next(f for f in report.errors if f.check_id == "MLOPS012").message


def test_the_message_quotes_no_secret_looking_name(docs, findings):
    _same_workspace(docs)
    for name in ("staging", "prod"):
        first(docs[name], "databricks_directory")["path"] = f"/Shared/{TOKEN_LIKE}"
    active, report = findings(docs)
    assert _of(active, "MLOPS012") == {"staging", "prod"}
    assert all(TOKEN_LIKE not in f.message + f.fix + f.address for f in report.findings)
