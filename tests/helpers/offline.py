"""Steps the offline tests repeat: a fixture stack's JSON, and a stack initialized or deployed by a harness
(the harness and world fixtures are in tests/offline/conftest.py)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from mlops_cicd_offline.harness.terraform import Harness

FIXTURES = Path(__file__).resolve().parents[1] / "offline" / "fixtures"


def fixture_stack(name: str) -> dict:
    return json.loads((FIXTURES / name / "cdk.tf.json").read_text())


def initialized(harness: Harness, name: str, config: dict):
    """Prepare a stack's work dir and run terraform init (failing the test with its output)."""
    stack = harness.prepare(name, copy.deepcopy(config))
    result = stack.init()
    assert result.ok, result.output
    return stack


def deployed(harness: Harness, name: str, config: dict):
    """An initialized stack, applied."""
    stack = initialized(harness, name, config)
    result = stack.apply()
    assert result.ok, result.output
    return stack
