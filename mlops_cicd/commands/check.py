"""`mlops-cicd check`: the synth-time checks only, for people (text) or machines (--json).

Without --output the stacks of the configuration are synthesized aside (nothing written); with --output, the
stacks already synthesized there are checked, whoever wrote them (`cdktf synth` of a user's own app included),
against the configuration when there is one."""

from __future__ import annotations

import argparse
from dataclasses import replace

from ..errors import EXIT_CHECKS_FAILED, EXIT_OK, usage_error
from ..operations.synthesis import existing_output, synthesized_aside
from .options import add_config_option, add_json_option, config_given, config_path, fleet_of
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
    from ..checks import run_checks
    from ..checks.github_writes import repository_to_check
    from ..synthesized import load_stacks
    from ..workflow_files import read_workflows

    if args.repository is not None and args.workflows is None:
        raise usage_error("--repository names the repository whose workflows --workflows checks",
                          "add --workflows DIR, or leave --repository out")
    # the workflow files first: a wrong folder or a broken file fails before the slow synth
    workflows = read_workflows(args.workflows, None) if args.workflows is not None else None
    if args.output is None:
        config = fleet_of(args)
        documents = synthesized_aside(config, config_path(args))
    else:  # what check_synthesized does with a directory
        documents = load_stacks(existing_output(args.output))
        config = fleet_of(args) if config_given(args) else None
    if workflows is not None:
        workflows = replace(workflows, repository=repository_to_check(documents.values(), args.repository))
    return run_checks(config, documents, workflows=workflows)


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
    parser.add_argument("--workflows", metavar="DIR", help="also check the project's own GitHub Actions workflows in DIR "
                        "(e.g. .github/workflows): every job can receive the secrets and variables the stacks write "
                        "(MLOPS017-019)")
    parser.add_argument("--repository", metavar="OWNER/NAME", help="with --workflows: the repository they belong to, "
                        "when the stacks write to several (default: the only one)")
    parser.set_defaults(handler=run)
