"""`mlops-cicd rotate <env>`: replace that environment's credentials now and rewrite every copy (one apply)."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import tempfile
from pathlib import Path

from ..config import Config
from ..locks import claim, exclusive
from .common import add_config_option, config_of, selected_environments
from .errors import EXIT_OK, UserError
from .progress import step
from .rehearsal import RehearsedStack, add_rehearsal_dir_option, rehearsal_dir
from .rotation import Change, rotate, rotation_targets
from .terraform import terraform

STACK_FILE = "cdk.tf.json"


def _missing_variables(document: dict) -> list[str]:
    return [
        f"TF_VAR_{name}" for name, spec in (document.get("variable") or {}).items()
        if "default" not in (spec or {}) and f"TF_VAR_{name}" not in os.environ
    ]


def _synthesized(config: Config, name: str) -> str:
    """The stack as the configuration makes it now, checks enforced; synthesized aside, nothing written."""
    from ..app import synth_into  # cdktf start-up is slow; only pay it when synthesizing

    with step(f"synthesizing {name}"), tempfile.TemporaryDirectory(prefix="mlops-cicd-rotate-") as scratch:
        synth_into(config, scratch, enforce_checks=True)
        return (Path(scratch) / "stacks" / name / STACK_FILE).read_text()


@contextlib.contextmanager
def _in_place_unless_failed(path: Path, text: str):
    """`path` holds `text` while the block runs, and keeps it only if the block succeeds."""
    before = path.read_bytes() if path.exists() else None
    path.write_text(text)
    try:
        yield
    except BaseException:
        if before is None:
            path.unlink(missing_ok=True)
        else:
            path.write_bytes(before)
        raise


def _state_in_place(config: Config, outdir: Path) -> None:
    """Raise unless each local state is this configuration file's and where the stack reads it: synth's
    rules (`local_state.plan`), without moving anything."""
    from ..local_state import plan

    pending = plan(config, outdir).moves  # raises on a state recorded as another configuration file's
    if pending:
        move = pending[0]
        raise UserError(f"the state of {move.environment} is still at {move.source} ({move.where}); the stack "
                        f"now reads {move.target}, so an apply would start from no state",
                        "run `mlops-cicd synth` (or `cdktf synth`) first: it moves the state; then rotate")


def _rotate_deployed(config: Config, name: str, args: argparse.Namespace) -> list[Change] | None:
    with exclusive(args.outdir, "rotate"):  # as synth: alone on the output directory, on this config's stacks
        claim(args.outdir, config, "stacks")
        return _rotate_deployed_stack(config, name, Path(args.outdir))


def _rotate_deployed_stack(config: Config, name: str, outdir: Path) -> list[Change] | None:
    directory = outdir / "stacks" / name
    if not (directory / ".terraform").is_dir():
        raise UserError(f"{directory} has not been initialized: {name} was never deployed from here",
                        f"deploy it first (`cdktf deploy {name}`); to try rotation offline use --rehearsal")
    _state_in_place(config, outdir)
    text = _synthesized(config, name)  # the stack must match the config (and pass the checks) to be applied
    document = json.loads(text)
    targets = rotation_targets(document)
    if not targets:
        return None
    missing = _missing_variables(document)
    if missing:
        raise UserError(f"{', '.join(missing)} not set: the rotation applies the whole stack",
                        "export them as for `cdktf deploy` (see README, deploy variables)")
    with _in_place_unless_failed(directory / STACK_FILE, text):
        return rotate(name, targets, directory, lambda a, fix: terraform(directory, a, fix=fix))


def _rotate_rehearsed(config: Config, name: str, args: argparse.Namespace) -> list[Change] | None:
    directory = rehearsal_dir(args.rehearsal_dir)
    with exclusive(directory, "rotate"):  # a rehearse starting now would wipe the world under the apply
        claim(directory, config, "rehearsal")
        stack = RehearsedStack(directory, name)
        targets = rotation_targets(stack.document)
        return rotate(name, targets, stack.stack.work_dir, stack.terraform) if targets else None


def _nothing_to_rotate(args: argparse.Namespace) -> int:
    reason = ("its credential_mode stores no credential to replace (oidc: GitHub OIDC federation, nothing expires)")
    if args.json:
        print(json.dumps({"stack": args.environment, "rehearsal": args.rehearsal, "rotated": False,
                          "reason": reason, "changes": []}, indent=2))
    else:
        print(f"nothing to rotate in {args.environment}: {reason}")
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    config = config_of(args)
    selected_environments(config, [args.environment])
    env = next(e for e in config.environments if e.name == args.environment)
    if env.credential_mode == "oidc":
        return _nothing_to_rotate(args)
    changes = (_rotate_rehearsed(config, args.environment, args) if args.rehearsal
               else _rotate_deployed(config, args.environment, args))
    if changes is None:
        return _nothing_to_rotate(args)
    if args.json:
        print(json.dumps({"stack": args.environment, "rehearsal": args.rehearsal, "rotated": True,
                          "changes": [{"address": c.address, "actions": list(c.actions)} for c in changes]}, indent=2))
    else:
        where = " (offline rehearsal)" if args.rehearsal else ""
        print(f"rotated {args.environment}{where} in one apply:")
        width = max((len(c.address) for c in changes), default=0)
        print("\n".join(f"  {c.address.ljust(width)}  {c.description}" for c in changes) or "  no changes")
    return EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "rotate", help="replace an environment's credentials now and rewrite every copy, in one apply",
        description="Replace one stack's rotating credentials now: `terraform apply` with `-replace=` on each "
                    "credential and its rotation schedule, which is what a re-deploy does once the schedule is "
                    "due. The new credential is stored (GitHub secrets updated in place) before the old one is "
                    "deleted. Synthesizes the stack from the configuration first and applies all of it, so it "
                    "needs the deploy variables (TF_VAR_*) and backend credentials, as `cdktf deploy`. Nothing to "
                    "do in oidc mode, which stores no credential.",
    )
    add_config_option(parser)
    parser.add_argument("environment", help="the environment (stack) whose credentials to replace")
    parser.add_argument("--rehearsal", action="store_true", help="rotate in the last offline rehearsal instead (`make rehearse`)")
    add_rehearsal_dir_option(parser)
    parser.add_argument("--outdir", default="cdktf.out", help="where the deployed stacks live (default: cdktf.out)")
    parser.add_argument("--json", action="store_true", help="print the applied changes as JSON")
    parser.set_defaults(handler=run)
