"""Fault matrix (issue 8): every create/update/delete call the shipped stacks make, faulted before the call and
after it (the change takes effect, then the call fails), on a first deploy and during a rotation, in each
credential mode. Each case must keep the world's invariants at every call (the strict harness fails the case
at the apply that broke one), and one more plain apply must converge (or, if it fails, `mlops-cicd status`
must name the object it failed on with the exact fix, which the case performs as printed before one more
apply): it succeeds, the next plan says
"No changes", the emulated world holds as many objects of each kind as after the clean run (no
duplicate, no leftover), and each GitHub secret holds a credential renewed in this phase exactly where the
clean run renewed it (a rotation that a fault made skip shows).

The cases come from clean runs (fault_matrix.py), recorded once per session at collection. Run them spread
over the cores with pytest-xdist: `pytest -n 2 tests/offline/test_fault_matrix.py`. The session's summary
prints the matrix size and the time it took.

A case listed in KNOWN_DEFECTS is a product defect reported to the lead: it is expected to fail (strict, so
it shows up as XPASS the day it is fixed, and must then be removed from the list).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlops_cicd_offline.harness.world import World

from . import fault_matrix as fm


KNOWN_DEFECTS: dict[str, str] = {}


def _shared_root(config) -> Path:
    """A directory of this session that every xdist worker sees (the run's base temp dir)."""
    base = config._tmp_path_factory.getbasetemp()
    return (base.parent if hasattr(config, "workerinput") else base) / "fault-matrix"


def _terraform_deselected(config) -> bool:
    """`-m "not terraform"` leaves every matrix test out: then the clean runs are not worth recording."""
    expression = config.option.markexpr
    if not expression:
        return False
    from _pytest.mark import MarkMatcher
    from _pytest.mark.expression import Expression

    return not Expression.compile(expression).evaluate(MarkMatcher.from_markers([pytest.mark.terraform.mark]))


def pytest_generate_tests(metafunc):
    names = {"case_id", "clean_run"} & set(metafunc.fixturenames)
    if not names:
        return
    recording = None if _terraform_deselected(metafunc.config) else fm.shared_recording(_shared_root(metafunc.config))
    if "case_id" in names:
        metafunc.parametrize("case_id", [] if recording is None else [
            pytest.param(case.id, id=case.id, marks=[pytest.mark.xfail(strict=True, reason=KNOWN_DEFECTS[case.id])]
                         if case.id in KNOWN_DEFECTS else []) for case in fm.cases(recording)])
    if "clean_run" in names:
        metafunc.parametrize("clean_run", [] if recording is None else [
            f"{mode}-{phase}-{stack}" for mode, run in recording["modes"].items()
            for phase in fm.PHASES for stack in run["phases"][phase]])


@pytest.fixture(scope="session")
def recording(request) -> dict:
    return fm.shared_recording(_shared_root(request.config))


@pytest.mark.terraform
def test_clean_run(clean_run, recording):
    """The runs the cases are enumerated from: each apply succeeded and broke no invariant."""
    mode, phase, stack = clean_run.split("-")
    run = recording["modes"][mode]["phases"][phase][stack]
    assert run["ok"], run["output"]
    assert run["violations"] == [], "\n".join(run["violations"])


@pytest.mark.terraform
def test_fault_case(case_id, recording, offline_build, provider_pool, tmp_path):
    case = fm.load_case(case_id, recording)
    mode = recording["modes"][case.mode]
    clean = mode["phases"][case.phase][case.stack]
    config = json.loads(Path(mode["stacks"][case.stack]).read_text())
    start = Path(clean["start"]) if clean["start"] else None
    harness, stack = fm.open_stack(start, tmp_path, case.stack, config, mode["seed"], offline_build.root, strict=True,
                                   pool=provider_pool)
    world = World(harness.state_dir)
    if case.phase == "rotation":
        world.advance_clock(days=mode["rotation_days"] + 1)
    world.inject_fault(case.type, operation=case.operation, when=case.when)
    since = len(world.events())

    faulted = stack.apply()  # a broken invariant raises here, naming the API call
    assert world.events(type=case.type, outcome="faulted"), f"the fault never fired:\n{faulted.output[-3000:]}"
    assert faulted.exit_code == 1 and faulted.mentions(f"injected API error on {case.operation} call #1 of {case.type}")

    converged = stack.apply()
    if not converged.ok:  # the reported path: `mlops-cicd status` names the object the failure is about, and its fix
        followed = fm.follow_printed_fixes(stack)
        assert followed, f"the next apply did not converge, and status names no fix:\n{converged.output[-3000:]}"
        assert all(argv[-1] in converged.output for argv in followed), (
            f"status names another object than the failed apply: {followed}\n{converged.output[-3000:]}")
        converged = stack.apply()
    assert converged.ok, f"the next apply did not converge:\n{converged.output[-3000:]}"
    fm.follow_printed_fixes(stack)  # a credential no state holds: `status --live` names it with its revocation
    plan = stack.plan()
    assert plan.no_changes, f"the plan after converging is not empty:\n{plan.output[-3000:]}"
    after = world.snapshot()
    difference = fm.census_difference(fm.census(after), clean["census"])
    assert not difference, "duplicates or leftovers compared with the clean run:\n" + "\n".join(difference)
    assert fm.renewed(after, since) == clean["renewed"], "credentials renewed (True) or kept, compared with the clean run"


# ---- the machinery itself (no terraform) ---------------------------------------------------------------------
def _phase(*calls: tuple[str, str]) -> dict:
    return {"calls": [list(call) for call in calls]}


def test_each_call_of_a_phase_is_faulted_before_and_after_in_the_first_stack_that_makes_it():
    recording = {"modes": {"pat": {"phases": {
        "deploy": {"staging": _phase(("databricks_obo_token", "create"), ("github_actions_secret", "create")),
                   "prod": _phase(("databricks_obo_token", "create"), ("github_actions_environment_secret", "create"))},
        "rotation": {"staging": _phase(("databricks_obo_token", "delete")), "prod": _phase()}}}}}
    assert [(c.phase, c.stack, c.type, c.operation, c.when) for c in fm.cases(recording)] == [
        ("deploy", "staging", "databricks_obo_token", "create", "before"),
        ("deploy", "staging", "databricks_obo_token", "create", "after"),
        ("deploy", "staging", "github_actions_secret", "create", "before"),
        ("deploy", "staging", "github_actions_secret", "create", "after"),
        ("deploy", "prod", "github_actions_environment_secret", "create", "before"),
        ("deploy", "prod", "github_actions_environment_secret", "create", "after"),
        ("rotation", "staging", "databricks_obo_token", "delete", "before"),
        ("rotation", "staging", "databricks_obo_token", "delete", "after"),
    ]
    case = fm.cases(recording)[-1]
    assert case.id == "pat-rotation-databricks_obo_token-delete-after"
    assert fm.Case.from_id(case.id) == fm.Case("pat", "rotation", "", "databricks_obo_token", "delete", "after")
    assert fm.size(fm.cases(recording)) == (
        "fault matrix: 3 types x 2 operations (create, delete) x 2 timings x 2 phases x 1 modes, 8 cases "
        "(only the type/operation pairs a clean run calls; pat deploy: 6, pat rotation: 2)")


def test_the_census_counts_live_objects_and_shows_a_duplicate():
    world = {"workspaces": {"https://ws": {"next_id": 1003, "tokens": {"t1": {}}, "issued_tokens": {"a": {}, "b": {}},
                                          "groups": {"102": {"display_name": "mlops", "members": ["1001"]}}}},
             "accounts": {}, "github": {"org/repo": {"secrets": {"X": {}}, "environments": {"prod": {"secrets": {}}}}}}
    clean = fm.census(world)
    assert clean == {"https://ws: tokens": 1, "https://ws: groups": 1, "https://ws: members of group mlops": 1,
                     "org/repo: secrets": 1, "org/repo: environments": 1, "org/repo environment prod: secrets": 0}
    world["workspaces"]["https://ws"]["tokens"]["t2"] = {}  # an orphan token nobody tracks
    world["workspaces"]["https://ws"]["issued_tokens"]["c"] = {}  # history: not a live object
    assert fm.census_difference(fm.census(world), clean) == ["https://ws: tokens: 2 (clean run: 1)"]
