"""Run by another framework's Python (tests/offline/test_framework_migration.py): one offline step on the staging
stack of a synthesized output, in a work root and emulated world that persist between steps.

    <venv>/bin/python framework_steps.py deploy|upgrade-plan|refresh <synthesized dir> <build dir> <work root> <state dir>

deploy: init, apply. upgrade-plan: `init -upgrade` to the other framework's providers, then a plan. refresh:
`mlops-cicd status staging` (run in the current directory, which holds mlops-cicd.toml, with the work root as
`--output`'s stacks dir), `apply -refresh-only`, then status again.

Prints one JSON object: each terraform step's exit code and the last step's output; for refresh, each status run
(exit code, stdout, stderr) and the state's schema version per resource type before and after.

The harness's terraform commands other than `init` reattach to a pool of running providers (harness/pool.py), which
serves the versions the lock file selected: several times faster than launching them for each command. `init`
(installing the other framework's versions) and `mlops-cicd status`'s `terraform show` launch them as a user's
terraform does.
"""

import json
import subprocess
import sys
from pathlib import Path

from mlops_cicd_offline.build.build_dir import ensure_build
from mlops_cicd_offline.harness.pool import ProviderPool
from mlops_cicd_offline.harness.terraform import Harness

step, synthesized, build, work, state = sys.argv[1], *map(Path, sys.argv[2:6])
offline_build = ensure_build(build)
pool = ProviderPool(offline_build, state.parent / "provider-pool")
harness = Harness(work, state, offline_build.root, pool=pool)
stack = harness.prepare("staging", synthesized / "stacks" / "staging", fresh=step == "deploy")


def status() -> dict:
    """`mlops-cicd status staging` on the stack's work dir, with the environment its terraform runs in."""
    run = subprocess.run([str(Path(sys.executable).parent / "mlops-cicd"), "status", "staging", "--output",
                          str(work.parent)], env=stack.env, capture_output=True, text=True, timeout=300)
    return {"exit_code": run.returncode, "stdout": run.stdout[-3000:], "stderr": run.stderr[-3000:]}


def state_versions() -> dict[str, list[int]]:
    """Resource type -> the schema versions its objects are saved at in the state file."""
    saved = json.loads((stack.work_dir / "terraform.tfstate").read_text())
    versions: dict[str, list[int]] = {}
    for resource in saved["resources"]:
        if resource["mode"] == "managed":
            versions.setdefault(resource["type"], []).extend(i["schema_version"] for i in resource["instances"])
    return versions


def run_step() -> tuple[list, dict]:
    if step == "deploy":
        return [stack.init(), stack.apply()], {}
    if step == "upgrade-plan":  # the same work dir and state, the other framework's configuration: newer providers
        return [stack.run("init", "-input=false", "-no-color", "-upgrade"), stack.plan()], {}
    report = {"status_before": status(), "versions_before": state_versions()}
    results = [stack.apply("-refresh-only")]
    report.update(status_after=status(), versions_after=state_versions(),
                  environments=[r["values"] for r in stack.resources() if r["type"] == "github_repository_environment"])
    return results, report


with pool:
    results, report = run_step()
print(json.dumps({"exit_codes": [r.exit_code for r in results], "output": results[-1].output[-4000:],
                  "init": results[0].output[-2000:], **report}))
