"""A non-editable `pip install` ships every module the command imports: setuptools' package discovery
(pyproject.toml, tool.setuptools.packages.find) skips a directory without __init__.py."""

from __future__ import annotations

import tomllib

from setuptools import find_packages

from helpers import ROOT



def test_every_directory_of_the_library_is_a_discovered_package():
    include = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]["include"]
    found = set(find_packages(str(ROOT), include=include))
    with_modules = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "mlops_cicd").rglob("*.py")
                    if "__pycache__" not in p.parts}
    assert with_modules - found == set()
