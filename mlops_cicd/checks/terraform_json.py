"""Reading synthesized Terraform JSON: resources, references inside `${...}`, providers, strings."""

from __future__ import annotations

import re
from typing import Iterator

_INTERPOLATION = re.compile(r"\$\{(.*?)\}", re.S)
_REFERENCE = re.compile(r"(?<![\w.\"])([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)+)")


def resources(document: dict, kind: str) -> Iterator[tuple[str, dict]]:
    """(address, body) of every managed resource of `kind`."""
    for name, body in (document.get("resource", {}).get(kind) or {}).items():
        yield f"{kind}.{name}", body


def all_resources(document: dict) -> Iterator[tuple[str, dict]]:
    for kind in document.get("resource", {}) or {}:
        yield from resources(document, kind)


def references(value: object) -> set[str]:
    """Dotted names referenced inside `${...}` anywhere in `value`: `var.x`, `type.name.attr`, ..."""
    found: set[str] = set()
    for text in strings(value):
        for expression in _INTERPOLATION.findall(text):
            found.update(_REFERENCE.findall(expression))
    return found


def strings(value: object, path: str = "") -> Iterator[str]:
    for _, text in strings_with_paths(value, path):
        yield text


def strings_with_paths(value: object, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string leaf of a JSON value with its dotted path (list items as `[i]`)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings_with_paths(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings_with_paths(item, f"{path}[{index}]")


def keys_with_paths(value: object, path: str = "") -> Iterator[tuple[str, str]]:
    """Every object key of a JSON value with its dotted path: block names are Terraform addresses."""
    if isinstance(value, dict):
        for key, item in value.items():
            inner = f"{path}.{key}" if path else str(key)
            yield inner, str(key)
            yield from keys_with_paths(item, inner)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from keys_with_paths(item, f"{path}[{index}]")


def provider_config(document: dict, body: dict, provider: str) -> dict | None:
    """The configuration of the `provider` a resource uses (`provider = "<provider>.<alias>"` or the default)."""
    alias = (body.get("provider") or provider).partition(".")[2] or None
    configs = (document.get("provider") or {}).get(provider) or []
    for config in configs if isinstance(configs, list) else [configs]:
        if config.get("alias") == alias:
            return config
    return None


def literal(value: object) -> str | None:
    """`value` if it is a string known at synth (no `${...}` interpolation), else None."""
    return value if isinstance(value, str) and "${" not in value else None


def workspace_of(document: dict, body: dict) -> str | None:
    """The host of the Databricks provider a resource uses (`provider = "databricks.<alias>"`)."""
    host = (provider_config(document, body, "databricks") or {}).get("host")
    return host.rstrip("/") if isinstance(host, str) else None
