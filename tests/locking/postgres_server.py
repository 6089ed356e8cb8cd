"""A throwaway PostgreSQL server: initdb + pg_ctl in a temporary directory, on a free 127.0.0.1 port,
its unix socket in the same directory. Stopped (and removed) on exit, whatever happened.

initdb refuses to run as root (CI runs as root), so as root every server command runs as `nobody`,
who owns the temporary directory.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import Iterator

UNPRIVILEGED_USER = "nobody"


def postgres_bin_dir() -> Path | None:
    """The directory holding initdb, pg_ctl and postgres: Debian's versioned dir first, else PATH."""
    versioned = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if versioned:
        return Path(versioned[-1]).parent
    initdb = shutil.which("initdb")
    return Path(os.path.realpath(initdb)).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    runuser = shutil.which("runuser")
    if runuser:
        return [runuser, "-u", UNPRIVILEGED_USER, "--", *command]
    return ["su", UNPRIVILEGED_USER, "-s", "/bin/sh", "-c", " ".join(map(repr, command))]


def _run(command: list[str], cwd: Path) -> None:
    # The server user cannot enter the test process's private TMPDIR (tests/conftest.py): give it `cwd`.
    env = {**os.environ, "TMPDIR": str(cwd)}
    result = subprocess.run(_as_server_user(command), cwd=cwd, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:2])} failed ({result.returncode}): {result.stderr or result.stdout}")


@contextlib.contextmanager
def throwaway_postgres(bin_dir: Path) -> Iterator[str]:
    """Yield a connection string (user postgres, trust auth, sslmode=disable) to a fresh server."""
    # Not pytest's tmp_path: its parents are private to root, and the server user must reach the dir.
    root = Path(tempfile.mkdtemp(prefix="mlops-cicd-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, user=UNPRIVILEGED_USER)
    data, port = root / "data", _free_port()
    started = False
    try:
        _run([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "--no-sync"], root)
        options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
        _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "server.log"), "-w", "start"], root)
        started = True
        yield f"postgres://postgres@127.0.0.1:{port}/postgres?sslmode=disable"
    finally:
        if started:
            _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"], root)
        shutil.rmtree(root, ignore_errors=True)
