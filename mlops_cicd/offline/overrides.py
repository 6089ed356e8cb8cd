"""Facts the cdktf packages do not carry, transcribed from the upstream provider sources.

Per type: `sensitive` and `force_new` attribute names, `defaults` (planned when the configuration leaves
the attribute unset; we mark such attributes optional+computed so Terraform accepts the planned value),
and `conflicts` (pairs that may not both be set). Only the types the project creates are listed; every
other type keeps the plain schema from the packages.

Sources: databricks/terraform-provider-databricks v1.99.0 (`tf:"force_new"` struct tags, schema
customisations), integrations/terraform-provider-github v6.9.0 (`ForceNew`, `Sensitive`, `Default`),
hashicorp/terraform-provider-time (RequiresReplace plan modifiers on time_rotating).
"""

from __future__ import annotations

RESOURCES: dict[str, dict] = {
    "databricks_service_principal": {
        "force_new": {"application_id"},
        "defaults": {"active": True},
    },
    "databricks_group_member": {"force_new": {"group_id", "member_id"}},
    "databricks_permissions": {
        # the object the permissions apply to is the resource's identity
        "force_new": {"authorization", "directory_path", "directory_id", "cluster_id", "job_id",
                      "notebook_path", "notebook_id", "workspace_file_path", "workspace_file_id",
                      "repo_path", "repo_id", "experiment_id", "registered_model_id", "pipeline_id",
                      "sql_endpoint_id", "sql_dashboard_id", "sql_query_id", "sql_alert_id",
                      "cluster_policy_id", "instance_pool_id", "serving_endpoint_id"},
    },
    "databricks_directory": {"force_new": {"path"}, "defaults": {"delete_recursive": False}},
    "databricks_obo_token": {
        "force_new": {"application_id", "lifetime_seconds", "comment"},
        "sensitive": {"token_value"},
    },
    "databricks_git_credential": {
        "sensitive": {"personal_access_token"},
        "defaults": {"force": False},
    },
    "databricks_secret_scope": {
        "force_new": {"name", "initial_manage_principal", "backend_type", "keyvault_metadata"},
    },
    "databricks_secret": {"force_new": {"key", "scope", "string_value"}, "sensitive": {"string_value"}},
    "databricks_secret_acl": {"force_new": {"scope", "principal", "permission"}},
    "databricks_service_principal_secret": {
        "force_new": {"service_principal_id", "lifetime", "time_rotating"},
        "sensitive": {"secret"},
    },
    "databricks_service_principal_federation_policy": {"force_new": {"service_principal_id", "policy_id"}},
    "github_repository_environment": {
        "force_new": {"repository", "environment"},
        "defaults": {"can_admins_bypass": True, "prevent_self_review": False, "wait_timer": 0},
    },
    "github_repository_environment_deployment_policy": {"force_new": {"repository", "environment"}},
    "github_actions_secret": {
        "force_new": {"repository", "secret_name", "plaintext_value", "encrypted_value"},
        "sensitive": {"plaintext_value", "encrypted_value"},
        "conflicts": [("plaintext_value", "encrypted_value")],
        "defaults": {"destroy_on_drift": True},
    },
    "github_actions_environment_secret": {
        "force_new": {"repository", "environment", "secret_name", "plaintext_value", "encrypted_value"},
        "sensitive": {"plaintext_value", "encrypted_value"},
        "conflicts": [("plaintext_value", "encrypted_value")],
    },
    "github_actions_variable": {"force_new": {"repository", "variable_name"}},
    "github_actions_environment_variable": {"force_new": {"repository", "environment", "variable_name"}},
    "time_rotating": {
        "force_new": {"rfc3339", "rotation_days", "rotation_hours", "rotation_minutes", "rotation_months",
                      "rotation_years", "rotation_rfc3339", "triggers"},
    },
    "time_static": {"force_new": {"rfc3339", "triggers"}},
}

PROVIDERS: dict[str, dict] = {
    "databricks": {"sensitive": {"token", "password", "client_secret", "azure_client_secret",
                                 "google_credentials"}},
    "github": {"sensitive": {"token"}},
    "time": {},
}


def for_resource(type_name: str) -> dict:
    return RESOURCES.get(type_name, {})
