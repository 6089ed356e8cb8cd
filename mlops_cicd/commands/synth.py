"""`mlops-cicd synth`: validate, synthesize, run the checks, and only then write cdktf.out."""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import add_config_option, config_of
from .errors import EXIT_OK
from .progress import step


def run(args: argparse.Namespace) -> int:
    from ..app import synth  # cdktf start-up is slow; only pay it when synthesizing
    from ..summary import summarize

    config = config_of(args)
    with step(f"synthesizing {len(config.environments)} stack(s) and running the checks"):
        outdir = synth(config, args.output)
    print(summarize(Path(outdir)))
    return EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "synth", help="validate the configuration, synthesize one Terraform stack per environment, run the checks",
        description="Synthesize every stack. The checks run first: an error exits 1 and writes nothing.",
    )
    add_config_option(parser)
    parser.add_argument("--output", help="output directory (default: $CDKTF_OUTDIR or cdktf.out)")
    parser.set_defaults(handler=run)
