"""Imported anywhere, the library runs jsii on a supported Node: no end-of-life banner, whatever `node` is first
on PATH, without JSII_NODE set and outside this repository (no node_modules, no Makefile)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mlops_cicd import framework

# A user's own program: the library first, then the framework in use (CDKTF or CDK Terrain), one construct.
USER_PROGRAM = f"""
import os, mlops_cicd
from {framework.PACKAGES[framework.NAME]["core"]} import App, TerraformStack
from {framework.PACKAGES[framework.NAME]["time_provider"]}.provider import TimeProvider
from mlops_cicd.constructs import RotationSchedule

app = App(outdir="out")
stack = TerraformStack(app, "mine")
TimeProvider(stack, "time")
RotationSchedule(stack, "rotation", rotation_days=30)
app.synth()
print("jsii node:", os.environ.get("JSII_NODE"))
"""


def _machine_node() -> str:
    """The machine's own `node`, found on PATH without this repository's node_modules."""
    path = os.pathsep.join(d for d in os.environ.get("PATH", "").split(os.pathsep) if "node_modules" not in d)
    node = shutil.which("node", path=path)
    if node is None:
        pytest.skip("no machine Node on PATH")
    return node


def _major(node: str) -> int:
    return int(subprocess.run([node, "--version"], capture_output=True, text=True, check=True).stdout.strip()
               .lstrip("v").split(".")[0])


def test_no_end_of_life_banner_when_imported_from_another_directory(tmp_path):
    machine_node = _machine_node()
    if _major(machine_node) != 20:
        pytest.skip(f"the machine's Node is not the end-of-life Node 20 this test is about ({machine_node})")
    environ = {key: value for key, value in os.environ.items() if not key.startswith("JSII_")}
    environ["PATH"] = os.pathsep.join([str(Path(machine_node).parent), str(Path(sys.executable).parent),
                                       "/usr/bin", "/bin"])
    run = subprocess.run([sys.executable, "-c", USER_PROGRAM], cwd=tmp_path, env=environ, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    assert (tmp_path / "out" / "stacks" / "mine" / "cdk.tf.json").is_file()
    assert "end-of-life" not in run.stderr and "!!!!" not in run.stderr, run.stderr[-3000:]
    jsii_node = run.stdout.split("jsii node:", 1)[1].strip()
    assert _major(jsii_node) >= 22, jsii_node


def test_a_node_the_user_chose_is_kept(monkeypatch):
    from mlops_cicd.jsii_node import prefer_bundled_node

    environ = {"JSII_NODE": "/opt/my/node"}
    prefer_bundled_node(environ)
    assert environ == {"JSII_NODE": "/opt/my/node"}
    unset: dict[str, str] = {}
    prefer_bundled_node(unset)
    assert _major(unset["JSII_NODE"]) == 22
