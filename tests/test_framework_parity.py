"""The shipped configuration synthesizes to the same Terraform on CDKTF and on CDK Terrain, apart from the provider
versions each framework's bindings pin and the framework's own version: both suites compare it with one file."""

from __future__ import annotations

import copy
import json

from helpers import ROOT
from mlops_cicd import framework

PARITY = ROOT / "tests" / "fixtures" / "shipped-stacks-without-versions.json"
FRAMEWORK_VERSIONS = {"cdktf": "0.21.0", "cdktn": "0.24.0"}
PROVIDER_VERSIONS = {
    "cdktf": {"databricks": "1.116.0", "github": "6.11.0", "time": "0.13.1"},
    "cdktn": {"databricks": "1.138.0", "github": "6.13.0", "time": "0.14.2"},
}


def without_versions(stacks: dict[str, dict]) -> dict[str, dict]:
    """The stacks less what differs by framework (checked separately) and the machine's state path."""
    stripped = copy.deepcopy(stacks)
    for stack in stripped.values():
        del stack["//"]["metadata"]["version"]
        stack["//"]["metadata"]["overrides"]["stack"].sort()  # cdktn lists them in another order
        for provider in stack["terraform"]["required_providers"].values():
            del provider["version"]
        if "local" in stack["terraform"].get("backend", {}):
            stack["terraform"]["backend"]["local"]["path"] = "<state path>"
    return stripped


def test_the_synthesized_stacks_differ_between_frameworks_only_in_versions(default_stacks):
    for stack in default_stacks.values():
        assert stack["//"]["metadata"]["version"] == FRAMEWORK_VERSIONS[framework.NAME]
        assert {name: p["version"] for name, p in stack["terraform"]["required_providers"].items()} == \
            PROVIDER_VERSIONS[framework.NAME]
    assert without_versions(default_stacks) == json.loads(PARITY.read_text()), (
        f"the shipped stacks changed on {framework.NAME}: if on purpose, on both frameworks, rewrite {PARITY.name} "
        "with without_versions(...) of either")
