"""What the tests share besides fixtures (fixtures stay in the conftest.py files): where the project and its
shipped configuration are, synthesizing a configuration, and picking resources out of a stack document.

Imported as `helpers` (pytest puts tests/ on sys.path: it has a conftest.py and no __init__.py).
`helpers.cli` runs the CLI on edited copies of the shipped configuration; `helpers.config_strategies` generates
configurations for the property tests; `helpers.terraform_audit` fails a test that runs terraform unmarked.
"""

from __future__ import annotations

import copy
import json
import os
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_CONFIG = ROOT / "mlops-cicd.toml"

BINDING_VERSIONS = {
    "cdktf": {"databricks": "1.99.0", "github": "6.9.0", "time": "0.13.1"},
    "cdktn": {"databricks": "1.138.0", "github": "6.13.0", "time": "0.14.2"},
}
"""The provider releases each framework's pinned bindings were generated from (requirements*.txt): what a test
that depends on a provider version expects, for the framework the tests run on (`framework.NAME`)."""
"""The configuration the project ships (the built-in default every command reads)."""


def shipped_raw() -> dict:
    """The shipped configuration as a fresh dict, to change and parse."""
    return tomllib.loads(SHIPPED_CONFIG.read_text())


def project_config(raw: dict, project: Path):
    """`raw` parsed as if read from `<project>/mlops-cicd.toml`: a configuration built in code counts as read from
    the current directory, so synthesizing it would write local state and owner records into the checkout's
    .mlops-cicd/ (tests/helpers/repo_guard.py)."""
    from mlops_cicd.config import parse_config

    return parse_config(raw).loaded_from(project / SHIPPED_CONFIG.name)


def synthesize(raw: dict, outdir: Path) -> dict[str, dict]:
    """Validate `raw`, synthesize every stack into `outdir`, return each stack's cdk.tf.json by name.

    The configuration counts as read from `<outdir>.project/mlops-cicd.toml`: its local state and owner records
    go there (built in code, it would be relative to the current directory: the checkout's .mlops-cicd/)."""
    from mlops_cicd.app import synth
    from mlops_cicd.synthesized import stack_files

    synth(project_config(copy.deepcopy(raw), outdir.with_name(outdir.name + ".project")), outdir)
    return {name: json.loads(path.read_text()) for name, path in stack_files(outdir).items()}


def shared(scope: str):
    """A fixture scope that is `scope`, except under `make mutation`: mutmut maps each mutated function to
    the tests that call it, and a shared fixture calls it only in the first test that uses the fixture, so
    the other tests would never be run against those mutants. There, every test builds its own."""
    return lambda fixture_name, config: "function" if os.environ.get("MUTANT_UNDER_TEST") else scope


def resources(stack: dict, kind: str, section: str = "resource") -> dict[str, dict]:
    return stack.get(section, {}).get(kind, {})


def only(stack: dict, kind: str, section: str = "resource") -> dict:
    items = list(resources(stack, kind, section).values())
    assert len(items) == 1, f"expected one {kind}, found {len(items)}"
    return items[0]


def first(stack: dict, kind: str) -> dict:
    """The first resource body of `kind` in a stack document (to change it in place)."""
    return next(iter(stack["resource"][kind].values()))


def env_of(raw: dict, name: str) -> dict:
    """The environment table called `name` in a raw configuration."""
    return next(e for e in raw["environments"] if e["name"] == name)
