"""MLOPS008 sensitive outputs, MLOPS009 local state for production."""

from __future__ import annotations

import pytest

from helpers import env_of


def _token_address(stack: dict) -> str:
    (name,) = stack["resource"]["databricks_obo_token"]
    return f"databricks_obo_token.{name}"


@pytest.mark.parametrize("value", ["token", "variable"])
def test_output_exposing_a_secret_is_an_error_unless_sensitive(docs, findings, value):
    stack = docs["staging"]
    reference = f"${{{_token_address(stack)}.token_value}}" if value == "token" else "${var.git_read_token}"
    stack["output"]["leak"] = {"value": reference}
    active, report = findings(docs)
    assert active == {("MLOPS008", "staging")}
    assert "output leak" in report.errors[0].message and "sensitive=True" in report.errors[0].fix

    stack["output"]["leak"]["sensitive"] = True
    assert findings(docs)[0] == set()


def test_output_of_a_non_secret_attribute_of_a_secret_holding_resource_is_fine(docs, findings):
    """The token's id is not its value: an output of it needs no sensitive flag (the whole token would)."""
    stack = docs["prod"]
    stack["output"]["token_id"] = {"value": f"${{{_token_address(stack)}.token_id}}"}
    assert findings(docs)[0] == set()

    stack["output"]["token_id"] = {"value": f"${{{_token_address(stack)}}}"}
    assert findings(docs)[0] == {("MLOPS008", "prod")}


def test_local_state_for_prod_is_an_error_without_its_suppression(docs, findings, raw):
    raw["checks"]["suppress"] = []
    active, report = findings(docs, raw)
    assert active == {("MLOPS009", "prod")}  # staging's local state is fine
    assert "[environments.backend]" in report.errors[0].fix


def test_remote_state_for_prod_passes(docs, findings, raw):
    raw["checks"]["suppress"] = []
    env_of(raw, "prod")["backend"] = {"type": "pg"}
    docs["prod"]["terraform"]["backend"] = {"pg": {"schema_name": "mlops_demo_classifier_prod"}}
    active, _ = findings(docs, raw)
    assert active == set()
