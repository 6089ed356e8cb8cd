"""The emulated world's persistence: one JSON document per state directory, guarded by a file lock.

Terraform runs one plugin process per provider configuration and calls them in parallel, so every
read-modify-write of the world happens inside `transaction()` (an exclusive flock on world.lock).
The document also holds the test clock offset, injected faults and per-type call counters.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
from pathlib import Path

STATE_DIR_ENV = "MLOPS_OFFLINE_STATE_DIR"


def state_dir(explicit: str | Path | None = None) -> Path:
    value = explicit or os.environ.get(STATE_DIR_ENV)
    if not value:
        raise RuntimeError(f"{STATE_DIR_ENV} is not set: the offline providers need a state directory")
    path = Path(value)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _empty() -> dict:
    return {"clock_offset": 0.0, "faults": [], "counters": {}, "workspaces": {}, "accounts": {}, "github": {}}


@contextlib.contextmanager
def transaction(directory: str | Path | None = None):
    """Yield the world document; it is written back when the block exits without error."""
    root = state_dir(directory)
    with open(root / "world.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        doc_path = root / "world.json"
        world = json.loads(doc_path.read_text()) if doc_path.exists() else _empty()
        yield world
        tmp = doc_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(world, indent=1, sort_keys=True))
        os.replace(tmp, doc_path)


def snapshot(directory: str | Path | None = None) -> dict:
    with transaction(directory) as world:
        return json.loads(json.dumps(world))


def now(world: dict) -> float:
    """Emulated wall clock (seconds since the epoch): real time moved by the tests' offset."""
    return time.time() + world.get("clock_offset", 0.0)


class InjectedFault(Exception):
    pass


def count_call(world: dict, tf_type: str, operation: str) -> str | None:
    """Count a mutating API call of a type; return the error message if a fault is armed for this call."""
    counters = world.setdefault("counters", {})
    counters[tf_type] = counters.get(tf_type, 0) + 1
    for fault in world.get("faults", []):
        if fault["type"] == tf_type and fault.get("operation") in (None, operation) and not fault.get("fired"):
            fault["seen"] = fault.get("seen", 0) + 1
            if fault["seen"] == fault["nth"]:
                fault["fired"] = True
                return fault.get("message") or f"injected API error on {operation} call #{fault['nth']} of {tf_type}"
    return None
