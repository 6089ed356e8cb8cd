"""`mlops-cicd rotate ENV`: replace that environment's credentials now and rewrite every copy (one apply)."""

from __future__ import annotations

import argparse

from ..errors import EXIT_OK
from ..operations.rotate_environment import rotate_environment
from ..operations.synthesis import existing_output
from .options import (
    add_config_option,
    add_environment_argument,
    add_json_option,
    add_output_option,
    add_rehearsal_dir_option,
    fleet_of,
    one_stack,
    rehearsal_directory,
)
from .printing import print_json


def run(args: argparse.Namespace) -> int:
    fleet = fleet_of(args)
    stack = one_stack(fleet, args.environment)
    rotation = rotate_environment(stack.config, stack.name, fleet=fleet, output=existing_output(args.output),
                                  rehearsal_dir=rehearsal_directory(args) if args.rehearsal else None)
    if args.json:
        print_json(rotation.as_dict())
    elif not rotation.rotated:
        print(f"nothing to rotate in {args.environment}: {rotation.reason}")
    else:
        where = " (offline rehearsal)" if args.rehearsal else ""
        print(f"rotated {args.environment}{where} in one apply:")
        width = max((len(c.address) for c in rotation.changes), default=0)
        print("\n".join(f"  {c.address.ljust(width)}  {c.description}" for c in rotation.changes) or "  no changes")
    return EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "rotate", help="replace an environment's credentials now and rewrite every copy, in one apply",
        description="Replace one stack's rotating credentials now: `terraform apply` with `-replace=` on each "
                    "credential and its rotation schedule, which is what a re-deploy does once the schedule is "
                    "due. The new credential is stored (GitHub secrets updated in place) before the old one is "
                    "deleted. Synthesizes the stack from the configuration first and applies all of it, so it "
                    "needs the deploy variables (TF_VAR_*) and backend credentials, as `cdktf deploy` (`mlops-cicd "
                    "preflight ENV` lists them). Nothing to do in oidc mode, which stores no credential.",
    )
    add_config_option(parser)
    add_environment_argument(parser, "whose credentials to replace")
    parser.add_argument("--rehearsal", action="store_true", help="rotate in the last offline rehearsal instead (`make rehearse`)")
    add_rehearsal_dir_option(parser)
    add_output_option(parser, "where the deployed stacks live")
    add_json_option(parser, "the applied changes")
    parser.set_defaults(handler=run)
