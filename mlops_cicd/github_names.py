"""The names of the GitHub Actions secrets and variables an environment's stack writes: the default each credential
mode gives them, and the environment's `github_names` renaming them (so a project keeps the names its workflows
already read). Dependency-free: configuration validation uses it before cdktf loads."""

from __future__ import annotations

import re
from typing import Mapping

# integrations/terraform-provider-github v6.9.0, github/util.go (validateSecretNameFunc, also used for variable
# names): `^[a-zA-Z_][a-zA-Z0-9_]*$` and no `GITHUB_` prefix (compared upper-cased).
_SECRET_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
RESERVED_PREFIX = "GITHUB_"

TRIGGER_TOKEN_SECRET = "TRIGGER_WORKFLOWS_GITHUB_TOKEN"
"""The repository secret the shared secrets stack writes (`github.shared_secrets_stack`)."""


def env_prefix(environment: str) -> str:
    """`staging-eu` -> `STAGING_EU`: what repository-level names of an environment start with."""
    return environment.upper().replace("-", "_")


def default_names(environment: str, credential_mode: str, placement: str) -> dict[str, str]:
    """What each credential mode writes, by role (`secret:` or `variable:` and what it holds) -> default name.

    Repository-level names are shared by every environment, so they carry the environment's prefix; a PAT's
    always does (`<ENV>_WORKSPACE_TOKEN`, the name the mlops-stacks workflows read)."""
    prefix = env_prefix(environment)
    if credential_mode == "pat":
        return {"secret:workspace_token": f"{prefix}_WORKSPACE_TOKEN"}
    if credential_mode == "oauth":
        at = f"{prefix}_" if placement == "repository" else ""
        return {"secret:client_id": f"{at}DATABRICKS_CLIENT_ID", "secret:client_secret": f"{at}DATABRICKS_CLIENT_SECRET",
                "variable:host": f"{at}DATABRICKS_HOST"}
    return {"variable:host": "DATABRICKS_HOST", "variable:client_id": "DATABRICKS_CLIENT_ID",
            "variable:auth_type": "DATABRICKS_AUTH_TYPE", "variable:token_audience": "DATABRICKS_TOKEN_AUDIENCE"}


def written_names(environment: str, credential_mode: str, placement: str, shared_secrets: bool) -> list[str]:
    """Every default name the stack of this environment writes (the shared secrets stack: the trigger token too)."""
    found = list(default_names(environment, credential_mode, placement).values())
    return found + [TRIGGER_TOKEN_SECRET] if shared_secrets else found


def name_problem(name: str) -> str | None:
    """Why GitHub refuses `name` as a secret or variable name, or None."""
    if not _SECRET_NAME.fullmatch(name):
        return "is not a GitHub secret or variable name: letters, digits and '_', not starting with a digit"
    if name.upper().startswith(RESERVED_PREFIX):
        return f"starts with {RESERVED_PREFIX}, which GitHub reserves; choose another name"
    return None


def renamed(renames: Mapping[str, str], name: str) -> str:
    """The name written for the default `name` (`github_names` maps defaults to the names written)."""
    return renames.get(name, name)
