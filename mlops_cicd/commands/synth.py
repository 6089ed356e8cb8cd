"""`mlops-cicd synth`: validate, synthesize, run the checks, and only then write cdktf.out."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ..config import Config
from .common import DEFAULT_OUTDIR, add_config_option, building, config_of, config_path, writable_directory
from .errors import EXIT_OK, UserError
from .progress import step


def synthesize(config: Config, source: str, output: str | None, option: str) -> Path:
    """Synthesize every stack, checks enforced, into `output` (default $CDKTF_OUTDIR, else cdktf.out), given
    as `option`: checked first, so a bad one fails before any work; on any failure nothing is written."""
    from ..app import synth  # cdktf start-up is slow; only pay it when synthesizing

    target = writable_directory(output or os.environ.get("CDKTF_OUTDIR") or DEFAULT_OUTDIR, option)
    with step(f"synthesizing {len(config.environments)} stack(s) and running the checks"), building(source):
        try:
            return synth(config, target)
        except OSError as error:
            raise UserError(f"cannot write {error.filename or target}: {error.strerror or error}",
                            f"free space or fix the permissions there, or choose another {option}") from None


def run(args: argparse.Namespace) -> int:
    from ..summary import summarize

    print(summarize(synthesize(config_of(args), config_path(args), args.output, "--output")))
    return EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "synth", help="validate the configuration, synthesize one Terraform stack per environment, run the checks",
        description="Synthesize every stack. The checks run first: an error exits 1 and writes nothing.",
    )
    add_config_option(parser)
    parser.add_argument("--output", help="output directory (default: $CDKTF_OUTDIR or cdktf.out)")
    parser.set_defaults(handler=run)
