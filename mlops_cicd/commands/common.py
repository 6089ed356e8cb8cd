"""Options and helpers shared by several commands."""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from ..config import DEFAULT_CONFIG_FILE, Config, load_config
from .errors import EXIT_CONFIG_ERROR, UserError
from .progress import step


def add_config_option(parser: argparse.ArgumentParser) -> None:
    # default=SUPPRESS: `--config` works before or after the command name without one hiding the other.
    parser.add_argument(
        "--config", default=argparse.SUPPRESS,
        help=f"configuration file (default: $MLOPS_CICD_CONFIG or {DEFAULT_CONFIG_FILE})",
    )


def config_of(args: argparse.Namespace) -> Config:
    return load_config(getattr(args, "config", None) or os.environ.get("MLOPS_CICD_CONFIG") or DEFAULT_CONFIG_FILE)


def synthesized_documents(config: Config) -> dict[str, dict]:
    """Synthesize every stack into a throwaway directory (no checks enforced) and return the JSON by stack."""
    from ..app import synth_into  # cdktf start-up is slow; only pay it when synthesizing
    from ..checks import load_documents

    with step(f"synthesizing {len(config.environments)} stack(s)"), tempfile.TemporaryDirectory(prefix="mlops-cicd-check-") as scratch:
        synth_into(config, scratch, enforce_checks=False)
        return load_documents(Path(scratch))


def selected_environments(config: Config, requested: list[str]) -> list[str]:
    """The environments a command works on: those named (each must exist), else all, in config order."""
    known = [env.name for env in config.environments]
    unknown = [name for name in requested if name not in known]
    if unknown:
        raise UserError(f"unknown environment(s): {', '.join(unknown)}", f"use one of: {', '.join(known)}",
                        EXIT_CONFIG_ERROR)
    return requested or known
