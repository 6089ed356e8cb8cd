"""The fault matrix's machinery (test_fault_matrix.py runs the cases).

Cases are enumerated from clean runs, not from a list of types: for each credential mode, the shipped
configuration (mlops-cicd.toml with only `credential_mode` changed) is synthesized and deployed offline,
stack after stack (first deploy), then each stack is rotated from the deployed snapshot (clock moved past
`rotation_days`). Every create/update/delete call of a managed resource that the event log shows in a
phase is a (type, operation) to fault, once before and once after the call, in the first stack (config
order) where it occurs.

The clean runs happen once per test session, at collection (the cases are parameters), under a lock in a
directory every pytest-xdist worker of the session shares; each case then starts from a copy of the world
and states it needs instead of deploying again.
"""

from __future__ import annotations

import contextlib
import copy
import fcntl
import json
import shlex
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from mlops_cicd.operations.credential_state import StackState
from mlops_cicd.commands.status import render_table
from mlops_cicd.operations.status import as_json
from mlops_cicd.operations.unrecorded import unrecorded
from mlops_cicd.operations.untracked_credentials import untracked_credentials
from mlops_cicd.operations.unwritten_secrets import unwritten_secrets
from mlops_cicd.config import parse_config
from mlops_cicd_offline.world import events, invariants, store
from mlops_cicd_offline.build.build_dir import ensure_build
from mlops_cicd_offline.harness.pool import ProviderPool
from mlops_cicd_offline.harness.terraform import Harness, Stack, dummy_variables
from mlops_cicd_offline.world.databricks.workspace_api import EmulatedWorkspaceApi, run_cli
from mlops_cicd_offline.harness.world import World

from helpers import shipped_raw, synthesize

MODES = ("pat", "oauth", "oidc")
PHASES = ("deploy", "rotation")  # first deploy; rotation once the clock is past rotation_days
ACCOUNT = {"host": "https://accounts.cloud.databricks.com", "account_id": "0d6a1b2c-1111-2222-3333-444455556666"}
RECORDING = "recording.json"
HISTORY = frozenset({"issued_tokens"})
"""World collections that keep what once existed (not live objects): left out of the census."""


@dataclass(frozen=True)
class Case:
    mode: str
    phase: str
    stack: str
    type: str
    operation: str
    when: str

    @property
    def id(self) -> str:
        return f"{self.mode}-{self.phase}-{self.type}-{self.operation}-{self.when}"

    @classmethod
    def from_id(cls, case_id: str) -> "Case":
        """The case an id names, stack left out (the id does not say which)."""
        mode, phase, tf_type, operation, when = case_id.split("-")
        return cls(mode, phase, "", tf_type, operation, when)


def raw_config(mode: str) -> dict:
    """The shipped configuration with every environment in `mode` (oidc needs an account and environment-level
    placement)."""
    raw = shipped_raw()
    if mode == "oidc":
        raw["github"]["oidc_subject"] = "names"
    for env in raw["environments"]:
        env["credential_mode"] = mode
        if mode == "oidc":
            env["account"] = dict(ACCOUNT)
            env["secret_placement"] = "environment"
    return raw


def census(world: dict) -> dict[str, int]:
    """How many live objects each collection of the emulated world holds (a duplicate or leftover shows)."""
    counts: dict[str, int] = {}

    def count(prefix: str, container: dict) -> None:
        for key, value in container.items():
            if key not in HISTORY and isinstance(value, (dict, list)):
                counts[f"{prefix}: {key}"] = len(value)

    for host, ws in world.get("workspaces", {}).items():
        count(host, ws)
        for group in ws.get("groups", {}).values():
            counts[f"{host}: members of group {group['display_name']}"] = len(group["members"])
    for account, holder in world.get("accounts", {}).items():
        count(f"account {account}", holder)
    for full_name, repo in world.get("github", {}).items():
        count(full_name, repo)
        for name, environment in repo.get("environments", {}).items():
            count(f"{full_name} environment {name}", environment)
    return counts


def renewed(world: dict, since: int) -> dict[str, bool]:
    """For each GitHub secret holding a credential: whether that credential was created after event `since`
    (a rotation that was skipped leaves the old one in place)."""
    created = {e["id"] for e in world.get("events", [])[since:] if e["operation"] == "create" and e["outcome"] != "failed"}
    return {secret: credential["id"] in created for secret, credential in invariants.held_credentials(world).items()}


def census_difference(found: dict[str, int], expected: dict[str, int]) -> list[str]:
    return [f"{key}: {found.get(key, 0)} (clean run: {expected.get(key, 0)})"
            for key in sorted(set(found) | set(expected)) if found.get(key, 0) != expected.get(key, 0)]


# ---- snapshots: a world and the stacks' state files, copied per case ---------------------------------------
def save_snapshot(harness: Harness, target: Path) -> Path:
    (target / "states").mkdir(parents=True)
    shutil.copy2(harness.state_dir / "world.json", target / "world.json")
    for name, state in harness.state_files().items():
        shutil.copy2(state, target / "states" / f"{name}.tfstate")
    return target


