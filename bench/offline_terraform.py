"""Benchmark the offline providers: time of each terraform step on the synthesized stacks (or the test
fixture when nothing is synthesized), with the providers launched by terraform per command and served from the
harness's pool (TF_REATTACH_PROVIDERS), of one plugin start-up (launch to handshake line), and of `make rehearse`
on the shipped configuration (its two commands, as the Makefile runs them, in this checkout).

    python bench/offline_terraform.py [--rounds 3] [--no-rehearse]

Prints figures only; nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mlops_cicd_offline.build.build_dir import ensure_build  # noqa: E402
from mlops_cicd_offline.harness.pool import ProviderPool  # noqa: E402
from mlops_cicd_offline.harness.terraform import Harness  # noqa: E402
from mlops_cicd_offline.build.versions import source  # noqa: E402

FIXTURE = ROOT / "tests" / "offline" / "fixtures" / "minimal"


def plugin_startup(build, name: str) -> float:
    """Seconds from launching the provider executable to its handshake line on stdout."""
    version = build.versions[name]
    ns, type_name = source(name).split("/")
    exe = next((build.mirror / "registry.terraform.io" / ns / type_name / version).glob(f"*/terraform-provider-{type_name}_v*"))
    env = {**os.environ, "TF_PLUGIN_MAGIC_COOKIE": "bench"}
    started = time.perf_counter()
    proc = subprocess.Popen([str(exe)], stdout=subprocess.PIPE, env=env, text=True)
    proc.stdout.readline()
    elapsed = time.perf_counter() - started
    proc.kill()
    proc.wait()
    return elapsed


def make_rehearse() -> list[tuple[str, float, int]]:
    """(command, seconds, exit code) of each command `make rehearse` runs, run the same way (see Makefile)."""
    cli = str(Path(sys.executable).with_name("mlops-cicd"))
    timed = []
    for argv in ([cli, "rehearse"], [cli, "status", "--rehearsal"]):
        started = time.perf_counter()
        proc = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)
        timed.append((" ".join(["mlops-cicd", *argv[1:]]), time.perf_counter() - started, proc.returncode))
        if proc.returncode != 0:
            sys.stderr.write(proc.stdout[-2000:] + proc.stderr[-2000:])
            break
    return timed


def stacks() -> list[tuple[str, Path]]:
    synthesized = sorted((ROOT / "cdktf.out" / "stacks").glob("*/cdk.tf.json"))
    return [(p.parent.name, p.parent) for p in synthesized] or [("fixture", FIXTURE)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-rehearse", action="store_true", help="leave out the timing of `make rehearse`")
    args = parser.parse_args()
    started = time.perf_counter()
    build = ensure_build()
    print(f"build (schema, mirror; cached after the first run): {time.perf_counter() - started:.2f}s")
    for name in build.versions:
        times = [plugin_startup(build, name) for _ in range(args.rounds)]
        print(f"plugin start-up {name:<10} median {statistics.median(times):.3f}s  (min {min(times):.3f}s, "
              f"{args.rounds} runs)")
    for providers in ("launched", "pooled"):
        with tempfile.TemporaryDirectory() as tmp, ProviderPool(build, Path(tmp) / "pool") as pool:
            harness = Harness(Path(tmp) / "work", Path(tmp) / "state", build.root,
                              pool=pool if providers == "pooled" else None)
            for name, directory in stacks():
                stack = harness.prepare(name, directory)
                steps = [stack.init(), stack.validate(), stack.plan(), stack.apply(), stack.plan(), stack.destroy()]
                labels = ["init", "validate", "plan", "apply", "re-plan", "destroy"]
                row = "  ".join(f"{label} {r.seconds:.2f}s" + ("" if r.ok else "(failed)")
                                for label, r in zip(labels, steps))
                print(f"[{name}, providers {providers}] {row}  total {sum(r.seconds for r in steps):.1f}s")
    if not args.no_rehearse:
        timed = make_rehearse()
        parts = ", ".join(f"{command} {seconds:.1f}s" + ("" if code == 0 else f" (exit {code})")
                          for command, seconds, code in timed)
        print(f"make rehearse (shipped configuration, {len(stacks())} stacks): {sum(s for _, s, _ in timed):.1f}s "
              f"({parts})")
        if any(code != 0 for _, _, code in timed):
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
