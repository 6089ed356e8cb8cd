"""One module decides the CDK framework (mlops_cicd/framework.py: CDKTF, or CDK Terrain when its extra is
installed); nothing else imports either framework's packages."""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from helpers import ROOT
from mlops_cicd import framework

FRAMEWORK_PACKAGES = {package for packages in framework.PACKAGES.values() for package in packages.values()}


def _imported_packages(path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_no_module_but_the_framework_module_imports_a_framework_package():
    sources = [p for d in ("mlops_cicd", "tests", "bench") for p in (ROOT / d).rglob("*.py")] + [ROOT / "main.py"]
    offenders = {str(p.relative_to(ROOT)): sorted(_imported_packages(p) & FRAMEWORK_PACKAGES)
                 for p in sources if p != ROOT / "mlops_cicd" / "framework.py"}
    assert {path: names for path, names in offenders.items() if names} == {}


def _chosen_with(value: str) -> subprocess.CompletedProcess:
    code = "from mlops_cicd import framework; print(framework.NAME)"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", framework.FRAMEWORK_ENV: value})


def test_the_framework_named_by_the_environment_is_used_or_its_install_command_given():
    installed = [name for name in framework.PACKAGES if framework._installed(name)]
    assert framework.NAME == installed[0]  # CDK Terrain when its extra is installed, else CDKTF
    for name in framework.PACKAGES:
        run = _chosen_with(name)
        if name in installed:
            assert run.returncode == 0 and run.stdout.strip() == name
        else:
            assert run.returncode != 0 and f"the {name} packages are not installed: {framework.INSTALL[name]}" in run.stderr
    run = _chosen_with("cdk8s")
    assert run.returncode != 0 and "MLOPS_CICD_FRAMEWORK='cdk8s' names no framework: use one of cdktf, cdktn" in run.stderr


def test_the_framework_loads_its_parts_on_first_use():
    assert framework.core.App is not None and framework.time_provider.rotating.Rotating is not None
    with pytest.raises(AttributeError, match="has no attribute 'terraform'"):
        framework.terraform  # noqa: B018