def restore_snapshot(snapshot: Path | None, state_dir: Path, work_root: Path) -> None:
    state_dir.mkdir(parents=True, exist_ok=True)
    if snapshot is None:
        return
    shutil.copy2(snapshot / "world.json", state_dir / "world.json")
    for state in (snapshot / "states").glob("*.tfstate"):
        (work_root / state.stem).mkdir(parents=True, exist_ok=True)
        shutil.copy2(state, work_root / state.stem / "terraform.tfstate")


def open_stack(snapshot: Path | None, root: Path, name: str, config: dict, seed: str, build_root: Path,
               strict: bool, pool: ProviderPool | None) -> tuple[Harness, Stack]:
    """A harness on a copy of `snapshot` (None: an empty world) and the named stack in it, initialized, with
    the TF_VAR_* values of the clean run (seed) so that only the fault makes a difference."""
    restore_snapshot(snapshot, root / "state", root / "work")
    harness = Harness(root / "work", root / "state", build_root, strict_invariants=strict, pool=pool)
    state = root / "work" / name / "terraform.tfstate"
    kept = state.read_bytes() if state.exists() else None
    stack = harness.prepare(name, copy.deepcopy(config))
    stack.env.update(dummy_variables(config, seed))
    result = stack.init()
    assert result.ok, result.output
    if kept is not None:  # after init: a state file already there at init would be "migrated" into an empty one
        state.write_bytes(kept)
    return harness, stack


# ---- the reported path: what `mlops-cicd status --live` names, and performing its fix ----------------------
def _workspace_api(stack: Stack) -> EmulatedWorkspaceApi:
    host = next(p["host"] for p in stack.config()["provider"]["databricks"] if "alias" not in p)
    return EmulatedWorkspaceApi(stack.env[store.STATE_DIR_ENV], host)


def status_report(stack: Stack) -> dict:
    """What `mlops-cicd status --live --json` prints for the stack, as it runs terraform in the stack's own
    directory and asks the workspace API (here the emulated one of the stack's world)."""
    state = StackState(stack.name, stack.show(), stack.config())
    now = datetime.fromtimestamp(0, timezone.utc)  # credential dates do not matter here
    orphans = (unrecorded(state, stack.work_dir) + unwritten_secrets(state, stack.work_dir)
               + untracked_credentials(state, _workspace_api(stack)))
    return as_json([state], {stack.name: []}, now, "given", 0, {stack.name: orphans})


def follow_printed_fixes(stack: Stack) -> list[list[str]]:
    """Run every fix `mlops-cicd status --live` prints for the stack, as printed; return them (argument lists)."""
    report = status_report(stack)
    table = render_table(report)
    fixes = [shlex.split(orphan["fix"]) for orphan in report["stacks"][0]["orphans"]]
    for argv in fixes:
        assert shlex.join(argv) in table or " ".join(argv) in table, f"not printed by status: {argv}"
        if argv[0] == "terraform":
            assert argv[1] == f"-chdir={stack.work_dir}", f"a fix for another directory: {argv}"
            command = argv[2:4] if argv[2] == "state" else argv[2:3]  # `state rm` takes no -input
            flags = ["-no-color"] if argv[2] == "state" else ["-input=false", "-no-color"]
            result = stack.run(*command, *flags, *argv[2 + len(command):])
            assert result.ok, f"the printed fix `{shlex.join(argv)}` failed:\n{result.output[-3000:]}"
        else:
            run_cli(argv, _workspace_api(stack))
    return fixes


# ---- clean runs (collection time) --------------------------------------------------------------------------
def _phase_record(harness: Harness, stack: Stack, result, since: int, start: Path | None) -> dict:
    world = store.snapshot(harness.state_dir)
    calls = sorted({(e["type"], e["operation"]) for e in events.mutations(world["events"][since:])})
    return {"ok": result.ok, "output": result.output[-3000:], "calls": calls, "census": census(world),
            "renewed": renewed(world, since),
            "violations": World(harness.state_dir).violations(), "start": str(start) if start else None,
            "seconds": round(result.seconds, 1)}


def _clean_runs(mode_dir: Path, stacks: dict[str, dict], rotation_days: int, build_root: Path,
                pool: ProviderPool) -> dict:
    harness = Harness(mode_dir / "work", mode_dir / "state", build_root, pool=pool)
    seed = str(harness.state_dir)
    phases: dict[str, dict] = {"deploy": {}, "rotation": {}}
    before: Path | None = None
    for index, (name, config) in enumerate(stacks.items()):
        stack = harness.prepare(name, copy.deepcopy(config))
        assert stack.init().ok
        since = len(store.snapshot(harness.state_dir).get("events", []))
        phases["deploy"][name] = _phase_record(harness, stack, stack.apply(), since, before)
        before = save_snapshot(harness, mode_dir / f"snapshot-{index}-{name}")
    deployed = before
    for name, config in stacks.items():
        root = mode_dir / f"rotation-{name}"
        rotation, stack = open_stack(deployed, root, name, config, seed, build_root, strict=False, pool=pool)
        World(rotation.state_dir).advance_clock(days=rotation_days + 1)
        since = len(store.snapshot(rotation.state_dir).get("events", []))
        phases["rotation"][name] = _phase_record(rotation, stack, stack.apply(), since, deployed)
    return {"seed": seed, "rotation_days": rotation_days, "phases": phases,
            "stacks": {name: str(mode_dir / "synth" / "stacks" / name / "cdk.tf.json") for name in stacks}}


