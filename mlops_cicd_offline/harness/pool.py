"""One running stand-in provider process per provider version, shared by many terraform commands.

Terraform launches every provider anew several times per command (validate 2, plan 3 per provider), and
each launch of a Python plugin costs about 0.1-0.3 s. With `TF_REATTACH_PROVIDERS` Terraform instead connects
to a process that is already running and leaves it running. The pool starts those processes on first use and
stops them on `close()`; the harness uses it when given one (`Harness(..., pool=ProviderPool(build))`), and
launches the providers as a user's terraform does otherwise.

What a pooled provider cannot see, and how it is given:
- the command's environment (state dir, the event log's stack and step, the deployer's DATABRICKS_*): written
  to a file before each command (command_env.py), so the pool serves one command at a time (`command()`);
- its version: Terraform does not pick the version of an unmanaged provider; the pool serves the version
  each stack's dependency lock file selected (`init` always runs on the launch path and writes it).
Several configurations of one provider (aliases) share the process: Terraform opens a connection per
configuration, and the plugin keeps each configuration by connection (server/provider.py).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import weakref
from collections.abc import Iterator, Mapping
from pathlib import Path

from mlops_cicd_offline import command_env
from mlops_cicd_offline.build.build_dir import Build
from mlops_cicd_offline.build.versions import PROVIDERS, source

REATTACH_ENV = "TF_REATTACH_PROVIDERS"
_LAUNCHER = Path(__file__).resolve().parents[1] / "build" / "launcher.py"
_LOCKED = re.compile(r'provider "registry\.terraform\.io/([^"]+)" \{\s*version\s*=\s*"([^"]+)"'
                     r'(?:\s*constraints\s*=\s*"([^"]*)")?')


def locked_versions(work_dir: Path, config: Mapping) -> dict[str, str]:
    """Provider local name -> version the work dir's .terraform.lock.hcl selected, when the lock still matches
    the configuration's version constraints; {} before init or when it does not. Terraform checks neither the
    lock nor the installed packages of a reattached provider, so a stale lock must stay on the launch path,
    where terraform reports it ("Inconsistent dependency lock file")."""
    lock = work_dir / ".terraform.lock.hcl"
    if not lock.exists():
        return {}
    locked = {address: (version, constraints) for address, version, constraints in _LOCKED.findall(lock.read_text())}
    required = (config.get("terraform") or {}).get("required_providers") or {}
    versions = {}
    for name, requirement in required.items():
        address = (requirement or {}).get("source", "")
        address = address if address.count("/") == 1 else address.partition("/")[2]  # without the registry host
        if name not in PROVIDERS or address != source(name) or address not in locked:
            return {}
        version, constraints = locked[address]
        if constraints != (requirement.get("version") or ""):
            return {}
        versions[name] = version
    return versions


def _stop(processes: dict[tuple[str, str], tuple[subprocess.Popen, str]], env_file: Path) -> None:
    for process, _ in processes.values():
        process.terminate()
    for process, _ in processes.values():
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()
    processes.clear()
    env_file.unlink(missing_ok=True)


class ProviderPool:
    def __init__(self, build: Build, directory: Path):
        """directory: where the pool keeps the command environment file while it runs (owner-only; it holds
        the deployer's emulated credentials)."""
        self.build = build
        self.directory = Path(directory).resolve()
        self.directory.mkdir(parents=True, exist_ok=True)
        # one file per pool: two pools may serve the same directory (two `status --rehearsal` at once)
        handle, name = tempfile.mkstemp(prefix="command-env-", suffix=".json", dir=self.directory)
        os.close(handle)
        self.env_file = Path(name)
        self._processes: dict[tuple[str, str], tuple[subprocess.Popen, str]] = {}
        self._lock = threading.Lock()
        # A pool nobody closed still stops its processes when it is collected or the interpreter exits.
        self._finalizer = weakref.finalize(self, _stop, self._processes, self.env_file)

    def _start(self, name: str, version: str) -> tuple[subprocess.Popen, str]:
        # Nothing of the calling shell but PATH: every command's environment comes from the file.
        env = {"PATH": os.environ.get("PATH", ""), command_env.POOL_ENV_FILE: str(self.env_file)}
        # its errors (a traceback) go to a log next to the environment file; Terraform's are in its own output
        with open(self.directory / f"provider-{name}-{version}.log", "a") as log:
            process = subprocess.Popen(
                [sys.executable, str(_LAUNCHER), "--pooled", name, str(self.build.root), version],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log, env=env, text=True)
        handshake = process.stdout.readline().strip()
        parts = handshake.split("|")
        if len(parts) < 5 or parts[2] != "tcp":
            process.kill()
            raise RuntimeError(f"pooled {name} {version} plugin did not start (handshake {handshake!r})")
        return process, parts[3]

    def _running(self, name: str, version: str) -> tuple[subprocess.Popen, str]:
        """The process serving this provider version and its address, started (again) if needed."""
        key = (name, version)
        if key not in self._processes or self._processes[key][0].poll() is not None:
            self._processes[key] = self._start(name, version)
        return self._processes[key]

    @contextlib.contextmanager
    def command(self, versions: Mapping[str, str], env: Mapping[str, str]) -> Iterator[dict[str, str]]:
        """Serve one terraform command: yields the variables to add to its environment. The pool serves one
        command at a time (the environment file is per command), so hold this for the command's whole run."""
        with self._lock:
            reattach = {}
            for name, version in versions.items():
                process, address = self._running(name, version)
                # Test: Terraform must leave the process running when the command ends
                reattach[f"registry.terraform.io/{source(name)}"] = {
                    "Protocol": "grpc", "ProtocolVersion": 6, "Test": True, "Pid": process.pid,
                    "Addr": {"Network": "tcp", "String": address}}
            self._write_env(env)
            yield {REATTACH_ENV: json.dumps(reattach)}

    def _write_env(self, env: Mapping[str, str]) -> None:
        handle, name = tempfile.mkstemp(prefix=self.env_file.stem, dir=self.directory)  # owner-only
        with os.fdopen(handle, "w") as stream:
            json.dump(command_env.served_part(env), stream)
        os.replace(name, self.env_file)

    def close(self) -> None:
        self._finalizer()

    def __enter__(self) -> ProviderPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
