"""The `[offline]` extra installs everything the emulator imports: each third-party module any file of
mlops_cicd_offline imports (at start-up or lazily, e.g. grpc_tools while building) is one mlops_cicd/emulator.py
checks for, and each of those comes from a distribution the extra (or the library itself) requires."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

import mlops_cicd_offline
from mlops_cicd.emulator import EXTRA_MODULES

from helpers import ROOT

PACKAGE = Path(mlops_cicd_offline.__file__).parent
GENERATED_PROTOCOL_NEEDS = {"google.protobuf"}
"""build/protocol.py compiles tfplugin6.proto into a module that imports google.protobuf."""


def _third_party_imports() -> set[str]:
    found = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names = [node.module]
            else:
                continue
            found.update(n for n in names if n.split(".")[0] not in sys.stdlib_module_names
                         and n.split(".")[0] != "mlops_cicd_offline")
    return found


def _requirement_names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=!~ \[;]", requirement, maxsplit=1)[0].lower() for requirement in requirements}


def test_every_module_the_emulator_imports_is_checked_for_by_the_library():
    imported = _third_party_imports() | GENERATED_PROTOCOL_NEEDS
    assert {"grpc", "grpc_tools", "msgpack", "nacl.public", "cryptography"} <= imported  # the scan sees them
    unchecked = sorted(name for name in imported
                       if not any(name == module or name.startswith(module + ".") for module in EXTRA_MODULES))
    assert unchecked == []


def test_the_offline_extra_requires_each_checked_module_s_distribution():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extra = _requirement_names(project["optional-dependencies"]["offline"])
    needed = {distribution.lower() for distribution in EXTRA_MODULES.values()} - {project["name"]}
    assert needed == extra
