"""Per-environment stacks from the shipped configuration and its variants."""

from __future__ import annotations

import json

import pytest

from helpers import BINDING_VERSIONS, env_of, only, resources
from mlops_cicd import framework

PROJECT = "mlops-demo-classifier"


def ref(stack: dict, kind: str, attribute: str) -> str:
    (name,) = resources(stack, kind)
    return f"${{{kind}.{name}.{attribute}}}"


@pytest.mark.parametrize("env", ["staging", "prod"])
def test_databricks_side_of_each_environment(default_stacks, env):
    stack = default_stacks[env]
    sp = only(stack, "databricks_service_principal")
    assert sp["allow_cluster_create"] is True
    assert sp["display_name"] == f"{PROJECT}-{env}-cicd"
    assert only(stack, "databricks_directory")["path"] == "/Users/ryuta.yoshimatsu@databricks.com/mlops-demo-classifier"
    (directory_permission,) = [p for p in resources(stack, "databricks_permissions").values() if "directory_path" in p]
    assert directory_permission["access_control"] == [
        {"permission_level": "CAN_MANAGE", "service_principal_name": ref(stack, "databricks_service_principal", "application_id")},
        {"permission_level": "CAN_MANAGE", "user_name": "ryuta.yoshimatsu@databricks.com"},  # project_directory_grants
    ]

    token = only(stack, "databricks_obo_token")
    (member,) = resources(stack, "databricks_group_member")
    (trigger,) = resources(stack, "time_static")
    assert token["lifetime_seconds"] == 90 * 86400
    assert token["depends_on"] == [f"databricks_group_member.{member}"]
    assert token["lifecycle"] == {"create_before_destroy": True, "replace_triggered_by": [f"time_static.{trigger}"]}
    assert token["comment"] == f"{PROJECT} {env} CI/CD (mlops-cicd) rotation {ref(stack, 'time_static', 'rfc3339')}"
    assert only(stack, "time_static")["rfc3339"] == ref(stack, "time_rotating", "rfc3339")

    # The deployer manages everything: no provider authenticates as the SP.
    assert [p for p in stack["provider"]["databricks"] if p.get("alias")] == []
    credential = only(stack, "databricks_git_credential")
    assert "provider" not in credential and credential["principal_id"] == ref(stack, "databricks_service_principal", "id")
    assert credential["personal_access_token"] == "${var.git_read_token}"

    assert only(stack, "databricks_secret_scope")["name"] == f"{env}-{PROJECT}-cd-credentials"
    secrets = {s["key"]: s for s in resources(stack, "databricks_secret").values()}
    assert sorted(secrets) == ["github_repo", "github_server", "token"]
    assert secrets["github_repo"]["string_value"] == "ryuta-databricks/mlops-demo-classifier"
    assert not any("provider" in s for s in secrets.values())
    acl = only(stack, "databricks_secret_acl")  # the deployer owns the scope; the SP may read it
    assert (acl["principal"], acl["permission"]) == (ref(stack, "databricks_service_principal", "application_id"), "READ")


@pytest.mark.parametrize("env", ["staging", "prod"])
def test_stacks_require_the_provider_releases_the_constructs_rely_on(default_stacks, env):
    """databricks 1.116.0 (git credential principal_id), github 6.11.0 (secrets updated in place), or the
    bindings' own releases where newer (CDKTF's were generated from 1.99.0 and 6.9.0, CDK Terrain's from
    1.138.0 and 6.13.0)."""
    required = {"cdktf": {"databricks": "1.116.0", "github": "6.11.0", "time": "0.13.1"},
                "cdktn": BINDING_VERSIONS["cdktn"]}[framework.NAME]
    assert default_stacks[env]["terraform"]["required_providers"] == {
        "databricks": {"source": "databricks/databricks", "version": required["databricks"]},
        "github": {"source": "integrations/github", "version": required["github"]},
        "time": {"source": "hashicorp/time", "version": required["time"]},
    }


