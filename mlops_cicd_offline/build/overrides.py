"""Facts the cdktf packages do not carry, read in the upstream provider sources at the versions of the installed
bindings (newer releases the stand-ins also serve restate their changes in releases.py).

Per type: `sensitive` and `force_new` attribute (or block) names, `defaults` (planned when the configuration
leaves the attribute unset; we mark such attributes optional+computed so Terraform accepts the planned value),
`conflicts` (pairs that may not both be set), and `source`: the file(s) read, relative to the repository in
UPSTREAM at tag v<version>. An argument that is not force_new is updated in place. Computed, optional and
required come from the bindings themselves (schema_extract.py). Only the types the project creates are
listed; every other type keeps the plain schema from the packages. tests/offline/test_overrides_fidelity.py
checks these facts against the bindings' schema.

How the sources say it:
- databricks (SDKv2): `ForceNew`/`tf:"force_new"`, `Sensitive`/`tf:"sensitive"`, `Default`, `ConflictsWith` in
  the resource's schema; and a resource without Update gets ForceNew on every non-computed attribute
  (common/resource.go, `Resource.ToResource`). Plugin-framework resources: `RequiresReplace` plan modifiers.
- github (SDKv2): `ForceNew`, `Sensitive`, `Default`, `ConflictsWith`.
- time (plugin framework): `RequiresReplace` plan modifiers.
Conditional replacement written as code upstream (a CustomizeDiff, a RequiresReplaceIf) is behaviour, emulated
next to the type in world/ and cited there: time_rotating.rotation_rfc3339 (ReplaceIfOutdated) and
github_repository_environment_deployment_policy's branch_pattern/tag_pattern (customDeploymentPolicyDiffFunction).
Not emulated: AtLeastOneOf validators (time_rotating's rotation arguments; databricks_service_principal's
application_id/display_name) and nested-block sensitivity (github provider `app_auth.pem_file`).
"""

from __future__ import annotations

from itertools import combinations

UPSTREAM: dict[str, tuple[str, str]] = {
    "databricks": ("databricks/terraform-provider-databricks", "1.99.0"),
    "github": ("integrations/terraform-provider-github", "6.9.0"),
    "time": ("hashicorp/terraform-provider-time", "0.13.1"),
}

# databricks_permissions: the object the permissions apply to. Each field is ForceNew and ConflictsWith every
# other one (permissions/resource_permissions.go, fields from permissions/permission_definitions.go).
PERMISSION_OBJECT_FIELDS = (
    "alert_v2_id", "app_name", "authorization", "cluster_id", "cluster_policy_id", "dashboard_id",
    "database_instance_name", "directory_id", "directory_path", "experiment_id", "instance_pool_id", "job_id",
    "notebook_id", "notebook_path", "pipeline_id", "registered_model_id", "repo_id", "repo_path",
    "serving_endpoint_id", "sql_alert_id", "sql_dashboard_id", "sql_endpoint_id", "sql_query_id",
    "vector_search_endpoint_id", "workspace_file_id", "workspace_file_path",
)

# databricks_service_principal entitlements: Optional, Default false (scim/scim.go addEntitlementsToSchema)
_ENTITLEMENTS = ("allow_cluster_create", "allow_instance_pool_create", "databricks_sql_access", "workspace_access",
                 "workspace_consume")

