"""The README's promises that can be executed: its construct example synthesizes as shown."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

from helpers import ROOT
from mlops_cicd import framework


def test_construct_example_synthesizes(tmp_path):
    readme = (ROOT / "README.md").read_text()
    example = re.search(r"## Using a construct in another project\n\n```python\n(.*?)```", readme, re.S).group(1)
    # The example imports CDKTF's packages; on CDK Terrain, a user imports the same names from its packages.
    for part, package in framework.PACKAGES["cdktf"].items():
        example = re.sub(rf"\b{package}\b", framework.PACKAGES[framework.NAME][part], example)
    (tmp_path / "app.py").write_text(example)
    run = subprocess.run([sys.executable, "app.py"], cwd=tmp_path, capture_output=True, text=True,
                         env=dict(os.environ), timeout=300)
    assert run.returncode == 0, run.stderr
    stack = json.loads((tmp_path / "cdktf.out" / "stacks" / "my-project" / "cdk.tf.json").read_text())
    assert {"databricks_service_principal", "databricks_obo_token", "time_rotating"} <= set(stack["resource"])


def test_readme_names_exactly_the_secret_variables_the_stacks_declare(default_stacks):
    readme = (ROOT / "README.md").read_text()
    named = set(re.findall(r"`TF_VAR_([a-z_]+)`", readme))
    declared = {name for stack in default_stacks.values() for name in stack["variable"]}
    assert named == declared
