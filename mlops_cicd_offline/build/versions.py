"""Which providers we stand in for, and where their installed cdktf packages keep the schema source.

The provider version is not written here: it is read from the package's generated provider class
(`terraformGeneratorMetadata.providerVersion`) when the schema is built.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

# local name -> (registry source, Python package of the cdktf bindings)
PROVIDERS = {
    "databricks": ("databricks/databricks", "cdktf_cdktf_provider_databricks"),
    "github": ("integrations/github", "cdktf_cdktf_provider_github"),
    "time": ("hashicorp/time", "cdktf_cdktf_provider_time"),
}


def source(name: str) -> str:
    return PROVIDERS[name][0]


def package_archive(name: str) -> Path:
    """The jsii tarball inside the installed package (without importing the heavy package itself)."""
    spec = importlib.util.find_spec(PROVIDERS[name][1])
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"package {PROVIDERS[name][1]} is not installed")
    archives = sorted(Path(next(iter(spec.submodule_search_locations)), "_jsii").glob("*.jsii.tgz"))
    if not archives:
        raise RuntimeError(f"no jsii archive in {PROVIDERS[name][1]}")
    return archives[0]
