"""The library never imports the offline emulator (the package mlops_cicd_offline, with the `[offline]` extra's
dependencies): a user who installs the library gets no test double loaded, and needs no gRPC. Only
mlops_cicd/emulator.py reaches it, lazily, and names the install command when the extra is missing."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import SHIPPED_CONFIG
from mlops_cicd import emulator
from mlops_cicd.errors import EXIT_OPERATION_FAILED

LIBRARY = Path(emulator.__file__).parent
EMULATOR = "mlops_cicd_offline"
DOOR = LIBRARY / "emulator.py"


def _run(code: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=cwd)


def test_importing_every_library_module_leaves_the_emulator_unloaded():
    probe = ("import json, pkgutil, importlib, sys, mlops_cicd\n"
             "names = [m.name for m in pkgutil.walk_packages(mlops_cicd.__path__, 'mlops_cicd.')]\n"
             "for name in names: importlib.import_module(name)\n"
             f"print(json.dumps({{'imported': names, 'emulator': sorted(m for m in sys.modules if m.startswith({EMULATOR!r}))}}))")
    done = _run(probe)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.splitlines()[-1])
    assert "mlops_cicd.cli" in report["imported"] and "mlops_cicd.emulator" in report["imported"]
    assert report["emulator"] == []


def _package_of(path: Path) -> str:
    return ".".join(path.relative_to(LIBRARY.parent).with_suffix("").parts[:-1])


def _literal_prefix(node: ast.expr) -> str:
    """The literal start of a module name: a string, or an f-string's leading text."""
    if isinstance(node, ast.JoinedStr) and node.values:
        node = node.values[0]
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else ""


def _emulator_imports(path: Path, package: str) -> list[int]:
    """Lines where a module (of `package`) imports the emulator: import statements (relative ones resolved) and
    import_module / __import__ calls with a literal name. Comments and strings elsewhere do not count."""
    tree = ast.parse(path.read_text(), str(path))
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1] + ([base] if base else []))
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        elif (isinstance(node, ast.Call) and node.args
              and getattr(node.func, "attr", getattr(node.func, "id", None)) in ("import_module", "__import__")):
            names = [_literal_prefix(node.args[0])]
        if any(n.split(".")[0] == EMULATOR or n.startswith("mlops_cicd.offline") for n in names):
            found.append(node.lineno)
    return found


def test_only_the_emulator_module_imports_the_emulator():
    found = [f"{path.relative_to(LIBRARY.parent)}:{line}" for path in sorted(LIBRARY.rglob("*.py")) if path != DOOR
             for line in _emulator_imports(path, _package_of(path))]
    assert found == []
    assert _emulator_imports(DOOR, "mlops_cicd")  # the door itself does import it


def test_the_import_check_sees_relative_absolute_and_dynamic_imports(tmp_path):
    """The AST check above finds each way of importing the emulator (it would otherwise pass vacuously)."""
    probe = tmp_path / "probe.py"
    probe.write_text("# import mlops_cicd_offline (a comment: not an import)\n"
                     "import mlops_cicd_offline.harness\n"
                     "from mlops_cicd_offline.world import store\n"
                     "from ..offline import store\n"
                     "importlib.import_module('mlops_cicd_offline.harness.rehearse')\n"
                     "importlib.import_module(f'mlops_cicd_offline.{name}')\n")
    assert _emulator_imports(probe, "mlops_cicd.commands") == [2, 3, 4, 5, 6]


def test_the_emulator_module_reaches_the_emulator():
    assert emulator.load("world.store").__name__ == "mlops_cicd_offline.world.store"


@pytest.mark.parametrize("blocked", ["mlops_cicd_offline", "grpc", "grpc_tools", "nacl"])
def test_without_the_extra_the_emulator_module_names_the_install_command(monkeypatch, blocked):
    monkeypatch.setitem(sys.modules, blocked, None)  # as if not installed
    with pytest.raises(emulator.EmulatorMissing) as missing:
        emulator.load("harness.rehearse")
    assert blocked in str(missing.value)
    assert missing.value.fix == "run `pip install 'mlops-cicd[offline]'`"
    assert missing.value.exit_code == EXIT_OPERATION_FAILED


def test_rehearse_without_the_extra_says_which_pip_install_fixes_it(tmp_path):
    """The whole CLI, in a process where the extra's gRPC tools cannot be imported: one clear error, exit 3,
    nothing synthesized or rehearsed."""
    config = SHIPPED_CONFIG
    probe = ("import sys; sys.modules['grpc_tools'] = None\n"
             "from mlops_cicd.cli import main\n"
             f"sys.exit(main(['rehearse', '--config', {str(config)!r}, '--rehearsal-dir', 'rehearsal', "
             "'--output', 'out']))")
    done = _run(probe, cwd=tmp_path)
    assert done.returncode == EXIT_OPERATION_FAILED, done.stderr
    assert "pip install 'mlops-cicd[offline]'" in done.stderr
    assert "grpc_tools (grpcio-tools)" in done.stderr
    assert not (tmp_path / "out").exists()
    assert not (tmp_path / "rehearsal" / "work").exists()
