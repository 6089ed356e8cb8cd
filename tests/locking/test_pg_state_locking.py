"""State locking on a real PostgreSQL: two applies of one stack through the `pg` backend, against the
offline providers. While one holds the lock the other fails fast (-lock-timeout=0s) or waits; nothing
is created twice and no state is lost."""

from __future__ import annotations

import contextlib
import fcntl
import json
import subprocess
import time
from pathlib import Path

import pytest

from mlops_cicd.app import synth
from mlops_cicd_offline.harness.terraform import Harness
from mlops_cicd_offline.world.store import snapshot

from helpers import shipped_raw, project_config
from .postgres_server import postgres_bin_dir, throwaway_postgres

BIN_DIR = postgres_bin_dir()
pytestmark = [pytest.mark.terraform, pytest.mark.xdist_group("postgres"),  # one server per session
              pytest.mark.skipif(BIN_DIR is None, reason="PostgreSQL server binaries (initdb, pg_ctl) are not installed")]
APPLY = ["terraform", "apply", "-input=false", "-no-color", "-auto-approve"]
LOCK_ERROR = "Error acquiring the state lock"


def _psql(conn: str, query: str) -> str:
    result = subprocess.run([str(BIN_DIR / "psql"), conn, "-tAc", query], capture_output=True, text=True, check=True)
    return result.stdout.strip()


@contextlib.contextmanager
def _world_paused(state_dir: Path):
    """Hold the emulated world's lock: every provider call that touches the world waits until released,
    so an apply that got that far keeps holding the state lock meanwhile."""
    with open(state_dir / "world.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _wait_for_state_lock(conn: str, holder: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120  # a safety net for a broken run, not a measurement
    while _psql(conn, "select count(*) from pg_locks where locktype = 'advisory' and granted") == "0":
        assert holder.poll() is None, f"the first apply ended before taking the lock:\n{holder.communicate()[0]}"
        assert time.monotonic() < deadline, "the first apply never took the state lock"
        time.sleep(0.2)


@pytest.fixture(scope="module")
def pg_conn():
    with throwaway_postgres(BIN_DIR) as conn:
        yield conn


@pytest.fixture
def two_machines(pg_conn, tmp_path):
    """The staging stack with a pg backend, prepared in two work dirs sharing one emulated world."""
    raw = shipped_raw()
    next(e for e in raw["environments"] if e["name"] == "staging")["backend"] = {"type": "pg"}
    outdir = synth(project_config(raw, tmp_path / "project"), tmp_path / "cdktf.out")
    document = json.loads((outdir / "stacks" / "staging" / "cdk.tf.json").read_text())
    assert "pg" in document["terraform"]["backend"]
    harness = Harness(tmp_path / "work", tmp_path / "world", extra_env={"PG_CONN_STR": pg_conn})  # not inherited
    machines = []
    for name in ("first", "second"):
        stack = harness.prepare(name, document)
        stack.write_config(document)  # prepare() localizes the backend; this test wants the real pg one
        init = stack.init()
        assert init.ok, init.output
        machines.append(stack)
    return machines, harness.state_dir


@pytest.mark.slow
def test_concurrent_applies_cannot_both_write_and_no_state_is_lost(two_machines, pg_conn):
    (first, second), world_dir = two_machines
    with _world_paused(world_dir):
        holder = subprocess.Popen(APPLY, cwd=first.work_dir, env=first.env, text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        _wait_for_state_lock(pg_conn, holder)
        # The harness checks invariants after an apply by reading the world, which this test holds paused.
        second.after_step = None
        refused = second.apply("-lock-timeout=0s")
        waiter = subprocess.Popen([*APPLY, "-lock-timeout=10m"], cwd=second.work_dir, env=second.env, text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    first_output, _ = holder.communicate()
    waiter_output, _ = waiter.communicate()

    assert refused.exit_code != 0 and LOCK_ERROR in refused.output
    assert "Lock Info" in refused.output and "ID:" in refused.output
    assert holder.returncode == 0, first_output
    declared = sum(len(items) for items in first.config()["resource"].values())
    assert f"Apply complete! Resources: {declared} added" in first_output
    # The waiter ran after the first apply released the lock, on its state: nothing left to create.
    assert waiter.returncode == 0, waiter_output
    assert "Resources: 0 added, 0 changed, 0 destroyed" in waiter_output or "No changes" in waiter_output

    # Every resource is in the one state row; the emulated workspace has one SP and one token, not two.
    schema = first.config()["terraform"]["backend"]["pg"]["schema_name"]  # derived: stacks/backends.py
    assert _psql(pg_conn, f"select count(*) from {schema}.states") == "1"
    state = json.loads(_psql(pg_conn, f"select data from {schema}.states"))
    assert len([r for r in state["resources"] if r["mode"] == "managed"]) == declared
    workspace = next(iter(snapshot(world_dir)["workspaces"].values()))
    assert len(workspace["service_principals"]) == 1 and len(workspace["tokens"]) == 1
    assert len(second.resources()) == declared
