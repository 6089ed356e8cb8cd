"""A pytest plugin that fails a test which launches terraform without `@pytest.mark.terraform`.

`make test-fast` (`-m "not terraform and not slow"`) stays under a minute only if every test that runs
terraform says so. The plugin puts a `terraform` shim first on PATH for this test process and everything it
starts (the offline harness, the CLI's terraform runner, cdktf and jsii's Node): the shim appends its arguments
to the log file the running test owns ($MLOPS_CICD_TERRAFORM_LOG), then execs the real terraform. A test
whose log is not empty at teardown and lacks the marker gets an error naming the commands it ran.

Loaded by tests/conftest.py (`pytest_plugins`); standalone: `pytest -p helpers.terraform_audit`.
"""

from __future__ import annotations

import os
import shlex
import shutil
import tempfile
from pathlib import Path

import pytest

LOG_ENV = "MLOPS_CICD_TERRAFORM_LOG"
REAL_ENV = "MLOPS_CICD_REAL_TERRAFORM"
"""The real terraform, resolved once: a nested pytest (a test of this plugin) inherits it, so its shim does not
wrap the outer shim."""

_logs: Path | None = None


# `terraform version` is a probe, not a run: cdktf's synth asks for the version (a fraction of a second, no
# providers) when a stack holds blocks that need a minimum Terraform, so plain synthesis tests may launch it.
_PROBES = {"version", "-version", "version -json"}


def launches(log: Path) -> list[str]:
    """The terraform command lines recorded in `log` (none when terraform never ran), version probes left out."""
    lines = log.read_text().splitlines() if log.exists() else []
    return [line for line in lines if line.strip() not in _PROBES]


def _write_shim(directory: Path, real: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    shim = directory / "terraform"
    shim.write_text("#!/bin/sh\n"
                    f'[ -n "${LOG_ENV}" ] && printf "%s\\n" "$*" >> "${LOG_ENV}"\n'
                    f"exec {shlex.quote(real)} \"$@\"\n")
    shim.chmod(0o755)


@pytest.hookimpl(trylast=True)  # after tests/conftest.py has (re)created this process's TMPDIR
def pytest_configure(config):
    global _logs
    real = os.environ.get(REAL_ENV) or shutil.which("terraform")
    if real is None:
        return  # the tests that need terraform fail on their own, saying it is missing
    os.environ[REAL_ENV] = real
    # Inside this process's TMPDIR (removed at the end of the session by tests/conftest.py).
    root = Path(tempfile.mkdtemp(prefix="terraform-audit-", dir=os.environ.get("TMPDIR")))
    _write_shim(root / "bin", real)
    _logs = root / "logs"
    _logs.mkdir()
    os.environ["PATH"] = f"{root / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"


def pytest_runtest_setup(item):
    if _logs is not None:  # one log per test, fixtures' set-up included (a fixture that deploys counts)
        os.environ[LOG_ENV] = str(_logs / f"{len(list(_logs.iterdir()))}.log")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if call.when != "teardown" or LOG_ENV not in os.environ:
        return
    ran = launches(Path(os.environ.pop(LOG_ENV)))
    if ran and item.get_closest_marker("terraform") is None:
        report.outcome = "failed"
        report.longrepr = (f"{item.nodeid} launched terraform {len(ran)} time(s) without @pytest.mark.terraform "
                           "(so `make test-fast` would run it): " + "; ".join(f"terraform {args}" for args in ran[:5])
                           + "\n  fix: mark the test (or its module: pytestmark = pytest.mark.terraform)")
