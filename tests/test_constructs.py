"""Each construct on its own, as another project would use it."""

from __future__ import annotations

import json

import pytest

from helpers import only, resources
from mlops_cicd.constructs import (
    CdTriggerCredentials,
    CicdServicePrincipal,
    GitHubDeploymentEnvironment,
    GitHubOidcFederation,
    OAuthSecret,
    ServicePrincipalGitCredential,
    TokenUsageByPermission,
    WorkspaceToken,
    actions_secret,
)
from mlops_cicd.constructs.rotation import stamp_of, stamped
from mlops_cicd.framework import core, databricks

# the framework's classes (mlops_cicd/framework.py chooses CDKTF or CDK Terrain)
TerraformStack, TerraformVariable = core.TerraformStack, core.TerraformVariable
CdktfTesting = core.Testing  # aliased: pytest would try to collect `Testing`
DatabricksProvider = databricks.provider.DatabricksProvider

HOST = "https://example.cloud.databricks.com"


def synth_stack(build) -> dict:
    stack = TerraformStack(CdktfTesting.app(), "test")
    DatabricksProvider(stack, "databricks", host=HOST)
    build(stack)
    return json.loads(CdktfTesting.synth(stack))


def secret_variable(stack, name="secret"):
    return TerraformVariable(stack, name, type="string", sensitive=True)


def test_service_principal_defaults_to_group_membership_and_manages_directory():
    doc = synth_stack(lambda s: CicdServicePrincipal(s, "cicd", display_name="ci", project_directory="/Shared/proj"))
    sp = only(doc, "databricks_service_principal")
    assert sp["allow_cluster_create"] is True and sp["display_name"] == "ci"
    group = only(doc, "databricks_group", "data")
    assert group["display_name"] == "mlops-service-principals"
    member = only(doc, "databricks_group_member")
    assert member["member_id"].startswith("${databricks_service_principal.") and member["group_id"].startswith("${data.databricks_group.")
    assert only(doc, "databricks_directory")["path"] == "/Shared/proj"
    (perm,) = resources(doc, "databricks_permissions").values()
    assert perm["directory_path"].startswith("${databricks_directory.")
    assert perm["access_control"] == [{"permission_level": "CAN_MANAGE", "service_principal_name": sp_ref(doc, "application_id")}]
    assert "authorization" not in perm  # no authoritative token permission unless asked for


def sp_ref(doc: dict, attribute: str) -> str:
    (name,) = resources(doc, "databricks_service_principal")
    return f"${{databricks_service_principal.{name}.{attribute}}}"


def test_authoritative_token_permission_keeps_listed_principals_and_adds_the_sp():
    usage = TokenUsageByPermission(keep_can_use=("group:data-engineers", "user:ops@example.com"))
    doc = synth_stack(lambda s: CicdServicePrincipal(s, "cicd", display_name="ci", project_directory="/p", token_usage=usage))
    tokens = [p for p in resources(doc, "databricks_permissions").values() if p.get("authorization") == "tokens"]
    assert len(tokens) == 1
    assert tokens[0]["access_control"] == [
        {"group_name": "data-engineers", "permission_level": "CAN_USE"},
        {"permission_level": "CAN_USE", "user_name": "ops@example.com"},
        {"permission_level": "CAN_USE", "service_principal_name": sp_ref(doc, "application_id")},
    ]
    assert "databricks_group_member" not in doc["resource"]


def test_authoritative_token_permission_without_principals_is_refused():
    with pytest.raises(ValueError, match="keep_can_use"):
        synth_stack(lambda s: CicdServicePrincipal(
            s, "cicd", display_name="ci", project_directory="/p", token_usage=TokenUsageByPermission(keep_can_use=())))


def test_admins_cannot_be_listed_in_the_token_permission():
    usage = TokenUsageByPermission(keep_can_use=("group:admins",))
    with pytest.raises(ValueError, match="admins always keep"):
        synth_stack(lambda s: CicdServicePrincipal(s, "cicd", display_name="ci", project_directory="/p", token_usage=usage))


def build_token(stack, **kwargs):
    cicd = CicdServicePrincipal(stack, "cicd", display_name="ci", project_directory="/p")
    return WorkspaceToken(stack, "token", application_id=cicd.service_principal.application_id,
                          depends_on=[cicd.token_grant], **kwargs)


