"""Running the terraform binary, with its failures turned into one line plus a fix.

Terraform runs with CHECKPOINT_DISABLE=1: its version check (HashiCorp checkpoint) calls out to the network,
which fails offline and leaks which version runs where."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Sequence

from ..errors import UserError


def first_error_line(output: str) -> str | None:
    """Terraform frames diagnostics with box characters; keep the `Error: ...` summary line. `show -json` prints a
    state it cannot render unframed, as `Failed to marshal state to json: <cause>` (terraform v1.11.4
    internal/command/views/show.go; its causes, from internal/command/jsonstate/state.go, name addresses, types and
    schema versions)."""
    for line in output.splitlines():
        text = line.strip("│╷╵ \t")
        if text.startswith(("Error:", "Failed to marshal state to json:")):
            return text
    return None


def failure_summary(output: str, exit_code: int) -> str:
    """The `Error: ...` line of a failed run; never other output verbatim (it may hold values)."""
    return first_error_line(output) or f"terraform exited {exit_code}; run it by hand to see why"


def terraform_environment(environ: dict[str, str] | None = None) -> dict[str, str]:
    """The environment terraform (and cdktf) run in: this process's, without the checkpoint call."""
    return {**(os.environ if environ is None else environ), "CHECKPOINT_DISABLE": "1"}


def terraform(directory: Path, args: Sequence[str], *, fix: str, fix_when: Sequence[tuple[str, str]] = ()) -> str:
    """Run `terraform -chdir=<directory> <args>`; return stdout; on failure raise UserError(fix), or the fix of the
    first (text, fix) in `fix_when` whose text terraform's error output contains."""
    binary = shutil.which("terraform")
    if binary is None:
        raise UserError("terraform is not on PATH", "install Terraform 1.11 (https://developer.hashicorp.com/terraform/install)")
    result = subprocess.run([binary, f"-chdir={directory}", *args], text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=terraform_environment())
    if result.returncode != 0:
        fix = next((special for text, special in fix_when if text in result.stderr), fix)
        raise UserError(f"terraform {args[0]} in {directory} failed: {failure_summary(result.stderr, result.returncode)}", fix)
    return result.stdout or ""


def initialized(directory: Path) -> bool:
    """Whether `terraform init` ran in `directory` (a stack never deployed from here has not)."""
    return (directory / ".terraform").is_dir()


def show_state(directory: Path) -> dict:
    """`terraform show -json` of the state of the stack in `directory`."""
    if not initialized(directory):
        raise UserError(f"{directory} has not been initialized, so its state cannot be read",
                        f"deploy it first (`cdktf deploy {directory.name}`), or run `terraform -chdir={directory} init`")
    # After `terraform init -upgrade` to a provider whose resource schema version went up (e.g. moving from CDKTF to
    # CDK Terrain: github 6.12 raised github_repository_environment to 1), `show` refuses the state until an apply
    # has rewritten it (terraform v1.11.4 internal/command/jsonstate/state.go); a plan does not save it.
    output = terraform(directory, ["show", "-json", "-no-color"],
                       fix="check the backend's credentials (AWS_*, ARM_*, GOOGLE_*, PG_CONN_STR, TF_TOKEN_*)",
                       fix_when=[("does not match version", "the providers were upgraded and the state not rewritten yet: "
                                  f"run `terraform -chdir={directory} apply -refresh-only` (it changes nothing "
                                  "remote), or deploy")])
    return json.loads(output)
