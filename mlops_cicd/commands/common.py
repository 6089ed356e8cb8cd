"""Options and helpers shared by several commands."""

from __future__ import annotations

import argparse
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..config import DEFAULT_CONFIG_FILE, Config, load_config
from .errors import EXIT_CONFIG_ERROR, UserError
from .progress import step

DEFAULT_OUTDIR = "cdktf.out"


def add_config_option(parser: argparse.ArgumentParser) -> None:
    # default=SUPPRESS: `--config` works before or after the command name without one hiding the other.
    parser.add_argument(
        "--config", default=argparse.SUPPRESS,
        help=f"configuration file (default: $MLOPS_CICD_CONFIG or {DEFAULT_CONFIG_FILE})",
    )


def config_path(args: argparse.Namespace) -> str:
    return getattr(args, "config", None) or os.environ.get("MLOPS_CICD_CONFIG") or DEFAULT_CONFIG_FILE


def config_of(args: argparse.Namespace) -> Config:
    return load_config(config_path(args))


# Construct props that passed config validation can still be refused while the stacks are built (a rule the
# validation lacks); jsii reports two constructs given one id (two names mapped to one Terraform address) so.
_DUPLICATE_ID = "There is already a Construct with name"


@contextmanager
def building(source: str) -> Iterator[None]:
    """Turn a construct's refusal of a configured value into a configuration error naming `source`."""
    try:
        yield
    except ValueError as error:
        raise UserError(f"{source}: the stacks cannot be built: {error}",
                        f"correct the setting it names in {source}", EXIT_CONFIG_ERROR) from None
    except RuntimeError as error:
        if _DUPLICATE_ID not in str(error):
            raise
        raise UserError(f"{source}: two settings give one Terraform address: {error}",
                        f"make the names in {source} differ in more than case or punctuation", EXIT_CONFIG_ERROR) from None


def writable_directory(path: str | Path, option: str) -> Path:
    """`path` as an output directory: it is one, or can be created as one, and this user can write there.

    Checked before anything is synthesized, so a bad `--output` costs nothing and writes nothing (the probe
    is a nameless temporary file in the nearest existing directory)."""
    path = Path(path)
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        where = "is a file" if existing == path else f"is inside {existing}, which is a file"
        raise UserError(f"{option} {path} {where}, not a directory",
                        f"name a directory (it is created if missing), e.g. {option} {DEFAULT_OUTDIR}", EXIT_CONFIG_ERROR)
    try:
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as error:
        raise UserError(f"{option} {path} cannot be written ({existing}: {error.strerror or type(error).__name__})",
                        f"choose a directory this user can write for {option}, or fix its permissions",
                        EXIT_CONFIG_ERROR) from None
    return path


def synthesized_documents(config: Config, source: str) -> dict[str, dict]:
    """Synthesize every stack into a throwaway directory (no checks enforced) and return the JSON by stack."""
    from ..app import synth_into  # cdktf start-up is slow; only pay it when synthesizing
    from ..checks import load_documents

    with step(f"synthesizing {len(config.environments)} stack(s)"), tempfile.TemporaryDirectory(prefix="mlops-cicd-check-") as scratch:
        with building(source):
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