def record(root: Path) -> dict:
    """Synthesize every mode, run the clean runs (two at a time), write and return the recording."""
    started = time.perf_counter()
    build = ensure_build()
    synthesized = {}
    for mode in MODES:  # jsii is not thread-safe: synthesize one after the other
        raw = raw_config(mode)
        stacks = synthesize(raw, root / mode / "synth")
        environments = parse_config(copy.deepcopy(raw)).environments
        synthesized[mode] = ({env.name: stacks[env.name] for env in environments},  # config order
                             max(env.rotation_days for env in environments))
    # one provider pool per mode: the modes run at the same time, and a pool serves one command at a time
    with contextlib.ExitStack() as pools, ThreadPoolExecutor(max_workers=2) as threads:
        runs = {mode: threads.submit(_clean_runs, root / mode, stacks, days, build.root,
                                     pools.enter_context(ProviderPool(build, root / mode / "pool")))
                for mode, (stacks, days) in synthesized.items()}
        modes = {mode: run.result() for mode, run in runs.items()}
    recording = {"modes": modes, "seconds": round(time.perf_counter() - started, 1)}
    (root / RECORDING).write_text(json.dumps(recording, indent=1))
    return recording


def shared_recording(root: Path) -> dict:
    """The session's recording: made by the first process to get here, read by the others."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / "recording.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (root / RECORDING).exists():
            return json.loads((root / RECORDING).read_text())
        return record(root)


def cases(recording: dict) -> list[Case]:
    """Each (type, operation) a phase's clean run called, in the first stack where it occurs, x before/after."""
    found = []
    for mode, run in recording["modes"].items():
        for phase in PHASES:
            seen = set()
            for stack, phase_run in run["phases"][phase].items():
                for tf_type, operation in phase_run["calls"]:
                    if (tf_type, operation) not in seen:
                        seen.add((tf_type, operation))
                        found += [Case(mode, phase, stack, tf_type, operation, when) for when in store.FAULT_TIMINGS]
    return found


def load_case(case_id: str, recording: dict) -> Case:
    return next(c for c in cases(recording) if c.id == case_id)


def size(cases_run: list[Case]) -> str:
    """The covered matrix: types x operations x timings x phases x modes, and the number of cases."""
    axes = {name: sorted({getattr(c, name) for c in cases_run}) for name in ("type", "operation", "when", "phase", "mode")}
    per = ", ".join(f"{mode} {phase}: {sum(c.mode == mode and c.phase == phase for c in cases_run)}"
                    for mode in axes["mode"] for phase in axes["phase"])
    return (f"fault matrix: {len(axes['type'])} types x {len(axes['operation'])} operations "
            f"({', '.join(axes['operation'])}) x {len(axes['when'])} timings x {len(axes['phase'])} phases x "
            f"{len(axes['mode'])} modes, {len(cases_run)} cases (only the type/operation pairs a clean run calls; "
            f"{per})")




# ---- the session's summary ---------------------------------------------------------------------------------
CASE_TEST = "test_fault_matrix.py::test_fault_case["


def terminal_summary(reporter, root: Path) -> None:
    """Print the size of the matrix the session ran, its outcomes and its time (also under pytest-xdist,
    from the reports the workers sent)."""
    outcomes: dict[str, str] = {}
    spans: list[tuple[float, float]] = []
    busy = 0.0
    for category, reports in reporter.stats.items():
        for report in reports:
            nodeid = getattr(report, "nodeid", "")
            if CASE_TEST not in nodeid or not hasattr(report, "when"):  # deselected items are not reports
                continue
            case_id = nodeid.split("[", 1)[1].rstrip("]")
            busy += getattr(report, "duration", 0.0)
            if hasattr(report, "start"):
                spans.append((report.start, report.stop))
            if report.when == "call" or category == "error":
                outcomes[case_id] = category
    if not outcomes:
        return
    ran = [Case.from_id(case_id) for case_id in outcomes]
    counts = ", ".join(f"{sum(v == k for v in outcomes.values())} {k}" for k in sorted(set(outcomes.values())))
    wall = max(stop for _, stop in spans) - min(start for start, _ in spans) if spans else 0.0
    recorded = root / RECORDING
    clean = json.loads(recorded.read_text())["seconds"] if recorded.exists() else None
    reporter.write_sep("-", "fault matrix")
    reporter.write_line(size(ran))
    reporter.write_line(f"outcomes: {counts}")
    reporter.write_line(f"time: {wall:.0f} s wall for the cases ({busy:.0f} s of test time)"
                        + (f", after {clean:.0f} s of clean runs at collection" if clean is not None else ""))
