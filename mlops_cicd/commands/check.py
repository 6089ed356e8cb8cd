"""`mlops-cicd check`: the synth-time checks only, for people (text) or machines (--json).

Without --output the stacks of the configuration are synthesized aside (nothing written); with --output, the
stacks already synthesized there are checked, whoever wrote them (`cdktf synth` of a user's own app included),
against the configuration when there is one."""

from __future__ import annotations

import argparse

from ..errors import EXIT_CHECKS_FAILED, EXIT_OK
from ..operations.synthesis import existing_output, synthesized_aside
from .options import add_config_option, add_json_option, config_given, config_of, config_path
from .printing import print_json


def _list_checks(args: argparse.Namespace) -> int:
    from ..checks import CHECKS

    if args.json:
        print_json({"checks": [{"id": c.id, "severity": c.severity, "title": c.title} for c in CHECKS]})
    else:
        for check in CHECKS:
            print(f"{check.id}  {check.severity:<7}  {check.title}")
    return EXIT_OK


def _report(args: argparse.Namespace):
    from ..checks import check_synthesized, run_checks

    if args.output is None:
        config = config_of(args)
        return run_checks(config, synthesized_aside(config, config_path(args)))
    output = existing_output(args.output)
    return check_synthesized(output, config_of(args) if config_given(args) else None)


def run(args: argparse.Namespace) -> int:
    if args.list:
        return _list_checks(args)
    from ..checks import as_json, render_text

    report = _report(args)
    if args.json:
        print_json(as_json(report))
    else:
        print(render_text(report))
    return EXIT_OK if report.ok else EXIT_CHECKS_FAILED


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "check", help="run the synth-time checks without writing anything",
        description="Run every check: on the configuration's stacks, synthesized in a scratch directory, or with "
                    "--output on the stacks synthesized there (any cdktf app's). Exit 0: no error; 1: an error that "
                    "is not suppressed; 2: a wrong command line; 4: invalid configuration.",
    )
    add_config_option(parser)
    parser.add_argument("--output", metavar="DIR", help="check the stacks already synthesized in DIR (its manifest.json) "
                        "instead of synthesizing the configuration; the configuration is used when there is one")
    add_json_option(parser, "the report (with --list: the checks)")
    parser.add_argument("--list", action="store_true", help="list the checks (id, severity, what they guard) and exit")
    parser.set_defaults(handler=run)
