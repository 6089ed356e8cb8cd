"""Where this repository sets up each CDK framework (the Makefile's `CDK=cdktf|cdktn`), and the environment its
tools run in. Used by the migration test, which runs one step from each framework's venv, and by
bench/frameworks.py."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from helpers import ROOT


@dataclass(frozen=True)
class FrameworkSetup:
    venv: Path
    node_dir: Path
    """Where its npm packages are installed (node_modules/: the Node 22 jsii runs on, and the framework's CLI)."""
    command: str
    """What sets it up."""

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def node_bin(self) -> Path:
        return self.node_dir / "node_modules" / "node" / "bin"

    @property
    def ready(self) -> bool:
        return self.python.exists() and self.node_bin.exists()

    def environment(self) -> dict[str, str]:
        """This process's environment, with jsii on the framework's Node and its venv's commands first."""
        return {**os.environ, "JSII_NODE": str(self.node_bin / "node"), "CHECKPOINT_DISABLE": "1",
                "PATH": os.pathsep.join([str(self.node_bin), str(self.venv / "bin"), os.environ.get("PATH", "")])}


SETUPS = {
    "cdktf": FrameworkSetup(ROOT / ".venv", ROOT, "make setup"),
    "cdktn": FrameworkSetup(ROOT / ".venv-cdktn", ROOT / "frameworks" / "cdktn", "make setup CDK=cdktn"),
}
