"""Build and synthesize the app: one stack per configured environment."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from cdktf import App

from .checks import enforce
from .config import Config
from .stacks.environment_stack import EnvironmentStack

DEFAULT_OUTDIR = "cdktf.out"


def build_app(config: Config, outdir: str | Path) -> App:
    app = App(outdir=str(outdir))
    for env in config.environments:
        EnvironmentStack(app, config, env)
    return app


def synth_into(config: Config, directory: str | Path, *, enforce_checks: bool) -> None:
    """Synthesize every stack into `directory`; with `enforce_checks`, a check error raises `ChecksFailed`."""
    app = build_app(config, directory)
    app.synth()
    if enforce_checks:
        # Guard rails (design.md section 5): the report goes to stderr, an error raises here.
        enforce(config, Path(directory))


def synth(config: Config, outdir: str | Path | None = None) -> Path:
    """Synthesize every stack into `outdir` (default: cdktf's CDKTF_OUTDIR, else `cdktf.out`).

    The app synthesizes into a scratch directory first and only then copies the result over, so a
    failure leaves `outdir` as it was, and files the user keeps there (local state, .terraform) survive.
    The synth-time checks run in between: their report goes to stderr, and an error raises
    `ChecksFailed` with nothing copied.
    """
    target = Path(outdir or os.environ.get("CDKTF_OUTDIR") or DEFAULT_OUTDIR)
    with tempfile.TemporaryDirectory(prefix="mlops-cicd-synth-") as scratch:
        synth_into(config, scratch, enforce_checks=True)  # raises before anything reaches `target`
        shutil.copytree(scratch, target, dirs_exist_ok=True)
    return target
