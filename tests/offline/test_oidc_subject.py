"""oidc mode against the `sub` claim GitHub really sends: a repository with immutable subject claims
(`repo:OWNER@OWNER-ID/REPO@REPO-ID:...`, github.com after 2026-07-15 or opted in) authenticates only when the
configuration says so and pins its ids; the name-only policy it used to get cannot be exchanged."""

from __future__ import annotations

import pytest

from mlops_cicd_offline.errors import ApiError

from helpers.offline import deployed, initialized

pytestmark = pytest.mark.terraform

REPO = "ryuta-databricks/mlops-demo-classifier"
ACCOUNT = "0d6a1b2c-1111-2222-3333-444455556666"


def _oidc_staging(raw_config, synth_raw, **github) -> dict:
    raw_config["github"].update(github)
    for env in raw_config["environments"]:
        env.update(credential_mode="oidc", secret_placement="environment",
                   account={"host": "https://accounts.cloud.databricks.com", "account_id": ACCOUNT})
    return synth_raw(raw_config)["staging"]


def _ci_authenticates(world) -> str:
    """The SP id Databricks grants a job of the repository running in the `staging` GitHub environment."""
    return world.exchange_github_oidc_token(ACCOUNT, REPO, "staging", audience=ACCOUNT)


def test_a_repository_with_immutable_subject_claims_authenticates(harness, world, raw_config, synth_raw):
    ids = world.github_repository(REPO, immutable_subject=True)
    stack = deployed(harness, "staging", _oidc_staging(raw_config, synth_raw, oidc_subject="immutable",
                                                       owner_id=ids["owner_id"], repository_id=ids["id"]))
    assert stack.plan().no_changes
    (sp,) = world.service_principals("https://mlops-demo-staging.cloud.databricks.com")
    assert _ci_authenticates(world) == sp["id"]
    (policy,) = world.federation_policies(ACCOUNT).values()
    owner, name = REPO.split("/")
    assert policy["oidc_policy"]["subject"] == f"repo:{owner}@{ids['owner_id']}/{name}@{ids['id']}:environment:staging"


def test_the_name_only_policy_cannot_authenticate_a_repository_with_immutable_subject_claims(harness, world, raw_config, synth_raw):
    """What every oidc stack got before `github.oidc_subject` existed: CI's token exchange is refused."""
    world.github_repository(REPO, immutable_subject=True)
    deployed(harness, "staging", _oidc_staging(raw_config, synth_raw, oidc_subject="names"))
    with pytest.raises(ApiError, match="no federation policy .* matches"):
        _ci_authenticates(world)


def test_a_repository_with_name_only_claims_authenticates_with_the_names_form(harness, world, raw_config, synth_raw):
    world.github_repository(REPO, immutable_subject=False)
    deployed(harness, "staging", _oidc_staging(raw_config, synth_raw, oidc_subject="names"))
    (sp,) = world.service_principals("https://mlops-demo-staging.cloud.databricks.com")
    assert _ci_authenticates(world) == sp["id"]


def test_ids_that_are_not_the_repositorys_fail_the_plan(harness, world, raw_config, synth_raw):
    """A typo, or a repository deleted and re-created under the same name: the plan stops before any policy
    trusts the wrong repository."""
    ids = world.github_repository(REPO, immutable_subject=True)
    stack = initialized(harness, "staging", _oidc_staging(raw_config, synth_raw, oidc_subject="immutable",
                                                          owner_id=ids["owner_id"], repository_id=ids["id"] + 1))
    plan = stack.plan()
    assert plan.exit_code == 1 and plan.mentions("are not the ids GitHub reports"), plan.output
    assert world.federation_policies(ACCOUNT) == {}
