"""Moving a deployed stack from CDKTF to CDK Terrain: the same construct ids give the same addresses, so the state
carries over; after `init -upgrade` to the newer providers the plan shows no change. As with the real providers,
`mlops-cicd status` cannot read the state until `terraform apply -refresh-only` has saved it at the newer schema
versions (github 6.12 raised github_repository_environment's), and says so. Runs in both suites, each time
CDKTF first (the direction users move), with both frameworks' set-ups (`make test` prepares both)."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from helpers import ROOT, SHIPPED_CONFIG
from helpers.frameworks import SETUPS
from mlops_cicd_offline.harness.world import World

pytestmark = pytest.mark.terraform

STEPS = ROOT / "tests" / "offline" / "framework_steps.py"


def _env(framework: str) -> dict[str, str]:
    setup = SETUPS[framework]
    assert setup.ready, f"{framework} is not set up here: run `{setup.command}`"
    return setup.environment()


def _run(framework: str, argv: list[str], cwd) -> subprocess.CompletedProcess:
    run = subprocess.run(argv, cwd=cwd, env=_env(framework), capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, f"{framework}: {argv[0]} failed:\n{run.stdout[-2000:]}\n{run.stderr[-2000:]}"
    return run


def _step(framework: str, step: str, tmp_path) -> dict:
    # the work root is an output's stacks dir, so `mlops-cicd status --output` reads the deployed stack
    run = _run(framework, [str(SETUPS[framework].python), str(STEPS), step, str(tmp_path / f"{framework}.out"),
                           str(tmp_path / f"build-{framework}"), str(tmp_path / "deployed" / "stacks"),
                           str(tmp_path / "world")], tmp_path)
    return json.loads(run.stdout.splitlines()[-1])


@pytest.mark.slow
def test_a_stack_deployed_with_cdktf_plans_no_change_on_cdk_terrain(tmp_path):
    shutil.copy(SHIPPED_CONFIG, tmp_path / "mlops-cicd.toml")
    for framework in SETUPS:
        _run(framework, [str(SETUPS[framework].venv / "bin" / "mlops-cicd"), "synth", "--output",
                         str(tmp_path / f"{framework}.out")], tmp_path)
    deployed = _step("cdktf", "deploy", tmp_path)
    assert deployed["exit_codes"] == [0, 0], deployed["output"]

    moved = _step("cdktn", "upgrade-plan", tmp_path)
    assert moved["exit_codes"] == [0, 0], moved["output"]  # plan -detailed-exitcode: 0 is "No changes"
    assert "Installing databricks/databricks v1.138.0" in moved["init"]
    assert "No changes. Your infrastructure matches the configuration." in moved["output"]
    # github 6.12 raised github_repository_environment's schema version to 1: the plan ran its state upgrader
    # (Repositories.Get), but a plan saves nothing
    assert [e["step"] for e in World(tmp_path / "world").events(type="github_repository_environment",
                                                                 operation="upgrade")] == ["plan #1"]

    refreshed = _step("cdktn", "refresh", tmp_path)
    # what the real providers leave: the state still at the versions 6.11.0 wrote, which `terraform show` refuses
    assert refreshed["versions_before"]["github_repository_environment"] == [0]
    assert set(refreshed["versions_before"]["github_actions_secret"]) == {2}  # 2 from 6.11.0 on: nothing to upgrade
    before = refreshed["status_before"]
    assert before["exit_code"] == 3, before
    assert "does not match version 1 from the provider" in before["stderr"], before
    assert "apply -refresh-only" in before["stderr"], before  # the fix status names
    # `apply -refresh-only` saves the upgraded objects: status reads the state again
    assert refreshed["exit_codes"] == [0], refreshed["output"]
    assert refreshed["versions_after"]["github_repository_environment"] == [1]
    assert refreshed["status_after"]["exit_code"] == 0, refreshed["status_after"]
    repositories = World(tmp_path / "world").snapshot()["github"]
    assert [env["repository_id"] for env in refreshed["environments"]] == [  # what the upgrader looked up
        next(r["id"] for name, r in repositories.items() if name.endswith("/" + env["repository"]))
        for env in refreshed["environments"]]
