"""Fixtures for the offline-provider tests: one shared build (mirror + schema), one pool of running
providers per test process, a fresh emulated world and work dir per test, whose invariants every apply checks.

`harness` serves terraform from the pool (TF_REATTACH_PROVIDERS: several times faster); `launched_harness`
lets terraform launch the providers, as a user's terraform does. Tests whose subject is how the providers
are started or what they inherit use the launched one, or both (`either_harness`)."""

from __future__ import annotations

import pytest

from mlops_cicd_offline.build.build_dir import ensure_build
from mlops_cicd_offline.harness.pool import ProviderPool
from mlops_cicd_offline.harness.terraform import Harness
from mlops_cicd_offline.harness.world import World


@pytest.fixture(scope="session")
def offline_build():
    return ensure_build()


@pytest.fixture(scope="session")
def provider_pool(offline_build, tmp_path_factory):
    with ProviderPool(offline_build, tmp_path_factory.mktemp("provider-pool")) as pool:
        yield pool


def _strict_harness(tmp_path, offline_build, pool) -> Harness:
    """Strict: an apply that breaks an invariant of the emulated world (mlops_cicd_offline/world/invariants.py)
    fails the test there, naming the API call that broke it. A test that shows such a break on purpose sets
    `harness.strict_invariants = False`, saying why, and asserts `world.violations()` itself."""
    return Harness(tmp_path / "work", tmp_path / "state", offline_build.root, strict_invariants=True, pool=pool)


@pytest.fixture
def harness(offline_build, provider_pool, tmp_path) -> Harness:
    return _strict_harness(tmp_path, offline_build, provider_pool)


@pytest.fixture
def launched_harness(offline_build, tmp_path) -> Harness:
    return _strict_harness(tmp_path, offline_build, None)


@pytest.fixture(params=["pooled", "launched"])
def either_harness(request, offline_build, tmp_path) -> Harness:
    pool = request.getfixturevalue("provider_pool") if request.param == "pooled" else None
    return _strict_harness(tmp_path, offline_build, pool)


@pytest.fixture
def world(harness) -> World:
    return World(harness.state_dir)