def test_workspace_token_rotates_before_expiry_and_waits_for_the_grant():
    doc = synth_stack(lambda s: build_token(s, lifetime_days=90, rotation_days=60))
    token = only(doc, "databricks_obo_token")
    (rotation_name,) = resources(doc, "time_rotating")
    (trigger_name,) = resources(doc, "time_static")
    (member_name,) = resources(doc, "databricks_group_member")
    assert token["lifetime_seconds"] == 90 * 86400
    assert only(doc, "time_rotating")["rotation_days"] == 60
    assert token["depends_on"] == [f"databricks_group_member.{member_name}"]
    # A due time_rotating is re-created, not replaced, and re-creation does not fire replace_triggered_by:
    # the token hangs off a time_static that copies the schedule's timestamp and is replaced with it.
    assert only(doc, "time_static")["rfc3339"] == f"${{time_rotating.{rotation_name}.rfc3339}}"
    assert token["lifecycle"] == {
        "create_before_destroy": True,
        "replace_triggered_by": [f"time_static.{trigger_name}"],  # bare address: Terraform rejects ${...}
    }
    # The trigger fires once; the comment (every OBO token argument forces a new token) carries the period's
    # start, so a token whose replacement failed is still replaced by the next apply.
    assert token["comment"] == f"CI/CD token managed by mlops-cicd rotation ${{time_static.{trigger_name}.rfc3339}}"


@pytest.mark.parametrize("value, stamp", [
    (stamped("any text", "2026-01-01T00:00:00Z"), "2026-01-01T00:00:00Z"),
    ("mlops-cicd rotation 2026-03-02T10:11:12Z", "2026-03-02T10:11:12Z"),
    ("a comment without a stamp", None), ("rotation", None), (None, None), (7, None),
])
def test_stamp_of_reads_back_what_stamped_writes(value, stamp):
    assert stamp_of(value) == stamp


@pytest.mark.parametrize("lifetime, rotation", [(60, 60), (30, 45), (10, 0)])
def test_workspace_token_refuses_rotation_not_shorter_than_lifetime(lifetime, rotation):
    with pytest.raises(ValueError, match="rotation_days"):
        synth_stack(lambda s: build_token(s, lifetime_days=lifetime, rotation_days=rotation))


def test_git_credential_belongs_to_the_sp_and_is_managed_by_the_deployer():
    def build(stack):
        cicd = CicdServicePrincipal(stack, "cicd", display_name="ci", project_directory="/p")
        ServicePrincipalGitCredential(stack, "git", service_principal_id=cicd.service_principal.id,
                                      personal_access_token=secret_variable(stack).string_value, git_username="octocat")

    doc = synth_stack(build)
    assert [p for p in doc["provider"]["databricks"] if p.get("alias")] == []  # nothing authenticates as the SP
    credential = only(doc, "databricks_git_credential")
    assert "provider" not in credential
    assert credential["principal_id"] == sp_ref(doc, "id")  # databricks >= 1.116.0, set by an override
    assert credential["personal_access_token"] == "${var.secret}"
    assert credential["git_provider"] == "gitHub"
    assert credential["force"] is True  # the SP may hold one credential: update it rather than fail


def test_git_credential_without_token_is_refused():
    with pytest.raises(ValueError, match="personal_access_token"):
        synth_stack(lambda s: ServicePrincipalGitCredential(
            s, "git", service_principal_id="${var.sp}", personal_access_token="", git_username="u"))


def test_cd_trigger_scope_holds_token_repo_and_server_and_lets_the_reader_read_it():
    doc = synth_stack(lambda s: CdTriggerCredentials(
        s, "trigger", scope_name="staging-proj-cd-credentials", github_token=secret_variable(s).string_value,
        github_repo="owner/proj", github_server="https://github.com", reader="${var.app_id}"))
    (scope_name,) = resources(doc, "databricks_secret_scope")
    assert only(doc, "databricks_secret_scope")["name"] == "staging-proj-cd-credentials"
    secrets = {v["key"]: v["string_value"] for v in resources(doc, "databricks_secret").values()}
    assert secrets == {"token": "${var.secret}", "github_repo": "owner/proj", "github_server": "https://github.com"}
    acl = only(doc, "databricks_secret_acl")
    assert (acl["principal"], acl["permission"], acl["scope"]) == (
        "${var.app_id}", "READ", f"${{databricks_secret_scope.{scope_name}.name}}")


