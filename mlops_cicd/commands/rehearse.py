"""`mlops-cicd rehearse`: synthesize (checks included), then deploy every stack with real Terraform
against the offline stand-in providers (init, validate, plan, apply, re-plan without changes)."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict

from ..locks import claim, exclusive, record_owner
from .common import DEFAULT_OUTDIR, add_config_option, config_of, config_path, selected_environments, writable_directory
from .errors import EXIT_CHECKS_FAILED, EXIT_OK
from .progress import step
from .rehearsal import add_rehearsal_dir_option, rehearsal_dir
from .synth import synthesize


def run(args: argparse.Namespace) -> int:
    from ..offline.rehearse import rehearse

    config = config_of(args)
    names = selected_environments(config, args.environments)
    out = writable_directory(rehearsal_dir(args.rehearsal_dir), "--rehearsal-dir")
    with exclusive(out, "rehearse"):  # two rehearsals at once would share, and corrupt, one emulated world
        claim(out, config, "rehearsal")
        outdir = synthesize(config, config_path(args), args.outdir, "--outdir")
        record_owner(out, config)
        stream = sys.stderr if args.json else sys.stdout
        with step(f"rehearsing {', '.join(names)} offline: init, validate, plan, apply, re-plan"):
            reports = rehearse(outdir / "stacks", out, names, echo=lambda text: print(text, file=stream, flush=True))
    ok = all(report.ok for report in reports)
    if args.json:
        print(json.dumps({"ok": ok, "rehearsal_dir": str(out), "stacks": [asdict(r) for r in reports]}, indent=2))
    elif ok:
        print(f"rehearsal kept in {out}; next: `mlops-cicd status --rehearsal`, `mlops-cicd rotate <env> --rehearsal`")
    return EXIT_OK if ok else EXIT_CHECKS_FAILED


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "rehearse", help="deploy every stack offline, with real Terraform against stand-in providers",
        description="Synthesize (the checks run first), then run terraform init, validate, plan, apply and a "
                    "second plan that must show no changes, for each stack, against emulated Databricks "
                    "workspaces and GitHub repositories. No credential or network is needed. Exit 0: every "
                    "stack rehearsed cleanly; 1: a step failed (its output is shown); 2: invalid configuration.",
    )
    add_config_option(parser)
    parser.add_argument("environments", nargs="*", metavar="ENV", help="environments to rehearse (default: all)")
    add_rehearsal_dir_option(parser)
    parser.add_argument("--outdir", default=DEFAULT_OUTDIR, help=f"where to synthesize the stacks (default: {DEFAULT_OUTDIR})")
    parser.add_argument("--json", action="store_true", help="print the per-stack step report as JSON")
    parser.set_defaults(handler=run)
