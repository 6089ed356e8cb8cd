"""The registry hands each check one stack, except the checks that compare stacks, which say so."""

from __future__ import annotations

from mlops_cicd.checks import CHECKS
from mlops_cicd.checks.model import Stack, Synthesis

from helpers import first


def _findings(check, stacks):
    return {(f.stack, f.address, f.message) for f in check.findings(Synthesis(None, tuple(stacks)))}


def test_a_check_of_one_stack_finds_the_same_with_or_without_the_other_stacks(docs):
    # A defect per stack for several one-stack checks (MLOPS002, 005, 006, 008) and nothing shared.
    del first(docs["staging"], "databricks_git_credential")["personal_access_token"]
    token = first(docs["prod"], "databricks_obo_token")
    del token["lifecycle"]["create_before_destroy"]
    token["lifecycle"]["replace_triggered_by"] = ["${" + token["lifecycle"]["replace_triggered_by"][0] + "}"]
    docs["prod"]["output"] = {"leak": {"value": "${databricks_obo_token.x.token_value}"}}
    stacks = [Stack(name, document) for name, document in docs.items()]
    one_stack_checks = [check for check in CHECKS if not check.compares_stacks]
    found_any = False
    for check in one_stack_checks:
        together = _findings(check, stacks)
        alone = set().union(*(_findings(check, [stack]) for stack in stacks))
        assert together == alone, check.id
        found_any |= bool(together)
    assert found_any


def test_checks_that_compare_stacks_are_the_ones_that_find_what_stacks_share(docs):
    # Both stacks on one state file: only a check that sees both can tell.
    docs["staging"]["terraform"]["backend"] = docs["prod"]["terraform"]["backend"]
    stacks = [Stack(name, document) for name, document in docs.items()]
    sharing = [check.id for check in CHECKS if _findings(check, stacks) - set().union(*(_findings(check, [s]) for s in stacks))]
    assert sharing == ["MLOPS011"]
    assert {check.id for check in CHECKS if check.compares_stacks} >= set(sharing)
