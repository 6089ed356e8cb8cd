"""`mlops-cicd rehearse`: synthesize (checks included), then deploy every stack with real Terraform
against the offline stand-in providers (init, validate, plan, apply, re-plan without changes)."""

from __future__ import annotations

import argparse
import sys

from ..errors import EXIT_CHECKS_FAILED, EXIT_OK
from ..operations.rehearsal import rehearse
from .options import (
    add_config_option,
    add_environments_argument,
    add_json_option,
    add_output_option,
    add_rehearsal_dir_option,
    config_path,
    fleet_of,
    rehearsal_directory,
)
from .printing import print_json


def run(args: argparse.Namespace) -> int:
    config = fleet_of(args)
    names = [stack.name for stack in config.select(args.environments)]
    stream = sys.stderr if args.json else sys.stdout  # with --json, stdout holds the JSON alone
    result = rehearse(config, config_path(args), names, output=args.output, rehearsal=rehearsal_directory(args),
                      echo=lambda text: print(text, file=stream, flush=True), jobs=args.jobs)
    if args.json:
        print_json(result)
    elif result["ok"]:
        print(f"rehearsal kept in {result['rehearsal_dir']}; next: `mlops-cicd status --rehearsal`, "
              "`mlops-cicd rotate ENV --rehearsal`")
    return EXIT_OK if result["ok"] else EXIT_CHECKS_FAILED


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of stacks at a time (1 or more)")
    return int(text)


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "rehearse", help="deploy every stack offline, with real Terraform against stand-in providers",
        description="Synthesize (the checks run first), then run terraform init, validate, plan, apply and a "
                    "second plan that must show no changes, for each stack, against emulated Databricks "
                    "workspaces and GitHub repositories. No credential or network is needed. Exit 0: every "
                    "stack rehearsed cleanly; 1: a step failed (its output is shown); 2: a wrong command line; "
                    "4: invalid configuration.",
    )
    add_config_option(parser)
    add_environments_argument(parser, "to rehearse")
    add_rehearsal_dir_option(parser)
    add_output_option(parser, "where to synthesize the stacks")
    add_json_option(parser, "the per-stack step report")
    parser.add_argument("-j", "--jobs", type=_jobs, default=1, metavar="N",
                        help="rehearse N stacks at a time, each with its own stand-in providers (default 1)")
    parser.set_defaults(handler=run)
