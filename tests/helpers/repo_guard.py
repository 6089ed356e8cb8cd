"""A pytest plugin that fails a test which writes into the repository's own `.mlops-cicd/` (local state and
owner records of the checkout's configuration): tests work on copies under tmp_path.

A synthesis or command run against the shipped mlops-cicd.toml itself (or a configuration built in code, which
is relative to the current directory) writes there; `helpers.synthesize` and `helpers.cli.write_config` place
the configuration in a temporary project instead.

Loaded by tests/conftest.py (`pytest_plugins`). Under pytest-xdist another worker's test may be the writer:
the message says so.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers import ROOT

GUARDED = ROOT / ".mlops-cicd"
_before = pytest.StashKey[dict]()


def signature(directory: Path = GUARDED) -> dict[str, int]:
    """Every file and directory under `directory`, with its modification time (ns)."""
    found = {}
    for parent, dirs, files in os.walk(directory):
        for name in dirs + files:
            path = os.path.join(parent, name)
            found[os.path.relpath(path, directory)] = os.stat(path, follow_symlinks=False).st_mtime_ns
    return found


def changes(before: dict[str, int], after: dict[str, int]) -> list[str]:
    return sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    item.stash[_before] = signature()
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if call.when != "teardown" or _before not in item.stash:
        return
    changed = changes(item.stash[_before], signature())
    if changed:
        report.outcome = "failed"
        worker = " (or a test running in parallel in another xdist worker)" if os.environ.get("PYTEST_XDIST_WORKER") else ""
        report.longrepr = (f"{item.nodeid}{worker} wrote into the repository's {GUARDED}: {', '.join(changed[:5])}\n"
                           "  fix: synthesize and run commands on a copy of the configuration under tmp_path "
                           "(helpers.synthesize, helpers.cli.write_config)")

