"""The library's only door to the offline emulator (the separate package `mlops_cicd_offline`, whose
dependencies come with the `[offline]` extra). Nothing is imported until a command asks for it, so the library
works without the extra; a command that needs the emulator then names the install command that fixes it.
tests/test_library_boundary.py checks that no other module of the library imports the emulator.
"""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path
from types import ModuleType

from .errors import EXIT_OPERATION_FAILED, UserError

INSTALL_COMMAND = "pip install 'mlops-cicd[offline]'"

EXTRA_MODULES = {
    "mlops_cicd_offline": "mlops-cicd",
    "grpc": "grpcio",
    "grpc_tools": "grpcio-tools",
    "google.protobuf": "protobuf",
    "msgpack": "msgpack",
    "nacl": "PyNaCl",
    "cryptography": "cryptography",
}
"""What the emulator imports (its plugins at start-up, its build lazily: grpc_tools, cryptography), by import
name, with the distribution of the `[offline]` extra that provides it (tests/offline/test_offline_extra.py
checks both against the package's imports and pyproject.toml)."""

DEFAULT_REHEARSAL_DIR = Path("build", "rehearsal")
"""Where rehearsals are kept unless --rehearsal-dir or MLOPS_CICD_REHEARSAL_DIR says otherwise: relative to
the working directory (never inside the installed package)."""


class EmulatorMissing(UserError):
    """The `[offline]` extra is not installed."""

    def __init__(self, missing: list[str]):
        names = ", ".join(f"{module} ({EXTRA_MODULES[module]})" for module in missing)
        super().__init__(f"the offline emulator needs what the [offline] extra installs; missing: {names}",
                         f"run `{INSTALL_COMMAND}`", EXIT_OPERATION_FAILED)


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a parent package missing, or a module blocked in sys.modules
        return False


def load(module: str) -> ModuleType:
    """`mlops_cicd_offline.<module>` (e.g. "harness.rehearse"), or EmulatorMissing naming the install command.

    Every module of the extra is looked up first (without importing it): the emulator imports some of them only
    once it builds, which would otherwise fail halfway through a rehearsal."""
    missing = [name for name in EXTRA_MODULES if not _installed(name)]
    if missing:
        raise EmulatorMissing(missing)
    return importlib.import_module(f"mlops_cicd_offline.{module}")
