"""Rehearse a full deploy offline: for each synthesized stack, terraform init, validate, plan, apply
against fresh emulated workspaces, then plan again and require "No changes".

    python -m mlops_cicd_offline.harness.rehearse [--stacks cdktf.out/stacks] [--out build/rehearsal] [--build-dir DIR] [-j N] [env ...]

Paths are relative to the working directory; the build dir defaults to $MLOPS_OFFLINE_BUILD_DIR, else build/offline.

The last rehearsal is kept under <out> (default build/rehearsal) for later inspection
(e.g. `mlops-cicd status --rehearsal`):
    <out>/summary.json            per stack: steps (exit code, seconds), resources created, ok
    <out>/work/<env>/             the stack's work dir: cdk.tf.json (local backend), terraform.tfstate,
                                  <step>.log (terraform output; sensitive values are redacted by terraform)
    <out>/state/world.json        the emulated Databricks workspaces and GitHub repositories
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from mlops_cicd_offline.build.build_dir import ensure_build
from mlops_cicd_offline.harness.pool import ProviderPool
from mlops_cicd_offline.harness.terraform import Harness, Stack, StepResult

DEFAULT_STACKS = Path("cdktf.out", "stacks")
DEFAULT_OUT = Path("build", "rehearsal")
"""Both relative to the working directory, like the build dir (build_dir.py)."""
_STEPS = ("init", "validate", "plan", "apply", "replan")


@dataclass
class StackReport:
    name: str
    steps: list[dict] = field(default_factory=list)
    resources_created: int = 0
    ok: bool = False
    failed_step: str | None = None
    invariants_broken: list[str] = field(default_factory=list)


def discover(stacks_dir: Path, envs: list[str] | None) -> list[str]:
    found = sorted(p.name for p in stacks_dir.iterdir() if (p / "cdk.tf.json").exists()) if stacks_dir.exists() else []
    if envs:
        missing = [e for e in envs if e not in found]
        if missing:
            raise SystemExit(f"no synthesized stack for {', '.join(missing)} under {stacks_dir} (run make synth)")
        return list(envs)
    return found


def _record(stack: Stack, report: StackReport, label: str, result: StepResult) -> bool:
    (stack.work_dir / f"{label}.log").write_text(result.output)
    ok = result.no_changes if label == "replan" else result.ok
    report.steps.append({"step": label, "exit_code": result.exit_code, "seconds": round(result.seconds, 2), "ok": ok})
    if not ok:
        report.failed_step = label
    return ok


def rehearse_stack(harness: Harness, name: str, stacks_dir: Path) -> StackReport:
    stack = harness.prepare(name, stacks_dir / name)
    report = StackReport(name)
    actions = {"init": stack.init, "validate": stack.validate, "plan": stack.plan, "apply": stack.apply,
               "replan": stack.plan}
    for label in _STEPS:
        already_broken = len(harness.broken)
        if not _record(stack, report, label, actions[label]()):
            return report
        if label == "apply":
            report.resources_created = len(stack.resources())
            # An apply can succeed and still leave the world wrong (a duplicate SP, a GitHub secret holding a
            # dead credential): that fails the rehearsal too.
            report.invariants_broken = harness.broken[already_broken:]
            if report.invariants_broken:
                report.failed_step = "invariants"
                return report
    report.ok = True
    return report


def rehearse(stacks_dir: Path = DEFAULT_STACKS, out_dir: Path = DEFAULT_OUT, envs: list[str] | None = None,
             echo=print, build_dir: Path | None = None, jobs: int = 1) -> list[StackReport]:
    """Run the rehearsal; returns one report per stack, in stack order (all share one fresh emulated world).

    `jobs` > 1 rehearses that many stacks at a time, each worker with its own running providers (a pool serves one
    terraform command at a time). The world's store takes a lock for every API call, and each workspace and
    repository is its own part of it, so stacks on different workspaces do not meet; stacks that share one see
    each other's objects as they would deployed side by side."""
    stacks_dir, out_dir = Path(stacks_dir), Path(out_dir)
    names = discover(stacks_dir, envs)
    if not names:
        raise SystemExit(f"no synthesized stacks under {stacks_dir} (run make synth)")
    for sub in ("work", "state"):
        shutil.rmtree(out_dir / sub, ignore_errors=True)
    build = ensure_build(build_dir)
    pending, reports, lock = iter(names), {}, threading.Lock()

    def worker() -> None:
        # The providers run once per worker instead of being launched several times per terraform command
        # (pool.py); `init` still installs them from the mirror as a user's terraform does.
        with ProviderPool(build, out_dir / "state") as pool:
            harness = Harness(out_dir / "work", out_dir / "state", build.root, pool=pool)
            while (name := _next(pending, lock)) is not None:
                report = rehearse_stack(harness, name, stacks_dir)
                with lock:
                    reports[name] = report
                    echo(format_report(report, out_dir))

    workers = max(1, min(jobs, len(names)))
    with ThreadPoolExecutor(max_workers=workers) as executor:
        for started in [executor.submit(worker) for _ in range(workers)]:
            started.result()  # a worker's exception (not a failed step: that is in its report) is raised here
    ordered = [reports[name] for name in names]
    (out_dir / "summary.json").write_text(json.dumps([asdict(r) for r in ordered], indent=2))
    return ordered


def _next(pending, lock: threading.Lock) -> str | None:
    with lock:
        return next(pending, None)


def format_report(report: StackReport, out_dir: Path) -> str:
    times = "  ".join(f"{s['step']} {s['seconds']:.1f}s" + ("" if s["ok"] else " FAILED") for s in report.steps)
    lines = [f"[{report.name}] {report.resources_created} resources created; {times}"]
    if report.ok:
        lines.append(f"[{report.name}] re-plan after apply: No changes.")
    elif report.invariants_broken:
        lines.append(f"[{report.name}] FAILED: the apply left the emulated world broken:")
        lines.extend(f"[{report.name}]   {broken}" for broken in report.invariants_broken)
    else:
        log = out_dir / "work" / report.name / f"{report.failed_step}.log"
        tail = "\n".join(log.read_text().splitlines()[-25:]) if log.exists() else ""
        lines.append(f"[{report.name}] FAILED at {report.failed_step} (full output: {log})\n{tail}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mlops_cicd_offline.harness.rehearse", description=__doc__.splitlines()[0])
    parser.add_argument("envs", nargs="*", help="stacks to rehearse (default: every stack under --stacks)")
    parser.add_argument("--stacks", type=Path, default=DEFAULT_STACKS)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--build-dir", type=Path, help="the stand-in providers' build (default: $MLOPS_OFFLINE_BUILD_DIR or build/offline)")
    parser.add_argument("-j", "--jobs", type=int, default=1, help="stacks rehearsed at a time (default 1)")
    args = parser.parse_args(argv)
    reports = rehearse(args.stacks, args.out, args.envs or None, build_dir=args.build_dir, jobs=args.jobs)
    return 0 if all(r.ok for r in reports) else 1


if __name__ == "__main__":
    sys.exit(main())
