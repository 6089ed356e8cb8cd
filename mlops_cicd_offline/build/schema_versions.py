"""The state schema version of each resource type the project creates, per provider release, and which older
versions the release upgrades with a state upgrader.

Why it matters: Terraform stores each object's `schema_version` with its state and compares it with the
provider's. A plan or apply first sends an older object through the provider's UpgradeResourceState
(hashicorp/terraform v1.11.4 internal/terraform/upgrade_resource_state.go), but `terraform show -json` does
not: it refuses the whole state ("schema version 0 for github_repository_environment.x in state does not match
version 1 from the provider", internal/command/jsonstate/state.go) until an apply, e.g. `apply -refresh-only`,
has saved the upgraded objects. A plan never saves them.

How the sources say it:
- SDK v2 (github; databricks through common.Resource, whose `SchemaVersion` and `StateUpgraders` are copied
  into the schema.Resource, common/resource.go `ToResource`): `SchemaVersion: N` and `StateUpgraders`, each
  upgrading JSON state from its `Version` to the next. A JSON state older than N with no upgrader for its
  version passes through unchanged (`MigrateState` only handles pre-0.12 flatmap states), and after the
  upgraders every attribute the current schema lacks is dropped, every one it adds is null
  (terraform-plugin-sdk v2.38.1 helper/schema/grpc_provider.go `UpgradeResourceState`, `upgradeJSONState`,
  `removeAttributes`; the same at v2.40.1, which github 6.13.0 uses).
- Plugin framework (time; databricks_service_principal_federation_policy): `schema.Schema{Version: N}`; none of
  ours sets it, so they stay at 0.
- Data sources: Terraform never upgrades their state (upgrade_resource_state.go returns early for them), and
  none of those the constructs read declares a version (github v6.9.0-v6.13.0 github/data_source_github_*.go;
  databricks v1.99.0/v1.128.0 scim/data_service_principals.go, scim/data_group.go), so they are 0.

Which tag was read for each release: v<release>, except databricks 1.138.0 (v1.128.0, the newest tag in the
snapshot; main@684f442 has no change to these files since) and time 0.14.2 (v0.14.0, the newest tag; main after
it only bumps dependencies). See NEWER_PROVIDERS.md. Every release the emulator records (overrides.UPSTREAM and
releases.RELEASES) has a row for every type below; a type not listed (one the project does not create) stays
at 0. What each upgrader does to the state is emulated next to the type, in world/ (`Resource.state_upgraders`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class At:
    """A type's schema at one release: its SchemaVersion, and the versions a StateUpgrader starts from."""

    version: int
    upgraders: tuple[int, ...] = ()


@dataclass(frozen=True)
class TypeVersions:
    provider: str
    releases: dict[str, At]
    source: str
    """The upstream file read (at the tag of each release, see the module docstring), and what it says."""


class MissingSchemaVersion(LookupError):
    """A served release of a type the project creates has no row here: read it upstream and add it."""


def _unversioned(provider: str, releases: tuple[str, ...], source: str) -> TypeVersions:
    return TypeVersions(provider, {release: At(0) for release in releases}, source)


_DATABRICKS = ("1.99.0", "1.113.0", "1.116.0", "1.138.0")
_GITHUB = ("6.9.0", "6.11.0", "6.12.0", "6.13.0")
_TIME = ("0.13.1", "0.14.2")
_NO_VERSION_DATABRICKS = "no SchemaVersion in the common.Resource at v1.99.0, v1.113.0, v1.116.0, v1.128.0"