RESOURCES: dict[str, dict] = {
    # ---- databricks 1.99.0 -------------------------------------------------------------------------------
    "databricks_service_principal": {
        "source": "scim/resource_service_principal.go, scim/scim.go",
        # application_id `tf:"computed,force_new"`; everything else updates in place (Update via SCIM PUT)
        "force_new": {"application_id"},
        "defaults": {"active": True, **{name: False for name in _ENTITLEMENTS}},
        "conflicts": [("workspace_consume", "workspace_access"), ("workspace_consume", "databricks_sql_access")],
    },
    "databricks_group_member": {
        # common.NewPairID(...).BindResource (common/pair.go) has no Update: every argument is ForceNew
        "source": "scim/resource_group_member.go, common/pair.go, common/resource.go",
        "force_new": {"group_id", "member_id"},
    },
    "databricks_permissions": {
        "source": "permissions/resource_permissions.go, permissions/permission_definitions.go",
        "force_new": set(PERMISSION_OBJECT_FIELDS),  # access_control is updated in place
        "conflicts": list(combinations(PERMISSION_OBJECT_FIELDS, 2)),
    },
    "databricks_directory": {
        "source": "workspace/resource_directory.go",
        "force_new": {"path"},  # Update only re-reads: object_id and delete_recursive change in place
        "defaults": {"delete_recursive": False},
    },
    "databricks_obo_token": {
        # no Update: application_id, lifetime_seconds and comment are ForceNew (common/resource.go)
        "source": "tokens/resource_obo_token.go, common/resource.go",
        "force_new": {"application_id", "lifetime_seconds", "comment"},
        "sensitive": {"token_value"},
    },
    "databricks_token": {
        "source": "tokens/resource_token.go",
        "force_new": {"lifetime_seconds", "comment"},
        "sensitive": {"token_value"},
    },
    "databricks_git_credential": {
        # Has an Update, no ForceNew; `force` has no Default. personal_access_token is NOT Sensitive in 1.99.0
        # (the schema comes from the Go SDK's CreateCredentialsRequest; PR #5395 marks it sensitive later).
        "source": "repos/resource_git_credential.go",
    },
    "databricks_secret_scope": {
        # no Update: every non-computed argument is ForceNew; backend_type is optional+computed, so it is not
        "source": "secrets/resource_secret_scope.go, common/resource.go",
        "force_new": {"name", "initial_manage_principal", "keyvault_metadata"},
    },
    "databricks_secret": {
        "source": "secrets/resource_secret.go",
        "force_new": {"key", "scope", "string_value"},
        "sensitive": {"string_value"},
    },
    "databricks_secret_acl": {
        "source": "secrets/resource_secret_acl.go",
        "force_new": {"scope", "principal", "permission"},
    },
    "databricks_service_principal_secret": {
        # service_principal_id `tf:"force_new"`, lifetime `tf:"computed,force_new"`, time_rotating ForceNew
        "source": "tokens/resource_service_principal_secret.go",
        "force_new": {"service_principal_id", "lifetime", "time_rotating"},
        "sensitive": {"secret"},
    },
    "databricks_access_control_rule_set": {
        # name ForceNew; etag computed (stored empty); grant_rules updated in place (UpdateRuleSet)
        "source": "permissions/resource_access_control_rule_set.go",
        "force_new": {"name"},
    },
    "databricks_service_principal_federation_policy": {
        "source": "internal/providers/pluginfw/products/service_principal_federation_policy/"
                  "resource_service_principal_federation_policy.go",
        "force_new": {"service_principal_id", "policy_id"},  # RequiresReplace; oidc_policy updates in place
    },
    # ---- github 6.9.0 ------------------------------------------------------------------------------------
    "github_repository_environment": {
        "source": "github/resource_github_repository_environment.go",
        "force_new": {"repository", "environment"},
        "defaults": {"can_admins_bypass": True, "prevent_self_review": False},  # wait_timer has no Default
    },
    "github_repository_environment_deployment_policy": {
        "source": "github/resource_github_repository_environment_deployment_policy.go",
        "force_new": {"repository", "environment"},  # + presence change of a pattern: world/github/environments.py
        "conflicts": [("branch_pattern", "tag_pattern")],
    },
    "github_actions_secret": {
        "source": "github/resource_github_actions_secret.go",
        "force_new": {"repository", "secret_name", "plaintext_value", "encrypted_value", "destroy_on_drift"},
        "sensitive": {"plaintext_value", "encrypted_value"},
        "conflicts": [("plaintext_value", "encrypted_value")],
        "defaults": {"destroy_on_drift": True},
    },
    "github_actions_environment_secret": {
        "source": "github/resource_github_actions_environment_secret.go",
        "force_new": {"repository", "environment", "secret_name", "plaintext_value", "encrypted_value"},
        "sensitive": {"plaintext_value", "encrypted_value"},
        "conflicts": [("plaintext_value", "encrypted_value")],
    },
    "github_actions_variable": {
        "source": "github/resource_github_actions_variable.go",
        "force_new": {"variable_name"},  # repository and value update in place
    },
    "github_actions_environment_variable": {
        "source": "github/resource_github_actions_environment_variable.go",
        "force_new": {"environment", "variable_name"},  # repository and value update in place
    },
    # ---- time 0.13.1 -------------------------------------------------------------------------------------
    "time_rotating": {
        # rotation_days/hours/minutes/months/years have no plan modifier: a change is an in-place update that
        # recomputes rotation_rfc3339 (ModifyPlan/Update); see world/time/rotating.py
        "source": "internal/provider/resource_time_rotating.go",
        "force_new": {"rfc3339", "triggers"},
    },
    "time_static": {
        "source": "internal/provider/resource_time_static.go",
        "force_new": {"rfc3339", "triggers"},
    },
}

PROVIDERS: dict[str, dict] = {
    # Sensitive where the Go SDK's config attribute says `auth:"...,sensitive"` (databricks-sdk-go v0.93.0, the
    # version in 1.99.0's go.mod, config/config.go), copied by internal/providers/sdkv2/sdkv2.go providerSchema.
    "databricks": {"source": "internal/providers/sdkv2/sdkv2.go, go.mod",
                   "sensitive": {"token", "password", "client_secret", "azure_client_secret", "google_credentials",
                                 "metadata_service_url"}},
    # 6.9.0: `token` is not Sensitive (only the nested app_auth.pem_file is)
    "github": {"source": "github/provider.go"},
    "time": {"source": "internal/provider/provider.go"},
}


def for_resource(type_name: str) -> dict:
    return RESOURCES.get(type_name, {})
