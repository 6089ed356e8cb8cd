"""Configuration checks Terraform core leaves to the provider.

Core already rejects unknown attribute names, missing required ones and wrong types from the schema;
it does not reject a value set on a computed-only attribute, nor arguments that conflict.
"""

from __future__ import annotations


def _is_set(value) -> bool:
    return value is not None and value != [] and value != {}


def _elements(value, nesting: str) -> list:
    """The objects inside a block or nested attribute value, whatever its nesting mode."""
    if value is None:
        return []
    if nesting == "map":
        return list(value.values()) if isinstance(value, dict) else []
    return value if isinstance(value, list) else [value]


def problems(block: dict, config: dict | None, path: tuple = ()) -> list[tuple[str, str, tuple]]:
    """[(summary, detail, attribute path)] for one configuration object (blocks checked recursively)."""
    found: list[tuple[str, str, tuple]] = []
    if not isinstance(config, dict):
        return found
    for name, attr in block["attributes"].items():
        value = config.get(name)
        if attr["computed"] and not attr["optional"] and not attr["required"] and _is_set(value):
            found.append(("Value for unconfigurable attribute",
                          f'Can\'t configure a value for "{name}": its value will be decided automatically '
                          "based on the result of applying this configuration.", path + (name,)))
        elif "nested" in attr and _is_set(value):  # framework nested attributes: check their fields too
            nested = {"attributes": attr["nested"]["attributes"], "blocks": {}}
            for item in _elements(value, attr["nested"]["nesting"]):
                found.extend(problems(nested, item, path + (name,)))
    for first, second in block.get("conflicts", ()):
        if _is_set(config.get(first)) and _is_set(config.get(second)):
            found.append(("Conflicting configuration arguments",
                          f'"{first}": conflicts with {second}', path + (first,)))
    for name, nested in block["blocks"].items():
        for item in _elements(config.get(name), nested["nesting"]):
            found.extend(problems(nested["block"], item, path + (name,)))
    return found
