"""github.oidc_subject: the user says which `sub` form GitHub sends for the repository, and the federation
policy trusts exactly that one (immutable: `repo:OWNER@OWNER-ID/REPO@REPO-ID:...`)."""

from __future__ import annotations

import pytest

from mlops_cicd.config import ConfigError, parse_config
from mlops_cicd.constructs import github_environment_subject

from helpers import env_of, only

ACCOUNT = {"host": "https://accounts.cloud.databricks.com", "account_id": "0d26daa6-5e44-4c97-a497-ef015f91254a"}


def _prod_in_oidc(raw: dict, **github) -> dict:
    raw["github"].update(github)
    env_of(raw, "prod").update(credential_mode="oidc", account=ACCOUNT)
    return raw


def _problems(raw: dict) -> dict[str, str]:
    with pytest.raises(ConfigError) as error:
        parse_config(raw)
    return {p.field: p.message for p in error.value.problems}


def test_oidc_on_github_com_needs_the_subject_form(raw_config):
    problems = _problems(_prod_in_oidc(raw_config))
    assert list(problems) == ["github.oidc_subject"]
    assert "2026-07-15" in problems["github.oidc_subject"] and '"immutable"' in problems["github.oidc_subject"]


def test_immutable_subject_needs_both_ids_and_says_how_to_find_them(raw_config):
    problems = _problems(_prod_in_oidc(raw_config, oidc_subject="immutable"))
    assert sorted(problems) == ["github.owner_id", "github.repository_id"]
    assert "gh api repos/ryuta-databricks/mlops-demo-classifier --jq '.owner.id, .id'" in problems["github.owner_id"]


def test_ids_without_the_immutable_form_are_refused(raw_config):
    problems = _problems(_prod_in_oidc(raw_config, oidc_subject="names", repository_id=4))
    assert list(problems) == ["github.repository_id"]


def test_github_enterprise_server_has_no_immutable_form(raw_config):
    raw_config["github"]["server_url"] = "https://github.example.com"
    for env in raw_config["environments"]:
        env.pop("git_provider", None)
    problems = _problems(_prod_in_oidc(raw_config, oidc_subject="immutable", owner_id=1, repository_id=2))
    assert list(problems) == ["github.oidc_subject"] and "Enterprise Server" in problems["github.oidc_subject"]


def test_github_enterprise_server_needs_no_choice(raw_config, synth_raw):
    raw_config["github"]["server_url"] = "https://github.example.com"
    policy = only(synth_raw(_prod_in_oidc(raw_config))["prod"], "databricks_service_principal_federation_policy")
    assert policy["oidc_policy"]["subject"] == "repo:ryuta-databricks/mlops-demo-classifier:environment:prod"


def test_the_policy_trusts_the_immutable_subject(raw_config, synth_raw):
    raw = _prod_in_oidc(raw_config, oidc_subject="immutable", owner_id=123456, repository_id=456789)
    stack = synth_raw(raw)["prod"]
    policy = only(stack, "databricks_service_principal_federation_policy")
    assert policy["oidc_policy"]["subject"] == "repo:ryuta-databricks@123456/mlops-demo-classifier@456789:environment:prod"
    # the pinned ids are checked against what GitHub reports for the repository and its owner, at plan time
    repository = only(stack, "github_repository", section="data")
    owner = next(user for user in stack["data"]["github_user"].values() if "github_oidc" in user["//"]["metadata"]["path"])
    assert repository["full_name"] == "ryuta-databricks/mlops-demo-classifier" and owner["username"] == "ryuta-databricks"
    (precondition,) = policy["lifecycle"]["precondition"]
    assert "repo_id == 456789" in precondition["condition"] and '.id == \"123456\"' in precondition["condition"]


def test_the_policy_trusts_the_name_only_subject_when_told(raw_config, synth_raw):
    stack = synth_raw(_prod_in_oidc(raw_config, oidc_subject="names"))["prod"]
    policy = only(stack, "databricks_service_principal_federation_policy")
    assert policy["oidc_policy"]["subject"] == "repo:ryuta-databricks/mlops-demo-classifier:environment:prod"
    assert "lifecycle" not in policy and "github_repository" not in stack.get("data", {})


@pytest.mark.parametrize("owner_id, repository_id", [(1, None), (None, 2)])
def test_the_immutable_subject_takes_both_ids(owner_id, repository_id):
    with pytest.raises(ValueError, match="go together"):
        github_environment_subject("o", "r", "prod", owner_id, repository_id)


def test_a_colon_in_the_environment_is_written_as_github_writes_it():
    assert github_environment_subject("o", "r", "Production:V1", 1, 2) == "repo:o@1/r@2:environment:Production%3AV1"
