"""Which providers we stand in for, and which installed bindings keep their schema source.

The bindings are the jsii provider packages of the CDK framework in use: CDKTF's (`cdktf-cdktf-provider-*`,
the default) or CDK Terrain's (`cdktn-provider-*`). The emulator names both itself (it never imports the
library) and chooses as the library does (mlops_cicd/framework.py): CDK Terrain's when installed (only its
extra installs them), else CDKTF's; `MLOPS_CICD_FRAMEWORK=cdktf|cdktn` picks when both are.

The provider version is not written here: it is read from the binding's generated provider class
(`terraformGeneratorMetadata.providerVersion`) when the schema is built.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

# local name -> registry source
PROVIDERS = {
    "databricks": "databricks/databricks",
    "github": "integrations/github",
    "time": "hashicorp/time",
}
# framework -> local name -> Python package of its provider bindings
BINDINGS = {
    "cdktn": {"databricks": "cdktn_provider_databricks", "github": "cdktn_provider_github",
              "time": "cdktn_provider_time"},
    "cdktf": {"databricks": "cdktf_cdktf_provider_databricks", "github": "cdktf_cdktf_provider_github",
              "time": "cdktf_cdktf_provider_time"},
}
FRAMEWORK_ENV = "MLOPS_CICD_FRAMEWORK"


def source(name: str) -> str:
    return PROVIDERS[name]


def _installed(package: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def framework() -> str:
    """The framework whose bindings the schemas come from (see the module docstring)."""
    wanted = os.environ.get(FRAMEWORK_ENV)
    if wanted:
        if wanted not in BINDINGS:
            raise RuntimeError(f"{FRAMEWORK_ENV}={wanted!r}: expected one of {', '.join(sorted(BINDINGS))}")
        return wanted
    for name, packages in BINDINGS.items():
        if all(_installed(package) for package in packages.values()):
            return name
    raise RuntimeError("no CDK provider bindings installed: install mlops-cicd (CDKTF) or mlops-cicd[cdktn]")


def package_archive(name: str) -> Path:
    """The jsii tarball inside the installed binding package (without importing the heavy package itself)."""
    package = BINDINGS[framework()][name]
    location = _installed(package)
    if location is None:
        raise RuntimeError(f"package {package} is not installed")
    archives = sorted((location / "_jsii").glob("*.jsii.tgz"))
    if not archives:
        raise RuntimeError(f"no jsii archive in {package}")
    return archives[0]
