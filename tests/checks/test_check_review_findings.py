"""Cross-stack and production-class findings of the issue 8 review: one folder under two spellings, nested
project folders, a token permission that revokes another stack's tokens, a branch pattern that admits every
branch, and an environment named like production that is not production."""

from __future__ import annotations

import copy

import pytest

from mlops_cicd.checks.production_names import looks_like_production

from helpers import env_of, first

PROD_DIRECTORY = "/Users/ryuta.yoshimatsu@databricks.com/mlops-demo-classifier"


def _of(active: set, check: str) -> set:
    return {stack for check_id, stack in active if check_id == check}


def _same_workspace(docs: dict) -> None:
    prod_host = docs["prod"]["provider"]["databricks"][0]["host"]
    for config in docs["staging"]["provider"]["databricks"]:
        config["host"] = prod_host


def test_one_directory_spelt_with_and_without_workspace_prefix_is_one_directory(docs, findings):
    _same_workspace(docs)
    first(docs["staging"], "databricks_directory")["path"] = "/Workspace" + PROD_DIRECTORY
    active, report = findings(docs)
    assert _of(active, "MLOPS012") == {"staging", "prod"}
    assert any("workspace directory" in f.message for f in report.errors)


def test_a_folder_named_workspace_something_is_not_the_root(docs, findings):
    _same_workspace(docs)
    first(docs["staging"], "databricks_directory")["path"] = "/Workspaces" + PROD_DIRECTORY
    assert _of(findings(docs)[0], "MLOPS012") == set()


@pytest.mark.parametrize("outer", ["/Users/ryuta.yoshimatsu@databricks.com", "/Workspace/Users/ryuta.yoshimatsu@databricks.com/"])
def test_staging_folder_containing_prods_is_an_error_naming_both_paths(docs, findings, outer):
    _same_workspace(docs)
    first(docs["staging"], "databricks_directory")["path"] = outer
    active, report = findings(docs)
    assert _of(active, "MLOPS015") == {"staging", "prod"}
    nested = [f for f in report.errors if f.check_id == "MLOPS015"]
    assert len(nested) == 2
    assert all(PROD_DIRECTORY in f.message and outer in f.message and "inherit" in f.message for f in nested)
    assert "sibling directories" in nested[0].fix


def test_nested_folders_on_two_workspaces_or_as_siblings_are_fine(docs, findings):
    first(docs["staging"], "databricks_directory")["path"] = "/Users/ryuta.yoshimatsu@databricks.com"
    assert _of(findings(docs)[0], "MLOPS015") == set()  # two workspaces
    _same_workspace(docs)
    first(docs["staging"], "databricks_directory")["path"] = PROD_DIRECTORY + "-staging"  # a sibling, same prefix
    assert _of(findings(docs)[0], "MLOPS015") == set()


def test_nested_folders_of_two_non_production_stacks_are_a_warning(docs, findings, raw):
    _same_workspace(docs)
    first(docs["staging"], "databricks_directory")["path"] = "/Users/ryuta.yoshimatsu@databricks.com"
    env_of(raw, "prod")["production"] = False
    _, report = findings(docs, raw)
    assert {f.stack for f in report.warnings if f.check_id == "MLOPS015"} == {"staging", "prod"}
    assert not [f for f in report.errors if f.check_id == "MLOPS015"]


def _staging_manages_token_permission(docs: dict, raw: dict, keep: list[str]) -> None:
    """Staging (on prod's workspace) takes mode = "permission", keeping `keep`; prod stays in group mode."""
    _same_workspace(docs)
    env_of(raw, "staging")["token_usage"] = {"mode": "permission", "keep_can_use": keep}
    membership = first(docs["staging"], "databricks_permissions")
    permission = {"authorization": "tokens", "provider": membership.get("provider"), "access_control": [
        {"group_name": entry.partition(":")[2], "permission_level": "CAN_USE"} for entry in keep]}
    docs["staging"]["resource"]["databricks_permissions"]["token_usage"] = permission


