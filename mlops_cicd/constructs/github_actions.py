"""GitHub Actions secrets and variables, at repository or environment level."""

from __future__ import annotations

from typing import Literal

from cdktf import TerraformProvider, TerraformResource, Token
from cdktf_cdktf_provider_github.actions_environment_secret import ActionsEnvironmentSecret
from cdktf_cdktf_provider_github.actions_environment_variable import ActionsEnvironmentVariable
from cdktf_cdktf_provider_github.actions_secret import ActionsSecret
from cdktf_cdktf_provider_github.actions_variable import ActionsVariable
from constructs import Construct

Placement = Literal["repository", "environment"]


def _check_placement(placement: str, environment: str | None) -> None:
    if placement not in ("repository", "environment"):
        raise ValueError(f"placement must be 'repository' or 'environment', got {placement!r}")
    if (placement == "environment") != (environment is not None):
        raise ValueError("environment is required with placement='environment' and only used with it")


def actions_secret(
    scope: Construct,
    id: str,
    *,
    repository: str,
    name: str,
    value: str,
    placement: Placement = "repository",
    environment: str | None = None,
    provider: TerraformProvider | None = None,
) -> TerraformResource:
    """A secret whose value is a reference (resource attribute or sensitive variable), never a literal.

    A literal would be written to the synthesized JSON in plain text, so it is refused.
    Repository secrets are readable by every workflow of anyone with write access; environment secrets
    only by jobs that passed the environment's protection rules.
    """
    _check_placement(placement, environment)
    if not Token.is_unresolved(value):
        raise ValueError(
            f"secret {name}: value must reference a resource attribute or a sensitive TerraformVariable, "
            "not a literal (a literal would be written to cdk.tf.json in plain text)"
        )
    if placement == "environment":
        return ActionsEnvironmentSecret(
            scope, id, repository=repository, environment=environment, secret_name=name, plaintext_value=value,
            provider=provider,
        )
    return ActionsSecret(scope, id, repository=repository, secret_name=name, plaintext_value=value, provider=provider)


def actions_variable(
    scope: Construct,
    id: str,
    *,
    repository: str,
    name: str,
    value: str,
    placement: Placement = "repository",
    environment: str | None = None,
    provider: TerraformProvider | None = None,
) -> TerraformResource:
    """A non-secret Actions variable (`vars.<NAME>` in workflows)."""
    _check_placement(placement, environment)
    if placement == "environment":
        return ActionsEnvironmentVariable(
            scope, id, repository=repository, environment=environment, variable_name=name, value=value,
            provider=provider,
        )
    return ActionsVariable(scope, id, repository=repository, variable_name=name, value=value, provider=provider)
