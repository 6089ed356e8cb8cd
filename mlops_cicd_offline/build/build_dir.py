"""Build everything Terraform needs to find and run the stand-in providers, under one build dir:

  proto/           generated tfplugin6_pb2.py
  schema/<name>/<version>/  schema JSON per type + serialized GetProviderSchema response, per served version
  tls/             the plugins' server certificate
  mirror/          filesystem mirror: registry.terraform.io/<ns>/<name>/<version>/linux_amd64/terraform-provider-<name>_v<version>,
                   one launcher per served version (the binding's and the newer releases in releases.py)
  terraformrc      CLI config pointing provider_installation at the mirror (never the network)

Rebuilt only when its inputs change (a stamp holds their fingerprint).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from mlops_cicd_offline.build import mirror, protocol, schema, tls
from mlops_cicd_offline.server.schemas import ProviderSchemas
from mlops_cicd_offline.build.versions import PROVIDERS, package_archive

BUILD_DIR_ENV = "MLOPS_OFFLINE_BUILD_DIR"
DEFAULT_BUILD_DIR = Path("build", "offline")
"""Relative to the working directory (an installed package's own directory may not be writable)."""
_INPUTS = ("build/tfplugin6.proto", "build/schema_extract.py", "build/schema.py", "build/overrides.py", "build/releases.py",
           "build/schema_versions.py", "build/build_dir.py", "build/tls.py", "build/mirror.py", "build/launcher.py",
           "server/schemas.py")
"""What the build is made from, relative to the package (with the Python and the bindings' archives)."""


@dataclass(frozen=True)
class Build:
    root: Path
    served: dict[str, list[str]]
    """Per provider: the installed binding's version first, then the newer releases the mirror offers."""

    @property
    def versions(self) -> dict[str, str]:
        """Per provider, the version of the installed binding (CDKTF's or CDK Terrain's: build/versions.py)."""
        return {name: versions[0] for name, versions in self.served.items()}

    def schemas(self, provider: str, version: str | None = None) -> ProviderSchemas:
        """One served version's schema (default: the binding's)."""
        return ProviderSchemas(self.root, provider, version or self.versions[provider])

    @property
    def cli_config(self) -> Path:
        return self.root / "terraformrc"

    @property
    def mirror(self) -> Path:
        return self.root / "mirror"


def _fingerprint() -> str:
    h = hashlib.sha256(sys.executable.encode())
    package = Path(__file__).parents[1]
    for name in _INPUTS:
        h.update((package / name).read_bytes())
    for name in PROVIDERS:
        stat = package_archive(name).stat()
        h.update(f"{name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return h.hexdigest()


def resolve_root(root: Path | str | None = None) -> Path:
    """`root`, else $MLOPS_OFFLINE_BUILD_DIR, else build/offline in the working directory (absolute)."""
    return Path(root or os.environ.get(BUILD_DIR_ENV) or DEFAULT_BUILD_DIR).resolve()


def ensure_build(root: Path | None = None) -> Build:
    """The build in `root` (see resolve_root), built or rebuilt if its inputs changed."""
    root = resolve_root(root)
    root.mkdir(parents=True, exist_ok=True)
    with open(root / "build.lock", "a+") as lock:  # test sessions and CLI runs may build concurrently
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _build_locked(root)


def _build_locked(root: Path) -> Build:
    stamp = root / "stamp.json"
    fingerprint = _fingerprint()
    if stamp.exists():
        recorded = json.loads(stamp.read_text())
        if recorded.get("fingerprint") == fingerprint:
            return Build(root, recorded["served"])
    protocol.generate(root / "proto")
    pb = protocol.load(root / "proto")
    served = schema.build(root, pb)
    tls.ensure_certificate(root / "tls")
    mirror.write_launchers(root, served)
    mirror.write_cli_config(root)
    stamp.write_text(json.dumps({"fingerprint": fingerprint, "served": served}))
    return Build(root, served)
