"""The provider pool (mlops_cicd_offline/harness/pool.py): terraform reattaches to running stand-ins instead of
launching them per command, with the same outcome (test_default_stacks runs the shipped stacks both ways)."""

from __future__ import annotations

import json
import os
import stat

import pytest

from mlops_cicd_offline.harness.pool import ProviderPool, locked_versions
from mlops_cicd_offline.harness.terraform import Harness

from helpers.offline import fixture_stack, initialized

pytestmark = pytest.mark.terraform


def _plugin_launches(result) -> int:
    return result.output.count("provider: starting plugin:")


def _logged(harness: Harness, config: dict):
    stack = initialized(harness, "minimal", config)
    stack.env["TF_LOG"] = "DEBUG"  # terraform logs each plugin it launches
    return stack


def test_a_pooled_stack_reattaches_to_one_process_per_provider(offline_build, tmp_path):
    with ProviderPool(offline_build, tmp_path / "pool") as pool:
        stack = _logged(Harness(tmp_path / "work", tmp_path / "state", offline_build.root, pool=pool),
                        fixture_stack("minimal"))
        results = [stack.validate(), stack.plan(), stack.apply(), stack.plan()]
        assert [r.exit_code for r in results] == [0, 2, 0, 0], results[-1].output[-3000:]
        assert [_plugin_launches(r) for r in results] == [0, 0, 0, 0]
        assert sorted(name for name, _ in pool._processes) == sorted(locked_versions(stack.work_dir, stack.config()))
        env_file = pool.env_file
        assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
        served = json.loads(env_file.read_text())
        assert not [name for name in served if name.startswith("TF_VAR_")]  # only what the stand-ins read
    assert not env_file.exists()
    assert all(process.poll() is not None for process, _ in pool._processes.values())


def test_without_a_pool_terraform_launches_the_providers(launched_harness):
    stack = _logged(launched_harness, fixture_stack("minimal"))
    assert _plugin_launches(stack.plan()) >= len(locked_versions(stack.work_dir, stack.config()))


def test_a_pooled_provider_that_died_is_started_again(harness):
    stack = initialized(harness, "minimal", fixture_stack("minimal"))
    assert stack.apply().ok
    for process, _ in harness.pool._processes.values():
        os.kill(process.pid, 9)
        process.wait()
    replan = stack.plan()
    assert replan.no_changes, replan.output[-3000:]


def test_pooled_providers_stop_when_the_process_holding_the_pool_is_killed(offline_build, tmp_path):
    """A test process or rehearsal killed before it could close its pool leaves no stand-in running."""
    import subprocess
    import sys
    import time

    script = ("import sys, time\nfrom pathlib import Path\n"
              "from mlops_cicd_offline.build.build_dir import ensure_build\n"
              "from mlops_cicd_offline.harness.pool import ProviderPool\n"
              "pool = ProviderPool(ensure_build(Path(sys.argv[1])), Path(sys.argv[2]))\n"
              "with pool.command({'time': ensure_build(Path(sys.argv[1])).versions['time']}, {}):\n"
              "    print(pool._processes[next(iter(pool._processes))][0].pid, flush=True)\n"
              "    time.sleep(60)\n")
    holder = subprocess.Popen([sys.executable, "-c", script, str(offline_build.root), str(tmp_path)],
                              stdout=subprocess.PIPE, text=True)
    plugin = int(holder.stdout.readline())
    holder.kill()
    holder.wait()
    holder.stdout.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _running(plugin):
        time.sleep(0.2)
    assert not _running(plugin)


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ", 1)[1][0] != "Z"  # a zombie has exited
    except FileNotFoundError:
        return False


def test_a_lock_file_the_configuration_no_longer_matches_is_reported_as_without_a_pool(either_harness):
    """Terraform checks neither the lock nor the packages of a reattached provider: the pool must not serve a
    version the configuration no longer accepts (terraform says so, as it does for a user)."""
    config = fixture_stack("minimal")
    stack = initialized(either_harness, "minimal", config)
    config["terraform"]["required_providers"]["databricks"]["version"] = "0.0.1"  # changed without `init`
    stack.reconfigure(config)
    plan = stack.plan()
    assert plan.exit_code == 1 and plan.mentions("Inconsistent dependency lock file"), plan.output[-3000:]


def test_the_github_owner_from_the_environment_reaches_pooled_providers_too(either_harness, tmp_path):
    config = fixture_stack("minimal")
    (github,) = config["provider"]["github"]
    owner = Harness(tmp_path / "owner-work", tmp_path / "owner-state", either_harness.build.root,
                    extra_env={"GITHUB_OWNER": github.pop("owner")}, pool=either_harness.pool)
    stack = initialized(owner, "minimal", config)
    result = stack.apply()
    assert result.ok, result.output[-3000:]