def test_a_token_permission_must_keep_the_group_of_another_stack_on_its_workspace(docs, findings, raw):
    _staging_manages_token_permission(docs, raw, ["group:data-eng"])
    active, report = findings(docs, raw)
    assert _of(active, "MLOPS007") == {"staging", "prod"}  # on the harmed stack too: neither can silence it alone
    revoke = next(f for f in report.errors if f.check_id == "MLOPS007")
    assert "stack prod" in revoke.message and "'mlops-service-principals'" in revoke.message
    assert '"group:mlops-service-principals"' in revoke.fix and "keep_can_use" in revoke.fix


def test_a_token_permission_keeping_the_other_stacks_group_is_fine(docs, findings, raw):
    _staging_manages_token_permission(docs, raw, ["group:data-eng", "group:mlops-service-principals"])
    assert _of(findings(docs, raw)[0], "MLOPS007") == set()


def test_a_token_permission_on_another_workspace_is_fine(docs, findings, raw):
    _staging_manages_token_permission(docs, raw, ["group:data-eng"])
    for config in docs["staging"]["provider"]["databricks"]:
        config["host"] = "https://another.cloud.databricks.com"
    assert _of(findings(docs, raw)[0], "MLOPS007") == set()


def _prod_branch_patterns(docs: dict, patterns: list[str]) -> None:
    resources = docs["prod"]["resource"]
    (name, environment_body), = resources["github_repository_environment"].items()
    environment_body["deployment_branch_policy"] = {"protected_branches": False, "custom_branch_policies": True}
    resources["github_repository_environment_deployment_policy"] = {
        f"branch_{i}": {"repository": environment_body["repository"], "branch_pattern": pattern,
                        "environment": f"${{github_repository_environment.{name}.environment}}"}
        for i, pattern in enumerate(patterns)
    }


@pytest.mark.parametrize("pattern", ["*", "**", "*/**"])
def test_a_production_branch_pattern_of_wildcards_only_admits_any_branch(docs, findings, pattern):
    _prod_branch_patterns(docs, ["main", pattern])
    active, report = findings(docs)
    assert active == {("MLOPS004", "prod")}
    assert f"{pattern!r} match every branch" in report.errors[0].message


def test_production_branch_patterns_naming_branches_pass(docs, findings):
    _prod_branch_patterns(docs, ["main", "release/*"])
    assert findings(docs)[0] == set()


def _rename(docs: dict, raw: dict, old: str, new: str) -> None:
    docs[new] = docs.pop(old)
    env_of(raw, old)["name"] = new
    if raw["github"].get("shared_secrets_stack") == old:
        raw["github"]["shared_secrets_stack"] = new


@pytest.mark.parametrize("name", ["prod-eu", "live", "prd", "eu-production", "prod2"])
def test_an_environment_named_like_production_but_not_production_is_a_warning(docs, findings, raw, name):
    _rename(docs, raw, "staging", name)
    active, report = findings(docs, raw)
    assert active == {("MLOPS016", name)} and report.ok
    assert "production is not set" in report.warnings[0].message
    assert "production = true" in report.warnings[0].fix
    env_of(raw, name)["production"] = False  # explicitly not: still said, until suppressed with a reason
    assert "production = false is set" in findings(docs, raw)[1].warnings[0].message
    raw["checks"]["suppress"].append({"id": "MLOPS016", "environment": name, "reason": "a sandbox named after a TV show"})
    assert findings(docs, raw)[0] == set()


def test_production_false_on_prod_is_a_warning(docs, findings, raw):
    env_of(raw, "prod")["production"] = False
    active, report = findings(docs, raw)
    assert ("MLOPS016", "prod") in active
    assert "production = false is set" in next(f for f in report.warnings if f.check_id == "MLOPS016").message


@pytest.mark.parametrize("name, expected", [
    ("prod", True), ("prod-eu", True), ("eu_live", True), ("production", True), ("prd", True),
    ("product", False), ("products-dev", False), ("liveness", False), ("staging", False), ("reprod", False),
])
def test_production_like_names(name, expected):
    assert looks_like_production(name) is expected
