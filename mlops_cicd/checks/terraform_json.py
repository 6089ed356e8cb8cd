"""What only the checks read in synthesized Terraform JSON: object keys, providers, literals. Resources, references
and strings come from the one reader, `mlops_cicd.synthesized`."""

from __future__ import annotations

from typing import Iterator


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


_NAMED_BY_ONE_STEP = ("output", "variable", "provider", "module", "terraform")


def block_address(path: str) -> str:
    """The Terraform address of the block a JSON path (`strings_with_paths`, `keys_with_paths`) lies in, as
    findings name it: `resource.t.n.attr` -> `t.n`, `data.t.n.attr` -> `data.t.n`, `output.o.value` -> `output.o`,
    `provider.databricks[0].host` -> `provider.databricks`, `terraform.backend.s3.key` -> `terraform.backend`,
    `locals.x` -> `local.x`; any other path as it is. Block types and names hold no `.`."""
    parts = path.split(".")
    kind = parts[0]
    if kind == "resource" and len(parts) >= 3:
        return ".".join(parts[1:3])
    if kind == "data" and len(parts) >= 3:
        return ".".join(parts[:3])
    if kind in _NAMED_BY_ONE_STEP and len(parts) >= 2:
        return f"{kind}.{parts[1].partition('[')[0]}"
    if kind == "locals" and len(parts) >= 2:
        return f"local.{parts[1]}"
    return path
