"""`mlops-cicd check`: the synth-time checks only, for people (text) or machines (--json)."""

from __future__ import annotations

import argparse
import json

from .common import add_config_option, config_of, config_path, synthesized_documents
from .errors import EXIT_CHECKS_FAILED, EXIT_OK


def _list_checks() -> int:
    from ..checks import CHECKS

    for check in CHECKS:
        print(f"{check.id}  {check.severity:<7}  {check.title}")
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    if args.list:
        return _list_checks()
    from ..checks import as_json, render_text, run_checks

    config = config_of(args)
    report = run_checks(config, synthesized_documents(config, config_path(args)))
    if args.json:
        print(json.dumps(as_json(report), indent=2))
    else:
        print(render_text(report))
    return EXIT_OK if report.ok else EXIT_CHECKS_FAILED


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "check", help="run the synth-time checks without writing anything",
        description="Synthesize in a scratch directory and run every check. Exit 0: no error; 1: an error "
                    "that is not suppressed; 2: invalid configuration.",
    )
    add_config_option(parser)
    parser.add_argument("--json", action="store_true", help="print the report as JSON (for machines)")
    parser.add_argument("--list", action="store_true", help="list the checks (id, severity, what they guard) and exit")
    parser.set_defaults(handler=run)
