"""Secrets passed in through `TF_VAR_*`: found in text by value, named only by their variable.

A configuration value that contains one (a token pasted as a reviewer login, say) must be refused, and no
message may repeat it: it would end up in a construct id, a Terraform address, a log.
"""

from __future__ import annotations

from typing import Mapping

from .secret_patterns import MIN_SECRET_VALUE_LENGTH, secret_kinds

TF_VAR_PREFIX = "TF_VAR_"
# Credentials the deployer's providers and the backends read from the environment: never in a message either.
CREDENTIAL_VARIABLES = (
    "DATABRICKS_TOKEN", "DATABRICKS_CLIENT_SECRET", "GITHUB_TOKEN", "GH_TOKEN", "PG_CONN_STR",
    "ARM_CLIENT_SECRET", "ARM_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "GOOGLE_OAUTH_ACCESS_TOKEN", "GOOGLE_CREDENTIALS",
)
CREDENTIAL_PREFIX = "TF_TOKEN_"  # Terraform's token for a host (`TF_TOKEN_app_terraform_io`)


def passed_in_values(environ: Mapping[str, str]) -> dict[str, str]:
    """`TF_VAR_<name>` -> value, for every such variable long enough to be looked for."""
    return {key: value for key, value in environ.items()
            if key.startswith(TF_VAR_PREFIX) and len(value) >= MIN_SECRET_VALUE_LENGTH}


def secret_values(environ: Mapping[str, str]) -> dict[str, str]:
    """Every secret of the environment a message must not repeat, by variable: the `TF_VAR_*` values
    (`passed_in_values`) and the credentials of the deployer and the backends (`CREDENTIAL_VARIABLES`,
    `TF_TOKEN_*`), each long enough to be looked for."""
    credentials = {key: value for key, value in environ.items()
                   if (key in CREDENTIAL_VARIABLES or key.startswith(CREDENTIAL_PREFIX))
                   and len(value) >= MIN_SECRET_VALUE_LENGTH}
    return {**passed_in_values(environ), **credentials}


def secret_in(text: str, passed_in: Mapping[str, str]) -> str | None:
    """What secret `text` holds ("a GitHub token ...", "the value of TF_VAR_x"), or None; never the secret."""
    kinds = secret_kinds(text) + [f"the value of {name}" for name, value in passed_in.items() if value in text]
    return " and ".join(kinds) if kinds else None
