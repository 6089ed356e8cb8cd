"""Generic planning shared by every type: defaults, unknown computed values, ForceNew replacement."""

from __future__ import annotations

import copy

from mlops_cicd_offline.server.values import UNKNOWN


def _mark_new_computed(block: dict, planned: dict, config: dict) -> None:
    """A new object: computed attributes the configuration leaves unset are known only after apply."""
    for name, attr in block["attributes"].items():
        if attr["computed"] and config.get(name) is None and planned.get(name) is None and "default" not in attr:
            planned[name] = UNKNOWN


def plan(block: dict, prior: dict | None, proposed: dict | None, config: dict | None) -> tuple[dict | None, list[str]]:
    """Return (planned state, names of attributes that force replacement)."""
    if proposed is None:
        return None, []
    planned = copy.deepcopy(proposed)
    for name, attr in block["attributes"].items():
        if "default" in attr and config.get(name) is None:
            planned[name] = attr["default"]
    if prior is None:
        _mark_new_computed(block, planned, config)
        return planned, []
    replace = [name for name, spec in {**block["attributes"], **block["blocks"]}.items()
               if spec.get("force_new") and planned.get(name) != prior.get(name)]
    if replace:
        for name, attr in block["attributes"].items():
            if attr["computed"] and config.get(name) is None and "default" not in attr:
                planned[name] = UNKNOWN
    return planned, replace


def resolve_unknowns(value):
    """After apply nothing may stay unknown: generic types answer null for what they cannot know."""
    if value is UNKNOWN:
        return None
    if isinstance(value, dict):
        return {k: resolve_unknowns(v) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve_unknowns(v) for v in value]
    return value
