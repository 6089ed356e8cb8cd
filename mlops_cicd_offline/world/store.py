"""The emulated world's persistence: one JSON document per state directory, guarded by a file lock.

Terraform runs one plugin process per provider configuration and calls them in parallel, so every
read-modify-write of the world happens inside `transaction()` (an exclusive flock on world.lock).
The document also holds the test clock offset, injected faults, per-type call counters, the event log
(events.py) and the invariants' bookkeeping (invariants.py).
"""

from __future__ import annotations

import contextlib
import copy
import fcntl
import json
import os
import time
from pathlib import Path

from mlops_cicd_offline import command_env

STATE_DIR_ENV = "MLOPS_OFFLINE_STATE_DIR"


def state_dir(explicit: str | Path | None = None) -> Path:
    value = explicit or command_env.current().get(STATE_DIR_ENV)
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
        # compact: with an indent, json falls back to its pure-Python encoder, several times slower, and this
        # runs on every API call (`python -m json.tool world.json` shows it indented)
        tmp.write_text(json.dumps(world, sort_keys=True, separators=(",", ":")))
        os.replace(tmp, doc_path)


def snapshot(directory: str | Path | None = None) -> dict:
    with transaction(directory) as world:
        return json.loads(json.dumps(world))


def now(world: dict) -> float:
    """Emulated wall clock (seconds since the epoch): real time moved by the tests' offset."""
    return time.time() + world.get("clock_offset", 0.0)


FAULT_TIMINGS = ("before", "after")
"""before: the call fails and changes nothing; after: the call changes the world, then reports an error
(a response lost on the way back, the classic cause of duplicates)."""


def take_fault(world: dict, tf_type: str, operation: str) -> dict | None:
    """Count a mutating API call of a type; return the armed fault this call fires (with its message), if any."""
    counters = world.setdefault("counters", {})
    counters[tf_type] = counters.get(tf_type, 0) + 1
    for fault in world.get("faults", []):
        if fault["type"] == tf_type and fault.get("operation") in (None, operation) and not fault.get("fired"):
            fault["seen"] = fault.get("seen", 0) + 1
            if fault["seen"] == fault["nth"]:
                fault["fired"] = True
                message = fault.get("message") or f"injected API error on {operation} call #{fault['nth']} of {tf_type}"
                return {**fault, "when": fault.get("when") or "before", "message": message}
    return None


@contextlib.contextmanager
def savepoint(world: dict):
    """Undo every change the block made to the document if it raises (a refused API call changes nothing)."""
    saved = {k: copy.deepcopy(v) for k, v in world.items() if k != "events"}
    try:
        yield world
    except BaseException:
        for key in [k for k in world if k != "events"]:
            del world[key]
        world.update(saved)
        raise
