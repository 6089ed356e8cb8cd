"""`mlops-cicd synth`: validate, synthesize, run the checks, and only then write the output directory."""

from __future__ import annotations

import argparse

from ..errors import EXIT_OK
from ..operations.synthesis import synthesize
from ..summary import render, summaries
from .options import add_config_option, add_json_option, add_output_option, config_path, fleet_of
from .printing import print_json


def run(args: argparse.Namespace) -> int:
    output = synthesize(fleet_of(args), config_path(args), args.output)
    stacks = summaries(output)
    if args.json:
        print_json({"ok": True, "output": str(output), "stacks": stacks})
    else:
        print(render(stacks))
    return EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "synth", help="validate the configuration, synthesize one Terraform stack per environment, run the checks",
        description="Synthesize every stack. The checks run first: an error exits 1 and writes nothing.",
    )
    add_config_option(parser)
    add_output_option(parser, "output directory")
    add_json_option(parser, "each stack's path, resources by type, backend and variables")
    parser.set_defaults(handler=run)
