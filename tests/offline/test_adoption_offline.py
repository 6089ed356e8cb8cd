"""Adoption of objects a lost create answer left out of state, against the stand-ins: what the lookups find,
and the plan refused when a name is ambiguous (the fault matrix shows the adoptions themselves)."""

from __future__ import annotations

import pytest

from helpers import only

from helpers.offline import deployed, initialized

pytestmark = pytest.mark.terraform


def _service_principals_stack(stack: dict, *names: str, lookup: str | None = None) -> dict:
    """A stack of the same workspace holding service principals of these display names (and a lookup)."""
    config = {"terraform": {"required_providers": {"databricks": stack["terraform"]["required_providers"]["databricks"]}},
              "provider": {"databricks": [{"host": stack["provider"]["databricks"][0]["host"]}]},
              "resource": {"databricks_service_principal": {f"sp{i}": {"display_name": name}
                                                            for i, name in enumerate(names)}}}
    if lookup is not None:
        config["data"] = {"databricks_service_principals": {"found": {
            "display_name_contains": lookup,
            "depends_on": [f"databricks_service_principal.sp{i}" for i in range(len(names))]}}}
    return config


def test_the_service_principals_lookup_matches_a_part_of_the_name_ignoring_case(harness, default_stacks):
    config = _service_principals_stack(default_stacks["staging"], "Team-CICD", "team-cicd-old", "other", lookup="team-cicd")
    stack = deployed(harness, "lookup", config)
    (lookup,) = [r for r in stack.show()["values"]["root_module"]["resources"] if r["mode"] == "data"]
    assert sorted(sp["display_name"] for sp in lookup["values"]["service_principals"]) == ["Team-CICD", "team-cicd-old"]


def test_two_service_principals_of_the_stacks_name_fail_its_plan_naming_both(harness, world, default_stacks):
    harness.strict_invariants = False  # on purpose: two SPs of one display name, made outside the stack
    staging = default_stacks["staging"]
    name = only(staging, "databricks_service_principal")["display_name"]
    host = staging["provider"]["databricks"][0]["host"]
    deployed(harness, "twins", _service_principals_stack(staging, name, name))
    twins = sorted(sp["id"] for sp in world.service_principals(host))

    result = initialized(harness, "staging", staging).plan()
    assert result.exit_code == 1
    assert result.mentions(f"2 service principals are named '{name}'")
    assert all(result.mentions(sp_id) for sp_id in twins) and result.mentions("databricks service-principals delete")
    assert sorted(sp["id"] for sp in world.service_principals(host)) == twins  # nothing was adopted or created
