"""The environment of the terraform command a stand-in provider is serving.

A provider that Terraform launches inherits the command's environment, so that is `os.environ`. A pooled
provider (harness/pool.py: one long-running process per provider version, reached through Terraform's
`TF_REATTACH_PROVIDERS`) outlives every command it serves and was started with none of their environments:
the harness writes each command's environment to a file (`POOL_ENV_FILE` names it) before the command runs,
and the plugin reads it here. Only what the providers read goes into that file (`SERVED_PREFIXES`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

POOL_ENV_FILE = "MLOPS_OFFLINE_POOL_ENV_FILE"
SERVED_PREFIXES = ("DATABRICKS_", "GITHUB_TOKEN", "GITHUB_OWNER", "MLOPS_OFFLINE_")
"""Everything the stand-ins read from the command's environment: the deployer's Databricks authentication (the
SDK's fallback, world/databricks/auth.py), the GitHub owner and the git credential's token fallbacks, the world's
state dir and the event log's labels. A new read of the environment must be served here too."""


def served_part(env: Mapping[str, str]) -> dict[str, str]:
    """The part of a command's environment a pooled provider is given."""
    return {k: v for k, v in env.items() if k.startswith(SERVED_PREFIXES) and k != POOL_ENV_FILE}


def current() -> Mapping[str, str]:
    """The environment of the command being served (a pooled plugin reads the file at every call: it is
    small, and the harness rewrites it between commands)."""
    path = os.environ.get(POOL_ENV_FILE)
    return json.loads(Path(path).read_text()) if path else os.environ
