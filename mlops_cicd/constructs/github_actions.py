"""GitHub Actions secrets and variables, at repository or environment level."""

from __future__ import annotations

from typing import Literal

from constructs import Construct

from ..framework import core, github
from .rotation import RotationSchedule
from .secret_written import check_written_in_period
from .signature import shows_evaluated_signature

# the framework's classes, by the names used below (mlops_cicd/framework.py chooses CDKTF or CDK Terrain)
TerraformProvider, TerraformResource, Token = core.TerraformProvider, core.TerraformResource, core.Token
ActionsEnvironmentSecret = github.actions_environment_secret.ActionsEnvironmentSecret
ActionsEnvironmentVariable = github.actions_environment_variable.ActionsEnvironmentVariable
ActionsSecret = github.actions_secret.ActionsSecret
ActionsVariable = github.actions_variable.ActionsVariable

Placement = Literal["repository", "environment"]


def _placed(scope: Construct, id: str, placement: str, environment: str | None, repository_level: type,
            environment_level: type, **fields) -> TerraformResource:
    """Create the repository-level or the environment-level flavour of a GitHub Actions resource."""
    if placement not in ("repository", "environment"):
        raise ValueError(f"placement must be 'repository' or 'environment', got {placement!r}")
    if (placement == "environment") != (environment is not None):
        raise ValueError("environment is required with placement='environment' and only used with it")
    if placement == "environment":
        return environment_level(scope, id, environment=environment, **fields)
    return repository_level(scope, id, **fields)


@shows_evaluated_signature
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
    written_since: RotationSchedule | None = None,
) -> TerraformResource:
    """A secret whose value is a reference (resource attribute or sensitive variable), never a literal.

    A literal would be written to the synthesized JSON in plain text, so it is refused.
    Repository secrets are readable by every workflow of anyone with write access; environment secrets
    only by jobs that passed the environment's protection rules.

    Args:
        scope: the stack or construct to add it to.
        id: its construct id (part of the Terraform address: changing it replaces the secret).
        repository: the repository's name alone (the provider's `owner` says whose).
        name: the secret's name, as workflows read it (`secrets.<NAME>`).
        value: a reference (resource attribute or sensitive variable); a literal is refused.
        placement: `repository` or `environment`.
        environment: the GitHub environment's name, with `placement="environment"` only.
        provider: the repository's github provider; default: the stack's default one.
        written_since: the rotation schedule of the credential the secret holds; a deploy then stops, before
            the previous credential is destroyed, while GitHub's copy predates the current period
            (secret_written.py). None: no such check.
    """
    if not Token.is_unresolved(value):
        raise ValueError(
            f"secret {name}: value must reference a resource attribute or a sensitive TerraformVariable, "
            "not a literal (a literal would be written to cdk.tf.json in plain text)"
        )
    secret = _placed(
        scope, id, placement, environment, ActionsSecret, ActionsEnvironmentSecret,
        repository=repository, secret_name=name, plaintext_value=value, provider=provider,
    )
    if written_since is not None:
        check_written_in_period(scope, secret, name=name, repository=repository, environment=environment,
                                rotation=written_since, provider=provider)
    return secret


@shows_evaluated_signature
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
    """A non-secret Actions variable (`vars.<NAME>` in workflows).

    Args:
        scope: the stack or construct to add it to.
        id: its construct id (part of the Terraform address: changing it replaces the variable).
        repository: the repository's name alone (the provider's `owner` says whose).
        name: the variable's name, as workflows read it (`vars.<NAME>`).
        value: its value (not a secret: it is written to the synthesized JSON as it is).
        placement: `repository` or `environment`.
        environment: the GitHub environment's name, with `placement="environment"` only.
        provider: the repository's github provider; default: the stack's default one.
    """
    return _placed(
        scope, id, placement, environment, ActionsVariable, ActionsEnvironmentVariable,
        repository=repository, variable_name=name, value=value, provider=provider,
    )
