"""The CDK framework the constructs are built on: CDKTF (`cdktf`, the default) or CDK Terrain (`cdktn`, CDKTF's
maintained continuation after HashiCorp archived it: a rename with the same API, and provider bindings generated
from current provider releases). This is the only module that names either; everything else imports from it:

    from mlops_cicd.framework import core, databricks, github, time_provider
    core.TerraformStack, databricks.obo_token.OboToken, github.actions_secret.ActionsSecret, ...

Chosen at install: `pip install mlops-cicd` brings CDKTF, `pip install 'mlops-cicd[cdktn]'` adds CDK Terrain,
which is then used. `MLOPS_CICD_FRAMEWORK=cdktf|cdktn` picks one when both are installed. Both keep cdktf's
environment variables (`CDKTF_OUTDIR`, ...), `cdktf.json` and the `cdktf.out` output directory; the command line
tool is `cdktf` or `cdktn`.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from types import ModuleType

from . import jsii_node  # noqa: F401 - points jsii at a supported Node before any jsii package loads

FRAMEWORK_ENV = "MLOPS_CICD_FRAMEWORK"
PACKAGES = {
    "cdktn": {"core": "cdktn", "databricks": "cdktn_provider_databricks", "github": "cdktn_provider_github",
              "time_provider": "cdktn_provider_time"},
    "cdktf": {"core": "cdktf", "databricks": "cdktf_cdktf_provider_databricks",
              "github": "cdktf_cdktf_provider_github", "time_provider": "cdktf_cdktf_provider_time"},
}
"""Per framework, the Python packages of its core and of the provider bindings; CDK Terrain first: installed
only by the extra that asks for it."""
INSTALL = {"cdktf": "pip install mlops-cicd", "cdktn": "pip install 'mlops-cicd[cdktn]'"}


def _installed(name: str) -> bool:
    return all(importlib.util.find_spec(package) is not None for package in PACKAGES[name].values())


def chosen() -> str:
    """The framework in use (see the module docstring); a clear error when none, or not the one named, is
    installed."""
    wanted = os.environ.get(FRAMEWORK_ENV)
    if wanted is not None and wanted not in PACKAGES:
        raise ImportError(f"{FRAMEWORK_ENV}={wanted!r} names no framework: use one of {', '.join(sorted(PACKAGES))}")
    candidates = [wanted] if wanted else list(PACKAGES)
    for name in candidates:
        if _installed(name):
            return name
    needed = candidates[0] if wanted else "cdktf"
    raise ImportError(f"the {needed} packages are not installed: {INSTALL[needed]}")


NAME = chosen()


def __getattr__(part: str) -> ModuleType:
    """`core`, `databricks`, `github`, `time_provider`: loaded on first use (a provider's bindings take seconds to
    import, and a command that only reads state needs none of them)."""
    if part not in PACKAGES[NAME]:
        raise AttributeError(f"module {__name__!r} has no attribute {part!r}")
    return importlib.import_module(PACKAGES[NAME][part])
