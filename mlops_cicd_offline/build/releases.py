"""Provider releases the stand-ins serve besides the one each installed binding was generated from, and
what each changes for the types the project uses.

The stacks require releases newer than the bindings (see the library's `stacks/provider_versions.py`);
the emulator restates the facts here itself, from the upstream sources, so a wrong belief in the library
is not copied into its stand-in. A release's changes apply to it and to every later release served.

- databricks 1.116.0 adds `databricks_git_credential.principal_id`: "The ID of the service principal whose
  credentials will be managed. Only service principal managers can use this field." It is an optional
  number without a `tf:"force_new"` tag (so a change is an update), passed to Create, Get, Delete and the
  `force` List. databricks/terraform-provider-databricks v1.116.0 repos/resource_git_credential.go and
  docs/resources/git_credential.md (PR #5750, commit 754a389; v1.116.0 is the first tag holding it).
  `personal_access_token` is Sensitive there too (PR #5395, since v1.110.0; 1.99.0 does not mark it): the
  emulator serves no release in between, so 1.116.0 carries that change as well.
- github 6.11.0 gives `github_actions_secret` and `github_actions_environment_secret` an UpdateContext:
  `plaintext_value` and `encrypted_value` lose ForceNew, so a new value is written in place (6.9.0 and
  6.10.x delete the secret and create it again). New computed `repository_id` and `remote_updated_at`, and
  optional+computed `key_id`; drift (`remote_updated_at` != `updated_at`, util_diff.go diffSecret) plans an
  in-place update instead of 6.9.0's removal from state (`destroy_on_drift`). `repository` loses ForceNew
  too, but diffRepository still replaces when it names another repository, which is all the emulator can
  tell apart, so it stays ForceNew here. integrations/terraform-provider-github v6.11.0
  github/resource_github_actions_secret.go, github/resource_github_actions_environment_secret.go,
  github/util_diff.go. (`value`, which supersedes `plaintext_value`, only arrives in v6.12.0.) 6.11.0 also
  drops `destroy_on_drift`'s default and ForceNew (deprecated: drift is always detected), and gives the
  variables `repository_id` and diffRepository, so naming another repository replaces them.
- Not served, recorded so a newer binding (CDK Terrain's: databricks 1.138.0, github 6.13.0, time 0.14.2) gets
  every change after the overrides' versions: github 6.12.0 adds `value` and `value_encrypted` (sensitive) to
  the secrets; databricks 1.113.0 adds `api`, ForceNew on types without an Update; github 6.13.0, databricks
  1.138.0 and time 0.14.2 change nothing else the stand-ins use (re-checked at v6.13.0, v1.128.0 and v0.14.0,
  the newest tags available; details and citations in NEWER_PROVIDERS.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Release:
    provider: str
    version: str
    added: dict[str, dict[str, dict]] = field(default_factory=dict)
    """type -> attribute -> schema attribute (server/schemas.py's shape) the release adds (a newer binding that
    has it keeps its own shape)."""
    no_longer_force_new: dict[str, frozenset[str]] = field(default_factory=dict)
    force_new: dict[str, frozenset[str]] = field(default_factory=dict)
    """type -> attributes whose change replaces the object from this release on."""
    no_default: dict[str, frozenset[str]] = field(default_factory=dict)
    """type -> attributes that lose the default the overrides state."""
    sensitive: dict[str, frozenset[str]] = field(default_factory=dict)
    """type -> attributes the release marks sensitive."""
    served: bool = True
    """Whether the mirror offers this release besides the binding's own (the stacks pin it). A release that is
    not served records changes and re-checks up to a newer binding's version (CDK Terrain's)."""


_SECRET_ADDITIONS = {
    "repository_id": {"type": "number", "required": False, "optional": False, "computed": True},
    "remote_updated_at": {"type": "string", "required": False, "optional": False, "computed": True},
    "key_id": {"type": "string", "required": False, "optional": True, "computed": True},
}
_SECRET_TYPES = ("github_actions_secret", "github_actions_environment_secret")

_VARIABLE_TYPES = ("github_actions_variable", "github_actions_environment_variable")
_API_FORCE_NEW_TYPES = ("databricks_group_member", "databricks_service_principal_secret")
_SECRET_VALUES_6_12 = {
    "value": {"type": "string", "required": False, "optional": True, "computed": False},
    "value_encrypted": {"type": "string", "required": False, "optional": True, "computed": False},
}

RELEASES = (
    Release("databricks", "1.116.0",
            added={"databricks_git_credential": {
                "principal_id": {"type": "number", "required": False, "optional": True, "computed": False}}},
            sensitive={"databricks_git_credential": frozenset({"personal_access_token"})}),
    Release("github", "6.11.0",
            added={t: dict(_SECRET_ADDITIONS) for t in _SECRET_TYPES},
            no_longer_force_new={"github_actions_secret": frozenset({"plaintext_value", "encrypted_value",
                                                                      "destroy_on_drift"}),
                                 "github_actions_environment_secret": frozenset({"plaintext_value",
                                                                                  "encrypted_value"})},
            no_default={"github_actions_secret": frozenset({"destroy_on_drift"})},
            # variables gain repository_id and diffRepository: naming another repository replaces them
            force_new={t: frozenset({"repository"}) for t in _VARIABLE_TYPES}),
    # The releases below are not served: they carry what changed up to CDK Terrain's bindings (NEWER_PROVIDERS.md).
    Release("github", "6.12.0", served=False,
            added={t: dict(_SECRET_VALUES_6_12) for t in _SECRET_TYPES},
            sensitive={t: frozenset({"value", "value_encrypted"}) for t in _SECRET_TYPES}),
    Release("github", "6.13.0", served=False),
    # `api` (account or workspace API) arrives in v1.113.0; on types without an Update it is ForceNew. The
    # constructs never set it. (Placed at its release, so the served 1.116.0 has it as the real one does.)
    Release("databricks", "1.113.0", served=False,
            added={t: {"api": {"type": "string", "required": False, "optional": True, "computed": False}}
                   for t in _API_FORCE_NEW_TYPES},
            force_new={t: frozenset({"api"}) for t in _API_FORCE_NEW_TYPES}),
    Release("databricks", "1.138.0", served=False),
    Release("time", "0.14.2", served=False),
)


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def served_versions(provider: str, binding_version: str) -> list[str]:
    """The binding's own version, then every newer served release with restated changes, oldest first."""
    newer = [r.version for r in RELEASES if r.provider == provider and r.served
             and version_key(r.version) > version_key(binding_version)]
    return [binding_version, *sorted(newer, key=version_key)]


def changes(provider: str, stated_at: str, version: str) -> list[Release]:
    """The releases after the version the overrides were read at (exclusive) up to `version` (inclusive), oldest
    first: what a served version changes of those facts, also when the installed binding is itself newer (CDK
    Terrain's bindings are generated from releases after every one restated here)."""
    low, high = version_key(stated_at), version_key(version)
    found = [r for r in RELEASES if r.provider == provider and low < version_key(r.version) <= high]
    return sorted(found, key=lambda r: version_key(r.version))


def at_least(version: str, minimum: str) -> bool:
    return bool(version) and version_key(version) >= version_key(minimum)
