"""MLOPS001-003: no secret in plain text, the git credential's token set, prod's token kept in its environment."""

from __future__ import annotations

from typing import Iterator

from ..secret_patterns import secret_kinds
from .model import Issue, Stack
from ..synthesized import references, resources, strings_with_paths
from .terraform_json import block_address, keys_with_paths

# Resource attributes that hold a Databricks credential of the SP.
WORKSPACE_CREDENTIAL_ATTRIBUTES = (
    "databricks_obo_token.", "databricks_service_principal_secret.",
)


def literal_secrets(stack: Stack) -> Iterator[Issue]:
    # Every TF_VAR_* of the deploy environment long enough to look for (passed_in_values), declared by this
    # stack or not: another stack's token pasted here leaks all the same.
    passed_in = {f"the value of {name}": value for name, value in stack.environ.items()}
    # Values and keys: a block's name is its Terraform address, shown in plans, logs and state.
    for path, text in (*strings_with_paths(stack.document), *keys_with_paths(stack.document)):
        kinds = secret_kinds(text)
        kinds += [kind for kind, value in passed_in.items() if value in text]
        for kind in kinds:
            # Name the place and the kind only: the message must not repeat the secret.
            yield Issue(
                stack.name,
                f"{path} contains {kind} in plain text; cdk.tf.json and the state would expose it",
                "pass secrets as sensitive variables (set TF_VAR_<name> at deploy time) or resource "
                "attributes, never as Python strings; then revoke this token, it has been written to disk",
                block_address(path),
            )


def git_credential_token(stack: Stack) -> Iterator[Issue]:
    for address, body in resources(stack.document, "databricks_git_credential"):
        if not body.get("personal_access_token"):
            yield Issue(
                stack.name,
                f"{address} has no personal_access_token: the provider then silently stores the deployer's "
                "own GITHUB_TOKEN as the service principal's git credential",
                "set personal_access_token to a sensitive variable (ServicePrincipalGitCredential does; "
                "set TF_VAR_git_read_token at deploy time)",
                address,
            )


def prod_secret_placement(stack: Stack) -> Iterator[Issue]:
    """Repository secrets are readable by every workflow of anyone with write access. Keeping prod's
    workspace credential there is an error unless the config says `secret_placement = "repository"`; then
    it is a warning, printed on every run (suppress it with a reason)."""
    if not stack.is_production:
        return
    explicit = stack.env is not None and stack.env.secret_placement == "repository"
    for address, body in resources(stack.document, "github_actions_secret"):
        values = {key: body.get(key) for key in ("plaintext_value", "encrypted_value")}
        if not any(ref.startswith(WORKSPACE_CREDENTIAL_ATTRIBUTES) for ref in references(values)):
            continue
        exposure = (f"{address} stores {stack.name}'s workspace credential {body.get('secret_name', '')} as a "
                    "repository secret, readable by any workflow run of anyone with write access to the "
                    f"repository, on any branch, without the {stack.name} environment's reviews")
        if explicit:
            yield Issue(
                stack.name, f"{exposure} (secret_placement = \"repository\" is set for this production environment)",
                f"use secret_placement = \"environment\" in [[environments]] {stack.name} and declare "
                f"`environment: {stack.name}` in the workflows; or keep it and suppress MLOPS003 for "
                f"{stack.name} with the reason the workflows need it repository-level",
                address, severity="warning",
            )
        else:
            yield Issue(
                stack.name, exposure,
                f"keep it an environment secret (secret_placement = \"environment\", the production default) "
                f"so only jobs that pass the {stack.name} environment's reviews get it; or, if the workflows "
                f"need it repository-level, say so: secret_placement = \"repository\" in "
                f"[[environments]] {stack.name}",
                address,
            )
