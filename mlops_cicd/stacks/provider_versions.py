"""The provider releases the stacks need, and pinning each stack to at least them.

The cdktf bindings installed here were generated from older releases (databricks 1.99.0, github 6.9.0) and
write those versions into `terraform.required_providers`. The constructs rely on behaviour added later:

- databricks 1.116.0: `databricks_git_credential.principal_id`, so the deployer manages the service
  principal's git credential and no provider has to authenticate as the SP (databricks/terraform-provider-
  databricks PR #5750, repos/resource_git_credential.go; v1.116.0 is the first release holding it);
- github 6.11.0: `github_actions_secret` / `github_actions_environment_secret` update a new value in place
  (UpdateContext; `plaintext_value` no longer forces replacement), so a rotation never deletes the secret
  CI reads (integrations/terraform-provider-github v6.11.0 github/resource_github_actions_secret.go; 6.10.x
  still replaces it).
"""

from __future__ import annotations

from ..framework import core

# the framework's classes, by the names used below (mlops_cicd/framework.py chooses CDKTF or CDK Terrain)
TerraformProvider, TerraformStack = core.TerraformProvider, core.TerraformStack


MINIMUM_VERSIONS = {"databricks": "1.116.0", "github": "6.11.0"}
"""Provider local name -> the first release with what the constructs rely on (see above)."""


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def required_version(provider: TerraformProvider) -> str:
    """The exact version a stack must pin for `provider`: its binding's, or our minimum if that is newer."""
    metadata = provider.terraform_generator_metadata
    name, binding = metadata.provider_name, metadata.provider_version
    minimum = MINIMUM_VERSIONS.get(name)
    return minimum if minimum is not None and _key(minimum) > _key(binding) else binding


def pin_provider_versions(stack: TerraformStack, providers: list[TerraformProvider]) -> None:
    """Pin `terraform.required_providers.<name>.version` to `required_version` where the binding's is older.

    The bindings know nothing of the newer attributes (e.g. `principal_id`): the constructs set those with
    `add_override`, and this pin makes `terraform init` fetch a release that accepts them.
    """
    for provider in providers:
        metadata = provider.terraform_generator_metadata
        version = required_version(provider)
        if version != metadata.provider_version:
            stack.add_override(f"terraform.required_providers.{metadata.provider_name}.version", version)
