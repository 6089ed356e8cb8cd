"""MLOPS008, 009, 011: outputs that carry secrets are sensitive; production state is not a local file; every
stack has a state of its own, at a key its backend accepts unchanged."""

from __future__ import annotations

from collections import defaultdict
from typing import Iterator

from .model import Issue, Stack, Synthesis
from ..synthesized import backend_kind
from .state_keys import state_location
from ..synthesized import references

# Attributes that hold a secret, whichever resource they belong to.
SENSITIVE_ATTRIBUTES = frozenset({
    "token_value", "secret", "plaintext_value", "encrypted_value", "personal_access_token",
    "string_value", "client_secret", "token", "password",
})
# A reference to the whole object exposes its secret attributes too.
SECRET_HOLDING_TYPES = frozenset({
    "databricks_obo_token", "databricks_service_principal_secret", "databricks_token",
    "databricks_git_credential", "databricks_secret", "github_actions_secret", "github_actions_environment_secret",
})


def _is_sensitive(reference: str, sensitive_variables: set[str]) -> bool:
    parts = reference.split(".")
    if parts[0] == "var":
        return parts[1] in sensitive_variables
    if parts[0] == "data":
        return len(parts) > 3 and parts[3] in SENSITIVE_ATTRIBUTES
    return (len(parts) > 2 and parts[2] in SENSITIVE_ATTRIBUTES) or (len(parts) == 2 and parts[0] in SECRET_HOLDING_TYPES)


def sensitive_outputs(stack: Stack) -> Iterator[Issue]:
    document = stack.document
    sensitive_variables = {n for n, v in (document.get("variable") or {}).items() if v.get("sensitive")}
    for name, output in (document.get("output") or {}).items():
        leaked = sorted(r for r in references(output.get("value")) if _is_sensitive(r, sensitive_variables))
        if leaked and output.get("sensitive") is not True:
            yield Issue(
                stack.name,
                f"output {name} exposes {', '.join(leaked)} but is not sensitive: `terraform output` and "
                "CI logs print it",
                "declare it TerraformOutput(..., sensitive=True), or do not output the secret",
                f"output.{name}",
            )


def production_local_backend(stack: Stack) -> Iterator[Issue]:
    if stack.is_production and backend_kind(stack.document) == "local":
        yield Issue(
            stack.name,
            f"production stack {stack.name} keeps its state (which holds the tokens) in a local file: "
            "no locking, no backup, readable by whoever has the disk",
            f"set [environments.backend] type = \"s3\" / \"azurerm\" / \"gcs\" / \"pg\" / \"cloud\" for "
            f"{stack.name}; or, while trying things out, suppress MLOPS009 with a reason",
            "terraform.backend",
        )


def state_keys(synthesis: Synthesis) -> Iterator[Issue]:
    """Two stacks on one state destroy each other's resources on apply (each plans the other's as gone)."""
    locations = {stack.name: state_location(stack.name, stack.document) for stack in synthesis.stacks}
    sharing: dict[str, list[str]] = defaultdict(list)
    for name, location in locations.items():
        if location is not None:
            for claimed in location.claims:  # the state itself and what the backend writes beside it
                sharing[claimed].append(name)
    for name, location in locations.items():
        if location is None:
            continue
        for problem in location.problems:
            yield Issue(name, f"state of stack {name}: {problem}",
                        "keep the derived state key (do not override it), or shorten the project or environment "
                        "name; a local path must be absolute and outside cdktf.out", "terraform.backend")
        others = sorted({other for claimed in location.claims for other in sharing[claimed] if other != name})
        if others:
            yield Issue(
                name,
                f"stack {name} shares its state ({location.shown}) with {', '.join(others)}: applying one "
                "destroys the other's resources",
                f"give each stack its own state: environment names derive the key, so check [environments.backend] "
                f"of {name} and {', '.join(others)} (a local path, or an overridden key, must differ)",
                "terraform.backend",
            )
