"""`mlops-cicd workflow`: write the GitHub Actions workflow that re-deploys every stack on a schedule (or check
that the one written is still what the configuration gives)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from ..errors import EXIT_CHECKS_FAILED, EXIT_OK, UserError, usage_error
from ..operations.redeploy_workflow import (
    DEFAULT_CRON,
    DEFAULT_DIRECTORY,
    WORKFLOW_FILE,
    checked_cron,
    refuse_unschedulable,
    repository_path,
    shadowing,
    stack_targets,
    workflow_text,
)
from ..operations.synthesis import synthesized_aside, writable_directory
from .options import add_config_option, add_json_option, config_path, fleet_of
from .printing import print_json


def _write_atomically(path: Path, text: str) -> None:
    """`path` holds the old text or the new, never part of one (a temporary file beside it, then renamed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.",
                                     delete=False) as temporary:
        temporary.write(text)
    try:
        os.chmod(temporary.name, 0o644)
        os.replace(temporary.name, path)
    except BaseException:
        Path(temporary.name).unlink(missing_ok=True)
        raise


def _check(path: Path, text: str) -> bool:
    try:
        return path.read_text(encoding="utf-8") == text
    except FileNotFoundError:
        raise usage_error(f"--check {path}: no such file", "name the generated workflow file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise usage_error(f"--check {path} cannot be read ({type(error).__name__})", "name the generated workflow file") from None


def run(args: argparse.Namespace) -> int:
    cron = checked_cron(args.cron)
    target = None if args.check else writable_directory(args.output, "--output")
    source = config_path(args)
    in_repository = repository_path(source, os.getcwd())
    fleet = fleet_of(args)
    refuse_unschedulable(fleet, source)
    documents = synthesized_aside(fleet, source)
    targets = stack_targets(fleet, documents)
    text = workflow_text(targets, config=in_repository, cron=cron)
    warnings = shadowing(fleet, documents, targets)
    for warning in warnings:
        print(f"mlops-cicd: warning: {warning}", file=sys.stderr)
    stacks = [{"name": t.name, "environment": t.environment, "oidc": t.oidc, "secrets": list(t.secrets)}
              for t in targets]
    if args.check:
        if not _check(Path(args.check), text):
            raise UserError(f"{args.check} is not what the configuration gives now (a stack was added, removed or "
                            "changed since it was generated)", f"run `mlops-cicd workflow --output "
                            f"{Path(args.check).parent}` and commit the result", EXIT_CHECKS_FAILED)
        if args.json:
            print_json({"ok": True, "path": args.check, "current": True, "stacks": stacks, "warnings": warnings})
        else:
            print(f"{args.check} matches the configuration ({len(targets)} stack(s))")
        return EXIT_OK
    path = target / WORKFLOW_FILE
    _write_atomically(path, text)
    if args.json:
        print_json({"ok": True, "path": str(path), "written": True, "cron": cron, "stacks": stacks,
                    "warnings": warnings})
    else:
        print(f"wrote {path}: re-deploys {len(targets)} stack(s) on '{cron}' (UTC) and by hand")
        for t in targets:
            print(f"  {t.name}: GitHub environment {t.environment}" + (" (GitHub OIDC)" if t.oidc else ""))
    return EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "workflow", help="write the GitHub Actions workflow that re-deploys every stack on a schedule",
        description=f"Write {WORKFLOW_FILE}: on a schedule and by hand, for each stack in parallel, status, plan, "
                    "apply when the plan has changes (a due rotation is one), and status again, failing on any "
                    "warning (a credential within the warning window). Each stack's job reads its deployer's "
                    "secrets from a GitHub environment mlops-cicd-<stack>. Run it from the repository's root. "
                    "Refuses stacks with a local state file. Exit 0; 1 with --check when the file differs.",
    )
    add_config_option(parser)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--output", metavar="DIR", default=DEFAULT_DIRECTORY,
                       help=f"where to write {WORKFLOW_FILE} (default: {DEFAULT_DIRECTORY})")
    where.add_argument("--check", metavar="FILE",
                       help="write nothing; exit 1 unless FILE is what the configuration gives now")
    parser.add_argument("--cron", default=DEFAULT_CRON,
                        help=f"when it runs, a cron schedule in UTC (default: '{DEFAULT_CRON}', daily)")
    add_json_option(parser, "what was written (or checked)")
    parser.set_defaults(handler=run)