@pytest.mark.parametrize("binding, required", [("1.99.0", "1.116.0"), ("1.115.9", "1.116.0"), ("1.116.0", "1.116.0"),
                                               ("1.138.0", "1.138.0"), ("2.0.0", "2.0.0")])
def test_a_binding_newer_than_the_minimum_keeps_its_own_version(binding, required):
    from types import SimpleNamespace

    from mlops_cicd.stacks.provider_versions import required_version

    metadata = SimpleNamespace(provider_name="databricks", provider_version=binding)
    assert required_version(SimpleNamespace(terraform_generator_metadata=metadata)) == required


def test_staging_contains_nothing_of_prod(default_stacks):
    staging = json.dumps(default_stacks["staging"])
    for prod_value in ("mlops-demo-prod.cloud.databricks.com", "PROD_", "prod-mlops-demo-classifier", "-prod-cicd", '"prod"'):
        assert prod_value not in staging
    prod = json.dumps(default_stacks["prod"])
    for staging_value in ("mlops-demo-staging", "STAGING_", "staging-mlops", '"staging"'):
        assert staging_value not in prod


def test_staging_writes_its_token_to_a_repository_secret(default_stacks):
    stack = default_stacks["staging"]
    secrets = {s["secret_name"]: s for s in resources(stack, "github_actions_secret").values()}
    assert secrets["STAGING_WORKSPACE_TOKEN"]["plaintext_value"] == ref(stack, "databricks_obo_token", "token_value")
    assert only(stack, "github_repository_environment")["environment"] == "staging"


def test_prod_environment_is_protected_and_holds_its_token(default_stacks):
    stack = default_stacks["prod"]
    env = only(stack, "github_repository_environment")
    assert env["environment"] == "prod"
    assert env["prevent_self_review"] is True and env["can_admins_bypass"] is False
    assert env["deployment_branch_policy"] == {"protected_branches": True, "custom_branch_policies": False}
    reviewers = [lookup["username"] for lookup in stack["data"]["github_user"].values()]
    assert reviewers == ["ryuta-databricks", "second-reviewer-login"]
    secret = only(stack, "github_actions_environment_secret")
    assert secret["secret_name"] == "PROD_WORKSPACE_TOKEN"
    assert secret["plaintext_value"] == ref(stack, "databricks_obo_token", "token_value")
    assert secret["environment"] == ref(stack, "github_repository_environment", "environment")
    assert "github_actions_secret" not in stack["resource"]  # the shared secret is staging's to write


def test_trigger_token_reaches_github_and_databricks_from_one_variable(default_stacks):
    stack = default_stacks["staging"]
    assert stack["variable"]["trigger_workflows_github_token"]["sensitive"] is True
    github = {s["secret_name"]: s for s in resources(stack, "github_actions_secret").values()}
    scope_token = next(s for s in resources(stack, "databricks_secret").values() if s["key"] == "token")
    assert github["TRIGGER_WORKFLOWS_GITHUB_TOKEN"]["plaintext_value"] == "${var.trigger_workflows_github_token}"
    assert scope_token["string_value"] == "${var.trigger_workflows_github_token}"


def test_shared_secret_writer_is_configurable(raw_config, synth_raw):
    raw_config["github"]["shared_secrets_stack"] = "prod"
    stacks = synth_raw(raw_config)
    names = lambda s: {r["secret_name"] for r in resources(s, "github_actions_secret").values()}
    assert "TRIGGER_WORKFLOWS_GITHUB_TOKEN" in names(stacks["prod"])
    assert "TRIGGER_WORKFLOWS_GITHUB_TOKEN" not in names(stacks["staging"])


def test_providers_take_no_credentials_from_the_synthesized_json(default_stacks):
    stack = default_stacks["staging"]
    assert stack["provider"]["github"] == [{"owner": "ryuta-databricks"}]
    deployer = next(p for p in stack["provider"]["databricks"] if "alias" not in p)
    assert deployer == {"host": "https://mlops-demo-staging.cloud.databricks.com"}


