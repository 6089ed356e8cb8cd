"""Running the terraform binary, with its failures turned into one line plus a fix."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Mapping, Sequence

from .errors import UserError


def first_error_line(output: str) -> str:
    """Terraform frames diagnostics with box characters; keep the `Error: ...` summary line."""
    for line in output.splitlines():
        text = line.strip("│╷╵ \t")
        if text.startswith("Error:"):
            return text
    lines = [line.strip("│╷╵ \t") for line in output.splitlines() if line.strip("│╷╵ \t")]
    return lines[-1] if lines else "no output"


def terraform(
    directory: Path, args: Sequence[str], *, fix: str, env: Mapping[str, str] | None = None, capture: bool = True,
) -> str:
    """Run `terraform -chdir=<directory> <args>`; return stdout; on failure raise UserError(fix)."""
    binary = shutil.which("terraform", path=(env or os.environ).get("PATH"))
    if binary is None:
        raise UserError("terraform is not on PATH", "install Terraform 1.11 (https://developer.hashicorp.com/terraform/install)")
    result = subprocess.run(
        [binary, f"-chdir={directory}", *args], env=dict(env or os.environ), text=True,
        stdout=subprocess.PIPE if capture else None, stderr=subprocess.PIPE,
    )
    if result.returncode != 0:
        raise UserError(f"terraform {args[0]} in {directory} failed: {first_error_line(result.stderr)}", fix)
    return result.stdout or ""


def show_state(directory: Path, env: Mapping[str, str] | None = None) -> dict:
    """`terraform show -json` of the state of the stack in `directory`."""
    if not (directory / ".terraform").is_dir():
        raise UserError(f"{directory} has not been initialized, so its state cannot be read",
                        f"deploy it first (`cdktf deploy {directory.name}`), or run `terraform -chdir={directory} init`")
    output = terraform(directory, ["show", "-json", "-no-color"], env=env,
                       fix="check the backend's credentials (AWS_*, ARM_*, GOOGLE_*, PG_CONN_STR, TF_TOKEN_*)")
    return json.loads(output)
