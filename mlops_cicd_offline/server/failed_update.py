"""What a provider answers for an update that failed: which object Terraform then saves in state.

Terraform keeps whatever non-null object the provider returns with an error (hashicorp/terraform v1.11.4
internal/terraform/node_resource_abstract_instance.go, `case diags.HasErrors() && !newVal.IsNull()`), so
this answer decides whether the next plan still sees the change as pending:

- terraform-plugin-sdk v2 (v2.38.1 helper/schema/resource.go `Resource.Apply`): a failed update returns
  `data.State()`, the prior state merged with the planned diff, i.e. the NEW planned values; values still
  unknown are left out (resource_data.go `State`: `raw.Exists && !raw.Computed`), so they are saved null.
  The next plan finds configuration and state equal and plans nothing, although the remote object still
  holds the old values (unless its Read reads them back, which github secrets' and databricks git
  credentials' Read cannot: the API never returns the value).
- terraform-plugin-framework (v1.14.1 and v1.18.0 internal/fwserver/server_updateresource.go): the
  response state starts as the PRIOR state ("Require explicit provider updates for tracking successful
  updates"), and the resources used here set it only after their API call succeeded.

Which framework each provider and type is built on:
- integrations/github v6.9.0 and v6.11.0: SDK v2 for every type (main.go `plugin.Serve`; go.mod
  terraform-plugin-sdk/v2 v2.38.1 at v6.11.0).
- hashicorp/time v0.13.1: plugin framework (main.go `providerserver.Serve`, framework v1.14.1).
- databricks/databricks v1.99.0 and v1.116.0: SDK v2 (common/resource.go `ToResource`: a failed Update
  returns its diagnostics to the SDK) except the types registered with the plugin framework
  (internal/providers/pluginfw/pluginfw_rollout_utils.go and auto_generation.go, framework v1.18.0 at
  v1.116.0); of the types the stacks use, only `databricks_service_principal_federation_policy`
  (resource_service_principal_federation_policy.go `update`: `state.Set` only after the API call succeeded).
"""

from __future__ import annotations

PLUGIN_FRAMEWORK_PROVIDERS = frozenset({"time"})
PLUGIN_FRAMEWORK_TYPES = frozenset({"databricks_service_principal_federation_policy"})


def built_on_sdk_v2(provider: str, tf_type: str) -> bool:
    return provider not in PLUGIN_FRAMEWORK_PROVIDERS and tf_type not in PLUGIN_FRAMEWORK_TYPES


def state_after_failed_update(provider: str, tf_type: str, prior: dict, planned: dict) -> dict:
    """The object the provider returns with the error of a failed update (`planned` with what is still
    unknown as None, as the stand-in resolves it)."""
    return planned if built_on_sdk_v2(provider, tf_type) else prior
