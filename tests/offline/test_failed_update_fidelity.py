"""The state a stand-in returns with a failed update follows the provider's plugin framework
(mlops_cicd_offline/server/failed_update.py): SDK v2 types answer the planned values, plugin-framework types the prior
state. Terraform saves whichever it gets, so this decides whether the next plan retries the change."""

from __future__ import annotations

import pytest

from mlops_cicd_offline.server.failed_update import state_after_failed_update

PRIOR, PLANNED = {"value": "old"}, {"value": "new"}


@pytest.mark.parametrize("provider, tf_type", [
    ("github", "github_actions_secret"), ("github", "github_actions_environment_secret"),
    ("github", "github_repository_environment"), ("databricks", "databricks_git_credential"),
    ("databricks", "databricks_permissions"), ("databricks", "databricks_service_principal"),
])
def test_sdk_v2_types_record_the_planned_values_of_a_failed_update(provider, tf_type):
    assert state_after_failed_update(provider, tf_type, PRIOR, PLANNED) == PLANNED


@pytest.mark.parametrize("provider, tf_type", [
    ("time", "time_rotating"), ("time", "time_static"),
    ("databricks", "databricks_service_principal_federation_policy"),
])
def test_plugin_framework_types_keep_the_prior_state_of_a_failed_update(provider, tf_type):
    assert state_after_failed_update(provider, tf_type, PRIOR, PLANNED) == PRIOR
