"""Run by another framework's Python (tests/offline/test_framework_migration.py): one offline step on the staging
stack of a synthesized output, in a work root and emulated world that persist between steps.

    <venv>/bin/python framework_steps.py deploy|upgrade-plan <synthesized dir> <build dir> <work root> <state dir>

Prints one JSON object: each terraform step's exit code, and the last step's output.
"""

import json
import sys
from pathlib import Path

from mlops_cicd_offline.build.build_dir import ensure_build
from mlops_cicd_offline.harness.terraform import Harness

step, synthesized, build, work, state = sys.argv[1], *map(Path, sys.argv[2:6])
harness = Harness(work, state, ensure_build(build).root)
stack = harness.prepare("staging", synthesized / "stacks" / "staging", fresh=step == "deploy")
if step == "deploy":
    results = [stack.init(), stack.apply()]
else:  # the same work dir and state, the other framework's configuration: new provider versions, then a plan
    results = [stack.run("init", "-input=false", "-no-color", "-upgrade"), stack.plan()]
print(json.dumps({"exit_codes": [r.exit_code for r in results], "output": results[-1].output[-4000:],
                  "init": results[0].output[-2000:]}))