def test_cd_trigger_scope_without_a_reader_is_refused():
    with pytest.raises(ValueError, match="reader"):
        synth_stack(lambda s: CdTriggerCredentials(
            s, "trigger", scope_name="s", github_token=secret_variable(s).string_value, github_repo="o/p",
            github_server="https://github.com", reader=""))


def test_github_secret_refuses_a_literal_value():
    with pytest.raises(ValueError, match="not a literal"):
        synth_stack(lambda s: actions_secret(s, "sec", repository="r", name="X", value="ghp_plaintext"))


def test_github_secret_at_environment_level():
    doc = synth_stack(lambda s: actions_secret(s, "sec", repository="r", name="X", value=secret_variable(s).string_value,
                                               placement="environment", environment="prod"))
    secret = only(doc, "github_actions_environment_secret")
    assert (secret["environment"], secret["secret_name"], secret["plaintext_value"]) == ("prod", "X", "${var.secret}")
    assert "github_actions_secret" not in doc["resource"]


def test_github_environment_resolves_reviewers_and_branch_patterns():
    doc = synth_stack(lambda s: GitHubDeploymentEnvironment(
        s, "env", repository="r", environment="prod", reviewer_users=["alice"], reviewer_teams=["ml-leads"],
        prevent_self_review=True, can_admins_bypass=False, branch_policy="patterns", branch_patterns=["main", "release/*"]))
    env = only(doc, "github_repository_environment")
    (user_name,) = doc["data"]["github_user"]
    (team_name,) = doc["data"]["github_team"]
    assert env["reviewers"] == [{"users": [f"${{data.github_user.{user_name}.id}}"], "teams": [f"${{data.github_team.{team_name}.id}}"]}]
    assert env["deployment_branch_policy"] == {"protected_branches": False, "custom_branch_policies": True}
    assert sorted(p["branch_pattern"] for p in resources(doc, "github_repository_environment_deployment_policy").values()) == ["main", "release/*"]


def test_github_environment_patterns_require_the_patterns_policy():
    with pytest.raises(ValueError, match="branch_patterns"):
        synth_stack(lambda s: GitHubDeploymentEnvironment(s, "env", repository="r", environment="e", branch_patterns=["main"]))


def test_oauth_secret_has_lifetime_and_rotation():
    def build(stack):
        cicd = CicdServicePrincipal(stack, "cicd", display_name="ci", project_directory="/p")
        OAuthSecret(stack, "oauth", service_principal_id=cicd.service_principal.id, lifetime_days=90, rotation_days=30)

    doc = synth_stack(build)
    secret = only(doc, "databricks_service_principal_secret")
    (trigger_name,) = resources(doc, "time_static")
    assert secret["lifetime"] == f"{90 * 86400}s"
    # the provider's own rotation argument forces a new secret: it carries the period's start
    assert secret["time_rotating"] == f"mlops-cicd rotation ${{time_static.{trigger_name}.rfc3339}}"
    assert secret["lifecycle"]["create_before_destroy"] is True


def test_oidc_federation_policy_trusts_one_github_environment():
    def build(stack):
        account = DatabricksProvider(stack, "account", alias="account", host="https://accounts.cloud.databricks.com",
                                     account_id="00000000-0000-0000-0000-000000000000")
        cicd = CicdServicePrincipal(stack, "cicd", display_name="ci", project_directory="/p")
        GitHubOidcFederation(stack, "oidc", service_principal_id=cicd.service_principal.id, owner="o", repository="r",
                             environment="prod", provider=account, audience="00000000-0000-0000-0000-000000000000")

    policy = only(synth_stack(build), "databricks_service_principal_federation_policy")
    assert policy["provider"] == "databricks.account"
    assert policy["oidc_policy"] == {"issuer": "https://token.actions.githubusercontent.com", "subject": "repo:o/r:environment:prod",
                                     "audiences": ["00000000-0000-0000-0000-000000000000"]}
