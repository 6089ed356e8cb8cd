"""`mlops-cicd preflight ENV`: before terraform runs, is everything a deploy of ENV needs set? (names only,
never a value)"""

from __future__ import annotations

import argparse

from ..errors import EXIT_CHECKS_FAILED, EXIT_OK
from ..operations.preflight import preflight
from ..operations.synthesis import synthesized_aside
from .options import add_config_option, add_environment_argument, add_json_option, config_path, stack_of
from .printing import print_json, print_table


def run(args: argparse.Namespace) -> int:
    stack = stack_of(args, args.environment)
    document = synthesized_aside(stack.config, config_path(args))[stack.name]
    found = preflight(document)
    ok = not any(r.severity == "error" for r in found)
    if args.json:
        print_json({"ok": ok, "environment": args.environment, "requirements": [r.as_dict() for r in found]})
    else:
        print_table(("", "WHAT", "STATE"), [(r.severity, r.what, r.message) for r in found])
        for r in found:
            if r.fix and r.severity != "ok":
                print(f"{r.severity}: {r.what}: {r.fix}")
        print(f"preflight {args.environment}: " + ("ready to deploy" if ok else "not ready: fix each error above"))
    return EXIT_OK if ok else EXIT_CHECKS_FAILED


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "preflight", help="check that everything a deploy of ENV needs is set, before terraform runs",
        description="Synthesize ENV's stack aside and check, without printing any value, that each of its "
                    "variables (TF_VAR_*) is set, that the deployer's Databricks and GitHub credentials and the "
                    "state backend's are, and that the Terraform registry is reachable (else: how to use a "
                    "provider mirror). Exit 0: ready; 1: something a deploy needs is missing.",
    )
    add_config_option(parser)
    add_environment_argument(parser, "to be deployed")
    add_json_option(parser, "each requirement")
    parser.set_defaults(handler=run)