TYPES: dict[str, TypeVersions] = {
    # ---- databricks/terraform-provider-databricks (SDK v2 through common.Resource) --------------------------
    "databricks_service_principal": _unversioned("databricks", _DATABRICKS,
                                                 f"scim/resource_service_principal.go: {_NO_VERSION_DATABRICKS}"),
    "databricks_group_member": _unversioned("databricks", _DATABRICKS,
                                            f"scim/resource_group_member.go, common/pair.go: {_NO_VERSION_DATABRICKS}"),
    "databricks_permissions": _unversioned("databricks", _DATABRICKS,
                                           f"permissions/resource_permissions.go: {_NO_VERSION_DATABRICKS}"),
    "databricks_directory": _unversioned("databricks", _DATABRICKS,
                                         f"workspace/resource_directory.go: {_NO_VERSION_DATABRICKS}"),
    "databricks_obo_token": _unversioned("databricks", _DATABRICKS,
                                         f"tokens/resource_obo_token.go: {_NO_VERSION_DATABRICKS}"),
    "databricks_token": _unversioned("databricks", _DATABRICKS, f"tokens/resource_token.go: {_NO_VERSION_DATABRICKS}"),
    "databricks_secret": _unversioned("databricks", _DATABRICKS,
                                      f"secrets/resource_secret.go: {_NO_VERSION_DATABRICKS}; none either in PR #5782 "
                                      "head f9e921d, which adds the write-only value 1.138.0's bindings show"),
    "databricks_secret_acl": _unversioned("databricks", _DATABRICKS,
                                          f"secrets/resource_secret_acl.go: {_NO_VERSION_DATABRICKS}"),
    "databricks_service_principal_secret": _unversioned(
        "databricks", _DATABRICKS, f"tokens/resource_service_principal_secret.go: {_NO_VERSION_DATABRICKS}"),
    "databricks_access_control_rule_set": _unversioned(
        "databricks", _DATABRICKS, f"permissions/resource_access_control_rule_set.go: {_NO_VERSION_DATABRICKS}"),
    "databricks_service_principal_federation_policy": _unversioned(
        "databricks", _DATABRICKS,
        "internal/providers/pluginfw/products/service_principal_federation_policy/"
        "resource_service_principal_federation_policy.go: plugin framework, `schema.Schema{...}` without Version "
        "at v1.99.0 and v1.128.0"),
    "databricks_git_credential": TypeVersions(
        "databricks", {release: At(1) for release in _DATABRICKS},
        "repos/resource_git_credential.go: `SchemaVersion: 1` and no StateUpgraders at v1.99.0, v1.113.0, v1.116.0, "
        "v1.128.0, so an older state passes through"),
    "databricks_secret_scope": TypeVersions(
        "databricks", {release: At(2) for release in _DATABRICKS},
        "secrets/resource_secret_scope.go: `SchemaVersion: 2` and no StateUpgraders at v1.99.0, v1.113.0, v1.116.0, "
        "v1.128.0, so an older state passes through"),
    # ---- integrations/terraform-provider-github (SDK v2) ----------------------------------------------------
    "github_actions_secret": TypeVersions(
        "github", {"6.9.0": At(1), "6.11.0": At(2, (0, 1)), "6.12.0": At(2, (0, 1)), "6.13.0": At(2, (0, 1))},
        "github/resource_github_actions_secret.go: v6.9.0 `SchemaVersion: 1` with only a (flatmap) MigrateState, "
        "so a JSON state passes through; from v6.11.0 `SchemaVersion: 2`, StateUpgraders V0 (destroy_on_drift "
        "true when absent) and V1 (repository_id from Repositories.Get), "
        "github/resource_github_actions_secret_migration.go"),
    "github_actions_environment_secret": TypeVersions(
        "github", {"6.9.0": At(0), "6.11.0": At(1, (0,)), "6.12.0": At(1, (0,)), "6.13.0": At(1, (0,))},
        "github/resource_github_actions_environment_secret.go: no SchemaVersion at v6.9.0; from v6.11.0 "
        "`SchemaVersion: 1`, StateUpgrader V0 (id rebuilt with buildID(repository, escapeIDPart(environment), "
        "secret_name); repository_id from Repositories.Get), "
        "github/resource_github_actions_environment_secret_migration.go"),
    "github_actions_variable": TypeVersions(
        "github", {"6.9.0": At(0), "6.11.0": At(1, (0,)), "6.12.0": At(1, (0,)), "6.13.0": At(1, (0,))},
        "github/resource_github_actions_variable.go: no SchemaVersion at v6.9.0; from v6.11.0 `SchemaVersion: 1`, "
        "StateUpgrader V0 (repository_id from Repositories.Get), github/resource_github_actions_variable_migration.go"),
    "github_actions_environment_variable": TypeVersions(
        "github", {"6.9.0": At(0), "6.11.0": At(1, (0,)), "6.12.0": At(1, (0,)), "6.13.0": At(1, (0,))},
        "github/resource_github_actions_environment_variable.go: no SchemaVersion at v6.9.0; from v6.11.0 "
        "`SchemaVersion: 1`, StateUpgrader V0 (id rebuilt as for the environment secret; repository_id), "
        "github/resource_github_actions_environment_variable_migration.go"),
    "github_repository_environment": TypeVersions(
        "github", {"6.9.0": At(0), "6.11.0": At(0), "6.12.0": At(1, (0,)), "6.13.0": At(1, (0,))},
        "github/resource_github_repository_environment.go: no SchemaVersion at v6.9.0 and v6.11.0; from v6.12.0 "
        "`SchemaVersion: 1`, StateUpgrader V0 (repository_id from Repositories.Get), "
        "github/resource_github_repository_environment_migration.go"),
    "github_repository_environment_deployment_policy": TypeVersions(
        "github", {"6.9.0": At(0), "6.11.0": At(0), "6.12.0": At(1, (0,)), "6.13.0": At(1, (0,))},
        "github/resource_github_repository_environment_deployment_policy.go: no SchemaVersion at v6.9.0 and "
        "v6.11.0; from v6.12.0 `SchemaVersion: 1`, StateUpgrader V0 (repository_id from Repositories.Get; policy_id "
        "the third part of the id, parseID3), github/resource_github_repository_environment_deployment_policy_"
        "migration.go"),
    # ---- hashicorp/terraform-provider-time (plugin framework) -----------------------------------------------
    "time_rotating": _unversioned("time", _TIME, "internal/provider/resource_time_rotating.go: `schema.Schema{...}` "
                                                 "without Version at v0.13.1 and v0.14.0"),
    "time_static": _unversioned("time", _TIME, "internal/provider/resource_time_static.go: `schema.Schema{...}` "
                                               "without Version at v0.13.1 and v0.14.0"),
}


def at(provider: str, release: str, tf_type: str) -> At:
    """The schema version of `tf_type` at `release` of `provider` (0 for a type the project does not create)."""
    stated = TYPES.get(tf_type)
    if stated is None or stated.provider != provider:
        return At(0)
    if release not in stated.releases:
        raise MissingSchemaVersion(
            f"{tf_type}: no schema version stated for {provider} {release}; read its SchemaVersion and "
            f"StateUpgraders upstream ({stated.source.split(':')[0]}) and add the release to "
            "mlops_cicd_offline/build/schema_versions.py")
    return stated.releases[release]
