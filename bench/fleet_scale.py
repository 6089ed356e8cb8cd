"""Benchmark platform mode at scale: a generated platform repository of many projects (two environments each)
synthesized and checked by `mlops-cicd synth`, next to the bare import floor measured in the same run (a Python
that imports the framework's core and the three provider bindings, nothing else); and the offline rehearsal of a
smaller fleet sequentially and with `-j 2`.

    python bench/fleet_scale.py [--projects 100] [--rehearsed-projects 10] [--rounds 3]

Prints figures only; nothing here asserts on time. The target for synth: at most 3x the floor.
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

from mlops_cicd.framework import NAME, PACKAGES  # noqa: E402 - the names only; loads no framework

ROOT_FILE = """
[platform]
projects = "projects"
[defaults.github]
owner = "acme-ml"
[defaults.environment]
cloud = "aws"
project_directory_grants = []
[defaults.environment.backend]
type = "s3"
bucket = "acme-ml-platform-tfstate"
region = "eu-west-1"
[defaults.environments.staging]
workspace_host = "https://acme-ml-staging.cloud.databricks.com"
[defaults.environments.prod]
workspace_host = "https://acme-ml-prod.cloud.databricks.com"
[defaults.environments.prod.github_environment.reviewers]
teams = ["ml-platform-leads"]
"""

PROJECT_FILE = """
[project]
name = "{name}"
[github]
repository = "{name}"
[[environments]]
name = "staging"
project_directory = "/Shared/mlops/{name}"
service_principal_name = "{name}-staging-cicd"
[[environments]]
name = "prod"
project_directory = "/Shared/mlops/{name}"
service_principal_name = "{name}-prod-cicd"
"""


def platform_repository(directory: Path, projects: int) -> Path:
    """A platform repository of `projects` pat-mode projects, two environments each; returns its file."""
    (directory / "projects").mkdir(parents=True)
    for index in range(projects):
        name = f"model-{index:03d}"
        (directory / "projects" / f"{name}.toml").write_text(PROJECT_FILE.format(name=name))
    config = directory / "mlops-cicd.toml"
    config.write_text(ROOT_FILE)
    return config


def _seconds(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=100)
    parser.add_argument("--rehearsed-projects", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    cli = str(Path(sys.executable).with_name("mlops-cicd"))
    floor_code = "import mlops_cicd.jsii_node; " + "; ".join(f"import {p}" for p in PACKAGES[NAME].values())
    with tempfile.TemporaryDirectory(prefix="mlops-cicd-bench-") as tmp:
        fleet = platform_repository(Path(tmp) / "fleet", args.projects)
        floor, synth = [], []
        for _ in range(args.rounds):  # interleaved, so a change in the machine's load touches both alike
            floor.append(_seconds([sys.executable, "-c", floor_code], fleet.parent))
            synth.append(_seconds([cli, "synth", "--output", str(Path(tmp) / "out")], fleet.parent))
        stacks = 2 * args.projects
        f, s = statistics.median(floor), statistics.median(synth)
        print(f"{NAME}: synth + checks of {args.projects} projects ({stacks} stacks), the whole command: median {s:.2f}s; "
              f"import floor median {f:.2f}s; {s / f:.1f}x the floor (target: at most 3x); "
              f"{(s - f) / stacks * 1000:.0f} ms a stack above the floor ({args.rounds} runs each)")

        small = platform_repository(Path(tmp) / "small", args.rehearsed_projects)
        env = {**os.environ, "MLOPS_OFFLINE_BUILD_DIR": os.environ.get("MLOPS_OFFLINE_BUILD_DIR",
                                                                      str(ROOT / "build" / "offline"))}
        rehearse = [cli, "rehearse", "--output", str(Path(tmp) / "small-out"), "--rehearsal-dir", str(Path(tmp) / "rehearsal")]
        sequential = _seconds(rehearse, small.parent, env)
        parallel = _seconds([*rehearse, "-j", "2"], small.parent, env)
        print(f"{NAME}: rehearse of {2 * args.rehearsed_projects} stacks, the whole command (synth included): "
              f"sequential {sequential:.1f}s, -j 2 {parallel:.1f}s ({os.cpu_count()} cores)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
