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
  github/util_diff.go. (`value`, which supersedes `plaintext_value`, only arrives in v6.12.0.)
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Release:
    provider: str
    version: str
    added: dict[str, dict[str, dict]] = field(default_factory=dict)
    """type -> attribute -> schema attribute (server/schemas.py's shape) the release adds."""
    no_longer_force_new: dict[str, frozenset[str]] = field(default_factory=dict)
    sensitive: dict[str, frozenset[str]] = field(default_factory=dict)
    """type -> attributes the release marks sensitive."""


_SECRET_ADDITIONS = {
    "repository_id": {"type": "number", "required": False, "optional": False, "computed": True},
    "remote_updated_at": {"type": "string", "required": False, "optional": False, "computed": True},
    "key_id": {"type": "string", "required": False, "optional": True, "computed": True},
}
_SECRET_TYPES = ("github_actions_secret", "github_actions_environment_secret")

RELEASES = (
    Release("databricks", "1.116.0",
            added={"databricks_git_credential": {
                "principal_id": {"type": "number", "required": False, "optional": True, "computed": False}}},
            sensitive={"databricks_git_credential": frozenset({"personal_access_token"})}),
    Release("github", "6.11.0",
            added={t: dict(_SECRET_ADDITIONS) for t in _SECRET_TYPES},
            no_longer_force_new={t: frozenset({"plaintext_value", "encrypted_value"}) for t in _SECRET_TYPES}),
)


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def served_versions(provider: str, binding_version: str) -> list[str]:
    """The binding's own version, then every newer release with restated changes, oldest first."""
    newer = [r.version for r in RELEASES if r.provider == provider and version_key(r.version) > version_key(binding_version)]
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