def test_github_enterprise_server_sets_the_api_url(raw_config, synth_raw):
    raw_config["github"]["server_url"] = "https://github.example.com"
    stack = synth_raw(raw_config)["staging"]
    # The provider appends api/v3 (and api/graphql) itself: the base URL is the server's root.
    assert stack["provider"]["github"][0]["base_url"] == "https://github.example.com/"
    scope = {s["key"]: s["string_value"] for s in resources(stack, "databricks_secret").values()}
    assert scope["github_server"] == "https://github.example.com"


def test_secret_values_from_tf_var_never_reach_synthesized_files(raw_config, synth_raw, tmp_path, monkeypatch):
    secrets = {"TF_VAR_git_read_token": "ghp_" + "R" * 36, "TF_VAR_trigger_workflows_github_token": "github_pat_" + "W" * 40}
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)
    synth_raw(raw_config)
    written = [p for p in (tmp_path / "out").rglob("*") if p.is_file()]
    assert written
    for path in written:
        text = path.read_text()
        assert not any(value in text for value in secrets.values()), path


def test_staging_token_can_live_in_the_environment(raw_config, synth_raw):
    env_of(raw_config, "staging")["secret_placement"] = "environment"
    stack = synth_raw(raw_config)["staging"]
    assert only(stack, "github_actions_environment_secret")["secret_name"] == "STAGING_WORKSPACE_TOKEN"
    assert {s["secret_name"] for s in resources(stack, "github_actions_secret").values()} == {"TRIGGER_WORKFLOWS_GITHUB_TOKEN"}


def test_authoritative_token_permission_is_opt_in(raw_config, synth_raw, default_stacks):
    assert not [p for p in resources(default_stacks["staging"], "databricks_permissions").values() if p.get("authorization")]
    env_of(raw_config, "staging")["token_usage"] = {"mode": "permission", "keep_can_use": ["group:data-engineers"]}
    stack = synth_raw(raw_config)["staging"]
    (tokens,) = [p for p in resources(stack, "databricks_permissions").values() if p.get("authorization") == "tokens"]
    (permission_name,) = [n for n, p in resources(stack, "databricks_permissions").items() if p.get("authorization")]
    assert only(stack, "databricks_obo_token")["depends_on"] == [f"databricks_permissions.{permission_name}"]
    assert {"group_name": "data-engineers", "permission_level": "CAN_USE"} in tokens["access_control"]


OIDC_ACCOUNT = {"host": "https://accounts.cloud.databricks.com", "account_id": "0d26daa6-5e44-4c97-a497-ef015f91254a"}


def test_oidc_environment_stores_no_databricks_secret(raw_config, synth_raw):
    raw_config["github"]["oidc_subject"] = "names"
    env_of(raw_config, "prod").update(credential_mode="oidc", account=OIDC_ACCOUNT)
    stack = synth_raw(raw_config)["prod"]
    policy = only(stack, "databricks_service_principal_federation_policy")
    assert policy["oidc_policy"] == {
        "issuer": "https://token.actions.githubusercontent.com",
        "subject": "repo:ryuta-databricks/mlops-demo-classifier:environment:prod",
        "audiences": [OIDC_ACCOUNT["account_id"]],
    }
    account = next(p for p in stack["provider"]["databricks"] if p.get("alias") == "account")
    assert account == {"alias": "account", "host": OIDC_ACCOUNT["host"], "account_id": OIDC_ACCOUNT["account_id"]}
    assert policy["provider"] == "databricks.account"
    variables = {v["variable_name"]: v for v in resources(stack, "github_actions_environment_variable").values()}
    assert variables["DATABRICKS_AUTH_TYPE"]["value"] == "github-oidc"
    assert variables["DATABRICKS_TOKEN_AUDIENCE"]["value"] == OIDC_ACCOUNT["account_id"]  # matches the policy
    assert variables["DATABRICKS_HOST"]["value"] == "https://mlops-demo-prod.cloud.databricks.com"
    assert variables["DATABRICKS_CLIENT_ID"]["value"] == ref(stack, "databricks_service_principal", "application_id")
    for kind in ("github_actions_secret", "github_actions_environment_secret", "databricks_obo_token",
                 "databricks_service_principal_secret"):
        assert kind not in stack["resource"], kind
    # The deployer manages the SP's git credential (principal_id), so oidc mode has one too.
    assert only(stack, "databricks_git_credential")["principal_id"] == ref(stack, "databricks_service_principal", "id")
    # The deployer owns the trigger scope and lets the SP read it.
    acl = only(stack, "databricks_secret_acl")
    assert acl["principal"] == ref(stack, "databricks_service_principal", "application_id") and acl["permission"] == "READ"


