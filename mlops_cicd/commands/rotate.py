"""`mlops-cicd rotate <env>`: replace that environment's credentials now and rewrite every copy (two applies)."""

from __future__ import annotations

import argparse
import json
import os

from ..config import Config
from .common import add_config_option, config_of, selected_environments
from .errors import EXIT_OK, UserError
from .rehearsal import RehearsedStack, add_rehearsal_dir_option, rehearsal_dir
from .rotation import PHASES, Change, rotate
from .terraform import terraform


def _missing_variables(document: dict) -> list[str]:
    return [
        f"TF_VAR_{name}" for name, spec in (document.get("variable") or {}).items()
        if "default" not in (spec or {}) and f"TF_VAR_{name}" not in os.environ
    ]


def _rotate_deployed(config: Config, name: str, args: argparse.Namespace) -> list[Change]:
    from ..app import synth  # the stack must match the config (and pass the checks) before it is applied

    directory = synth(config, args.outdir) / "stacks" / name
    if not (directory / ".terraform").is_dir():
        raise UserError(f"{directory} has not been initialized: {name} was never deployed from here",
                        f"deploy it first (`cdktf deploy {name}`); to try rotation offline use --rehearsal")
    document = json.loads((directory / "cdk.tf.json").read_text())
    missing = _missing_variables(document)
    if missing:
        raise UserError(f"{', '.join(missing)} not set: the rotation ends with an apply of the whole stack",
                        "export them as for `cdktf deploy` (see README, deploy variables)")
    return rotate(name, document, directory, lambda a, fix: terraform(directory, a, fix=fix))


def _rotate_rehearsed(name: str, args: argparse.Namespace) -> list[Change]:
    stack = RehearsedStack(rehearsal_dir(args.rehearsal_dir), name)
    return rotate(name, stack.document, stack.stack.work_dir, stack.terraform)


def run(args: argparse.Namespace) -> int:
    config = config_of(args)
    selected_environments(config, [args.environment])
    if args.rehearsal:
        changes = _rotate_rehearsed(args.environment, args)
    else:
        changes = _rotate_deployed(config, args.environment, args)
    if args.json:
        print(json.dumps({"stack": args.environment, "rehearsal": args.rehearsal,
                          "changes": [{"address": c.address, "actions": list(c.actions), "phase": PHASES[c.phase]}
                                      for c in changes]}, indent=2))
    else:
        where = " (offline rehearsal)" if args.rehearsal else ""
        print(f"rotated {args.environment}{where} in two applies:")
        width = max((len(c.address) for c in changes), default=0)
        for phase, title in ((1, "1. the new credential and its copies (targeted)"),
                             (2, "2. the rest of the stack, as the SP with the new credential")):
            print(f"  {title}:")
            lines = [f"    {c.address.ljust(width)}  {c.description}" for c in changes if c.phase == phase]
            print("\n".join(lines) if lines else "    no changes")
    return EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "rotate", help="replace an environment's credentials now and rewrite every copy, in two applies",
        description="Replace one stack's rotating credentials in two applies. 1: `terraform apply -target=` the "
                    "credential, its schedule and its GitHub copies, with `-replace=` on the credential and its "
                    "schedule; the old credential is deleted only after the new one is stored. Resources managed "
                    "as the SP are left out, because their provider's credential is unknown in that plan and the "
                    "Databricks provider would fall back to the deployer's environment. 2: a full apply, now "
                    "authenticating as the SP with the new credential. Use this instead of a plain apply when a "
                    "rotation is due (required in oauth mode). Needs the deploy variables (TF_VAR_*) and backend "
                    "credentials, as `cdktf deploy`.",
    )
    add_config_option(parser)
    parser.add_argument("environment", help="the environment (stack) whose credentials to replace")
    parser.add_argument("--rehearsal", action="store_true", help="rotate in the last offline rehearsal instead (`make rehearse`)")
    add_rehearsal_dir_option(parser)
    parser.add_argument("--outdir", default="cdktf.out", help="where to synthesize the stacks (default: cdktf.out)")
    parser.add_argument("--json", action="store_true", help="print the applied changes as JSON")
    parser.set_defaults(handler=run)
