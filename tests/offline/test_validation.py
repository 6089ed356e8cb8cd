"""Provider-side configuration checks (what Terraform core leaves to the provider)."""

from __future__ import annotations

from mlops_cicd_offline.server.validation import problems
from mlops_cicd_offline.server.values import UNKNOWN


def _attr(**flags):
    return {"type": "string", "required": False, "optional": False, "computed": False, **flags}


BLOCK = {
    "attributes": {
        "name": _attr(required=True),
        "token_value": _attr(computed=True),
        "plaintext_value": _attr(optional=True),
        "encrypted_value": _attr(optional=True),
        "policy": {"nested": {"nesting": "single", "attributes": {"uid": _attr(computed=True)}},
                   "required": False, "optional": True, "computed": False},
    },
    "blocks": {"rule": {"nesting": "list", "min": 0, "max": 0,
                        "block": {"attributes": {"created_at": _attr(computed=True)}, "blocks": {}}}},
    "conflicts": [["plaintext_value", "encrypted_value"]],
}


def _paths(config):
    return [path for _, _, path in problems(BLOCK, config)]


def test_a_clean_configuration_has_no_problem():
    assert _paths({"name": "x", "plaintext_value": "p", "token_value": None}) == []


def test_computed_only_attributes_are_refused_wherever_they_are():
    assert _paths({"name": "x", "token_value": UNKNOWN}) == [("token_value",)]
    assert _paths({"name": "x", "policy": {"uid": "u"}}) == [("policy", "uid")]
    assert _paths({"name": "x", "rule": [{"created_at": None}, {"created_at": "t"}]}) == [("rule", "created_at")]


def test_conflicting_arguments_are_refused():
    assert _paths({"name": "x", "plaintext_value": "p", "encrypted_value": "e"}) == [("plaintext_value",)]
