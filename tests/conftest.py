"""Shared fixtures: the shipped configuration and synthesized stacks as JSON documents."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

from helpers import ROOT, shared, shipped_raw, synthesize

# pytester: tests of the audit run a pytest of their own.
pytest_plugins = ["helpers.terraform_audit", "helpers.repo_guard", "pytester"]

# jsii must run on the project's Node 22, or it prints the Node 20 end-of-life banner.
_NODE22 = ROOT / "node_modules" / "node" / "bin" / "node"
if _NODE22.exists():
    os.environ.setdefault("JSII_NODE", str(_NODE22))

# cdktf's Testing.app() synthesizes into a fresh `cdktf.outdir.*` in Node's temp directory and never removes it.
# Node (and every tool the tests start) gets a temp directory of this test process, removed at the end;
# Python keeps the system one (cached before TMPDIR changes), so pytest's own tmp_path is unaffected.
# One per process, kept across the several test sessions mutmut runs in one process: jsii's Node process,
# started in the first, keeps that session's TMPDIR (pytest_configure recreates it after each session).
# A pytest-xdist worker inherits the controller's TMPDIR (its private child, owner-only): it takes the system one
# back, or what it hands other users (the PostgreSQL server of tests/locking) would sit in a directory they cannot enter.
tempfile.tempdir = os.environ.setdefault("MLOPS_CICD_SYSTEM_TEMP", tempfile.gettempdir())
_owner, _, _CHILD_TEMP = os.environ.get("MLOPS_CICD_TESTS_TEMP", "").partition(":")
if _owner != str(os.getpid()):
    _CHILD_TEMP = tempfile.mkdtemp(prefix="mlops-cicd-tests-")
    os.environ["MLOPS_CICD_TESTS_TEMP"] = f"{os.getpid()}:{_CHILD_TEMP}"
os.environ["TMPDIR"] = _CHILD_TEMP
# cdktf and terraform call HashiCorp's checkpoint service on every run; offline it fails and prints an error.
os.environ["CHECKPOINT_DISABLE"] = "1"
# Hypothesis keeps a cache of constants under ./.hypothesis even without an example database: not in the repo.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", os.path.join(_CHILD_TEMP, "hypothesis"))


@pytest.fixture
def raw_config() -> dict:
    return shipped_raw()


@pytest.fixture(scope=shared("session"))
def default_stacks(tmp_path_factory) -> dict[str, dict]:
    return synthesize(shipped_raw(), tmp_path_factory.mktemp("default-synth"))


@pytest.fixture
def synth_raw(tmp_path):
    """Synthesize a modified configuration: `synth_raw(raw)` -> stacks by name."""
    return lambda raw: synthesize(raw, tmp_path / "out")


def pytest_terminal_summary(terminalreporter, config):
    """The fault matrix's size, outcomes and time, when its cases ran (tests/offline/fault_matrix.py)."""
    from offline.fault_matrix import terminal_summary

    terminal_summary(terminalreporter, config._tmp_path_factory.getbasetemp() / "fault-matrix")


_OWN_BASETEMP = pytest.StashKey[str]()


def pytest_configure(config):
    os.makedirs(_CHILD_TEMP, exist_ok=True)  # removed by the previous session of this process, if any
    # pytest keeps the tmp_path directories of the last three sessions under the system temp dir
    # (pytest-of-<user>/); a session of ours uses one of its own and removes it at the end. An explicit
    # --basetemp (to look at the files afterwards) is left alone, and so is the one xdist gives its workers.
    if config.option.basetemp is None:
        config.option.basetemp = config.stash[_OWN_BASETEMP] = tempfile.mkdtemp(prefix="mlops-cicd-pytest-")


def pytest_unconfigure(config):
    shutil.rmtree(_CHILD_TEMP, ignore_errors=True)
    if _OWN_BASETEMP in config.stash:
        shutil.rmtree(config.stash[_OWN_BASETEMP], ignore_errors=True)
