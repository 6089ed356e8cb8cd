"""Build and synthesize the app: one stack per configured environment."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from typing import TYPE_CHECKING

from . import local_state
from .checks import enforce
from .config import Config
from .fleet import Fleet
from .locks import claim, exclusive, record_owner
from .synth_parts import compose, fleet_of
from .synthesized import output_directory

if TYPE_CHECKING:
    from .framework import core


def build_app(config: Config | Fleet, outdir: str | Path) -> core.App:
    """An app with one stack per environment of `config` (of every project, for a platform repository's fleet).

    The framework (mlops_cicd/framework.py chooses CDKTF or CDK Terrain) loads here, not when this module is
    imported: synthesizing a large fleet composes it in other processes (synth_parts.py)."""
    from .framework import core
    from .stacks.environment_stack import EnvironmentStack

    app = core.App(outdir=str(outdir))
    for stack in fleet_of(config).stacks:
        EnvironmentStack(app, stack.config, stack.env)
    return app


def synth_into(config: Config | Fleet, directory: str | Path, *, enforce_checks: bool) -> None:
    """Synthesize every stack into `directory`; with `enforce_checks`, a check error raises `ChecksFailed`."""
    compose(config, directory)
    if enforce_checks:
        # Guard rails (README, "Checks at every synth"): the report goes to stderr, an error raises here. A fleet's
        # stacks are checked together, so the checks comparing stacks compare every project's.
        enforce(config, Path(directory))


def synth(config: Config | Fleet, outdir: str | Path | None = None) -> Path:
    """Synthesize every stack into `outdir` (default: cdktf's CDKTF_OUTDIR, else `cdktf.out`).

    The app synthesizes into a scratch directory first and only then copies the result over, so a
    failure leaves `outdir` as it was. The synth-time checks run in between: their report goes to stderr,
    and an error raises `ChecksFailed` with nothing copied. Only one synth at a time writes into `outdir`
    (`locks`); local state is kept outside it and moved out of it (`local_state`), and the stacks of
    environments no longer configured are removed from it.
    """
    target = output_directory(outdir)
    with exclusive(target, "synth"):
        claim(target, fleet_of(config), "stacks")
        state = local_state.plan_fleet(fleet_of(config), target)  # raises before anything is written
        with tempfile.TemporaryDirectory(prefix="mlops-cicd-synth-") as scratch:
            synth_into(config, scratch, enforce_checks=True)  # raises before anything reaches `target`
            state.carry_out()
            shutil.copytree(scratch, target, dirs_exist_ok=True)
        record_owner(target, fleet_of(config))
    return target
