"""Shared fixtures: the shipped configuration and synthesized stacks as JSON documents."""

from __future__ import annotations

import copy
import json
import os
import shutil
import tempfile
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = ROOT / "mlops-cicd.toml"

# jsii must run on the project's Node 22, or it prints the Node 20 end-of-life banner.
_NODE22 = ROOT / "node_modules" / "node" / "bin" / "node"
if _NODE22.exists():
    os.environ.setdefault("JSII_NODE", str(_NODE22))

# cdktf's Testing.app() synthesizes into a fresh `cdktf.outdir.*` in Node's temp directory and never removes it.
# Node (and every tool the tests start) gets a temp directory of this test process, removed at the end;
# Python keeps the system one (cached before TMPDIR changes), so pytest's own tmp_path is unaffected.
# One per process, kept across the several test sessions mutmut runs in one process: jsii's Node process,
# started in the first, keeps that session's TMPDIR (pytest_configure recreates it after each session).
tempfile.gettempdir()
_owner, _, _CHILD_TEMP = os.environ.get("MLOPS_CICD_TESTS_TEMP", "").partition(":")
if _owner != str(os.getpid()):
    _CHILD_TEMP = tempfile.mkdtemp(prefix="mlops-cicd-tests-")
    os.environ["MLOPS_CICD_TESTS_TEMP"] = f"{os.getpid()}:{_CHILD_TEMP}"
os.environ["TMPDIR"] = _CHILD_TEMP
# cdktf and terraform call HashiCorp's checkpoint service on every run; offline it fails and prints an error.
os.environ["CHECKPOINT_DISABLE"] = "1"
# Hypothesis keeps a cache of constants under ./.hypothesis even without an example database: not in the repo.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", os.path.join(_CHILD_TEMP, "hypothesis"))


def default_raw_config() -> dict:
    return tomllib.loads(DEFAULT_CONFIG.read_text())


def synthesize(raw: dict, outdir: Path) -> dict[str, dict]:
    """Validate `raw`, synthesize every stack into `outdir`, return each stack's cdk.tf.json by name."""
    from mlops_cicd.app import synth
    from mlops_cicd.config import parse_config
    from mlops_cicd.synthesized import stack_files

    synth(parse_config(copy.deepcopy(raw)), outdir)
    return {name: json.loads(path.read_text()) for name, path in stack_files(outdir).items()}


@pytest.fixture
def raw_config() -> dict:
    return default_raw_config()


def shared(scope: str):
    """A fixture scope that is `scope`, except under `make mutation`: mutmut maps each mutated function to
    the tests that call it, and a shared fixture calls it only in the first test that uses the fixture, so
    the other tests would never be run against those mutants. There, every test builds its own."""
    return lambda fixture_name, config: "function" if os.environ.get("MUTANT_UNDER_TEST") else scope


@pytest.fixture(scope=shared("session"))
def default_stacks(tmp_path_factory) -> dict[str, dict]:
    return synthesize(default_raw_config(), tmp_path_factory.mktemp("default-synth"))


@pytest.fixture
def synth_raw(tmp_path):
    """Synthesize a modified configuration: `synth_raw(raw)` -> stacks by name."""
    return lambda raw: synthesize(raw, tmp_path / "out")


def resources(stack: dict, kind: str, section: str = "resource") -> dict[str, dict]:
    return stack.get(section, {}).get(kind, {})


def only(stack: dict, kind: str, section: str = "resource") -> dict:
    items = list(resources(stack, kind, section).values())
    assert len(items) == 1, f"expected one {kind}, found {len(items)}"
    return items[0]


def env_of(raw: dict, name: str) -> dict:
    return next(e for e in raw["environments"] if e["name"] == name)


def pytest_terminal_summary(terminalreporter, config):
    """The fault matrix's size, outcomes and time, when its cases ran (tests/offline/fault_matrix.py)."""
    from offline.fault_matrix import terminal_summary

    terminal_summary(terminalreporter, config._tmp_path_factory.getbasetemp() / "fault-matrix")


def pytest_configure(config):
    os.makedirs(_CHILD_TEMP, exist_ok=True)  # removed by the previous session of this process, if any


def pytest_unconfigure(config):
    shutil.rmtree(_CHILD_TEMP, ignore_errors=True)