def test_oidc_on_github_enterprise_server_trusts_the_servers_own_issuer(raw_config, synth_raw):
    raw_config["github"]["server_url"] = "https://github.example.com"
    env_of(raw_config, "prod").update(credential_mode="oidc", account=OIDC_ACCOUNT)
    policy = only(synth_raw(raw_config)["prod"], "databricks_service_principal_federation_policy")
    assert policy["oidc_policy"]["issuer"] == "https://github.example.com/_services/token"


def test_oauth_environment_rotates_a_service_principal_secret(raw_config, synth_raw):
    env_of(raw_config, "staging").update(credential_mode="oauth", cloud="azure")
    stack = synth_raw(raw_config)["staging"]
    secret = only(stack, "databricks_service_principal_secret")
    assert secret["lifecycle"]["create_before_destroy"] is True
    assert secret["time_rotating"] == f"mlops-cicd rotation {ref(stack, 'time_static', 'rfc3339')}"
    assert [p for p in stack["provider"]["databricks"] if p.get("alias")] == []  # no provider acts as the SP
    github = {s["secret_name"]: s["plaintext_value"] for s in resources(stack, "github_actions_secret").values()}
    assert github["STAGING_DATABRICKS_CLIENT_SECRET"] == ref(stack, "databricks_service_principal_secret", "secret")
    assert github["STAGING_DATABRICKS_CLIENT_ID"] == ref(stack, "databricks_service_principal", "application_id")
    assert "databricks_obo_token" not in stack["resource"]
    credential = only(stack, "databricks_git_credential")
    assert "provider" not in credential and credential["principal_id"] == ref(stack, "databricks_service_principal", "id")


def test_oauth_names_are_unprefixed_at_environment_level(raw_config, synth_raw):
    env_of(raw_config, "prod").update(credential_mode="oauth")
    stack = synth_raw(raw_config)["prod"]
    names = {s["secret_name"] for s in resources(stack, "github_actions_environment_secret").values()}
    assert names == {"DATABRICKS_CLIENT_ID", "DATABRICKS_CLIENT_SECRET"}


def test_third_environment_is_configuration_only(raw_config, synth_raw):
    qa = dict(env_of(raw_config, "staging"), name="qa", workspace_host="https://qa.cloud.databricks.com",
              service_principal_name="mlops-demo-classifier-qa-cicd")
    raw_config["environments"].append(qa)
    stacks = synth_raw(raw_config)
    assert sorted(stacks) == ["prod", "qa", "staging"]
    assert only(stacks["qa"], "databricks_secret_scope")["name"] == "qa-mlops-demo-classifier-cd-credentials"
    assert {s["secret_name"] for s in resources(stacks["qa"], "github_actions_secret").values()} == {"QA_WORKSPACE_TOKEN"}


def test_summary_names_each_stacks_backend(raw_config, synth_raw, tmp_path):
    from mlops_cicd.summary import summarize

    env_of(raw_config, "prod")["backend"] = {"type": "cloud", "organization": "acme"}
    synth_raw(raw_config)
    text = summarize(tmp_path / "out")
    staging_part, prod_part = text.split("stack staging")[1], text.split("stack prod")[1].split("stack staging")[0]
    assert "state backend: local" in staging_part and "state backend: cloud" in prod_part
