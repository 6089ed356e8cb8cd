"""Fixtures for the check tests: the shipped configuration's stacks, and a way to run every check on
changed copies of them (no synth needed for most cases)."""

from __future__ import annotations

import copy

import pytest

from helpers import shipped_raw
from mlops_cicd.checks import run_checks
from mlops_cicd.config import parse_config


@pytest.fixture
def raw() -> dict:
    """The shipped configuration as a dict, to change and parse per test."""
    return shipped_raw()


@pytest.fixture
def docs(default_stacks) -> dict[str, dict]:
    """A private copy of the shipped configuration's synthesized stacks (session fixture in tests/conftest.py)."""
    return copy.deepcopy(default_stacks)


@pytest.fixture
def findings():
    """`findings(docs, raw=None, environ=None)` -> active findings, as (id, stack) pairs, plus the report."""

    def run(documents: dict, raw: dict | None = None, environ: dict | None = None):
        report = run_checks(parse_config(raw or shipped_raw()), documents, environ or {})
        return {(f.check_id, f.stack) for f in report.findings}, report

    return run
