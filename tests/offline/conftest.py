"""Fixtures for the offline-provider tests: one shared build (mirror + schema), a fresh emulated world
and work dir per test, whose invariants every apply checks."""

from __future__ import annotations

import pytest

from mlops_cicd_offline.build.build_dir import ensure_build
from mlops_cicd_offline.harness.terraform import Harness
from mlops_cicd_offline.harness.world import World


@pytest.fixture(scope="session")
def offline_build():
    return ensure_build()


@pytest.fixture
def harness(offline_build, tmp_path) -> Harness:
    """Strict: an apply that breaks an invariant of the emulated world (mlops_cicd_offline/world/invariants.py)
    fails the test there, naming the API call that broke it. A test that shows such a break on purpose sets
    `harness.strict_invariants = False`, saying why, and asserts `world.violations()` itself."""
    return Harness(tmp_path / "work", tmp_path / "state", offline_build.root, strict_invariants=True)


@pytest.fixture
def world(harness) -> World:
    return World(harness.state_dir)
