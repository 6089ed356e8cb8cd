"""Benchmark synthesis on each CDK framework side by side: CDKTF (`.venv`) and CDK Terrain (`.venv-cdktn`, set up
by `make setup CDK=cdktn`), each against its bare import floor (a Python that imports the framework's core and
the three provider bindings, and nothing else), on the shipped configuration, in one run.

    python bench/frameworks.py [--rounds 3]

Prints figures only; nothing here asserts on time. A framework whose venv is missing is named, with its set-up
command.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from helpers.frameworks import SETUPS  # noqa: E402 - where each framework is set up in this repository
from mlops_cicd.framework import PACKAGES  # noqa: E402 - the package names only; loads no framework


def _seconds(argv: list[str], env: dict[str, str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(argv, env=env, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    for name, setup in SETUPS.items():
        if not setup.ready:
            print(f"{name}: not set up here ({setup.command})")
            continue
        env = setup.environment()
        packages = PACKAGES[name]
        floor_code = "import mlops_cicd.jsii_node; " + "; ".join(f"import {p}" for p in packages.values())
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "mlops-cicd.toml").write_text((ROOT / "mlops-cicd.toml").read_text())
            floor = [_seconds([str(setup.python), "-c", floor_code], env, Path(tmp)) for _ in range(args.rounds)]
            synth = [_seconds([str(setup.venv / "bin" / "mlops-cicd"), "synth"], env, Path(tmp))
                     for _ in range(args.rounds)]
        print(f"{name}: synth of the shipped configuration (both stacks, checks included) median "
              f"{statistics.median(synth):.2f}s; import floor (core + 3 provider bindings) median "
              f"{statistics.median(floor):.2f}s; above the floor {statistics.median(synth) - statistics.median(floor):.2f}s "
              f"({args.rounds} runs each)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
