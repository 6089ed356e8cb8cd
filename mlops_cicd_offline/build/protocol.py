"""Generate (once, into the build dir) and import the Python messages for our tfplugin6.proto."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

PROTO = Path(__file__).with_name("tfplugin6.proto")


def generate(out_dir: Path) -> Path:
    """Compile tfplugin6.proto into out_dir (skipped when the generated module is newer than the proto)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / "tfplugin6_pb2.py"
    if target.exists() and target.stat().st_mtime >= PROTO.stat().st_mtime:
        return target
    from grpc_tools import protoc  # build-time only: the plugin never imports grpc_tools

    code = protoc.main(["protoc", f"-I{PROTO.parent}", f"--python_out={out_dir}", str(PROTO)])
    if code != 0:
        raise RuntimeError(f"protoc failed ({code}) on {PROTO}")
    return target


def load(out_dir: Path):
    """Import the generated tfplugin6_pb2 module from out_dir."""
    if str(out_dir) not in sys.path:
        sys.path.insert(0, str(out_dir))
    return importlib.import_module("tfplugin6_pb2")
