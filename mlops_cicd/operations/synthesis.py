"""Synthesizing for the commands: into the output directory (checks enforced, all or nothing), or aside into a
scratch directory to look at the stacks without writing anything."""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..config import Config
from ..fleet import Fleet
from ..errors import EXIT_CONFIG_ERROR, UserError, usage_error
from ..jsii_node import require_node
from ..synthesized import DEFAULT_OUTPUT, load_stacks, output_directory
from .progress import step

# Construct props that passed config validation can still be refused while the stacks are built (a rule the
# validation lacks); jsii reports two constructs given one id (two names mapped to one Terraform address) so.
_DUPLICATE_ID = "There is already a Construct with name"
HCL_OUTPUT_VARIABLE = "SYNTH_HCL_OUTPUT"
"""`cdktf synth --hcl` sets it to "true" for the app, and then every cdktf App writes HCL (cdk.tf), not JSON
(cdktf 0.21.0, lib/app.js: `hclOutput = process.env.SYNTH_HCL_OUTPUT === "true"`)."""


def ready_to_synthesize(environ=os.environ) -> None:
    """Before anything is synthesized (and cdktf loaded): a Node for jsii (`require_node`), and JSON output: the
    checks, the summary and every command read the synthesized JSON, so an HCL synth would fail half-way."""
    require_node(environ)
    if environ.get(HCL_OUTPUT_VARIABLE) == "true":
        raise usage_error("`cdktf synth --hcl` (SYNTH_HCL_OUTPUT=true) is not supported: the checks read the "
                          "synthesized JSON; nothing was synthesized",
                          "run `cdktf synth` without --hcl (Terraform reads the JSON stacks, cdk.tf.json, as they "
                          "are), or unset SYNTH_HCL_OUTPUT")


@contextmanager
def building(source: str) -> Iterator[None]:
    """Turn a construct's refusal of a configured value into a configuration error naming `source`."""
    try:
        yield
    except ValueError as error:
        raise UserError(f"{source}: the stacks cannot be built: {error}",
                        f"correct the setting it names in {source}", EXIT_CONFIG_ERROR) from None
    except RuntimeError as error:
        if _DUPLICATE_ID not in str(error):
            raise
        raise UserError(f"{source}: two settings give one Terraform address: {error}",
                        f"make the names in {source} differ in more than case or punctuation", EXIT_CONFIG_ERROR) from None


def writable_directory(path: str | Path, option: str) -> Path:
    """`path` as an output directory: it is one, or can be created as one, and this user can write there.

    Checked before anything is synthesized, so a bad `--output` costs nothing and writes nothing (the probe
    is a nameless temporary file in the nearest existing directory)."""
    path = Path(path)
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        where = "is a file" if existing == path else f"is inside {existing}, which is a file"
        raise usage_error(f"{option} {path} {where}, not a directory",
                          f"name a directory (it is created if missing), e.g. {option} {DEFAULT_OUTPUT}")
    try:
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as error:
        raise usage_error(f"{option} {path} cannot be written ({existing}: {error.strerror or type(error).__name__})",
                          f"choose a directory this user can write for {option}, or fix its permissions") from None
    return path


def existing_output(path: str | Path | None, option: str = "--output") -> Path:
    """A synthesized output directory to read: the default when not given; a file there is a usage error."""
    output = output_directory(path)
    if output.exists() and not output.is_dir():
        raise usage_error(f"{option} {output} is a file, not a directory",
                          f"name the directory the stacks were synthesized into (default: {DEFAULT_OUTPUT})")
    return output


def synthesize(config: Config | Fleet, source: str, output: str | Path | None, option: str = "--output") -> Path:
    """Synthesize every stack, checks enforced, into `output` (default $CDKTF_OUTDIR, else cdktf.out): checked
    first, so a bad one fails before any work; on any failure nothing is written."""
    ready_to_synthesize()
    target = writable_directory(output_directory(output), option)
    with step(f"synthesizing {len(config.stack_names)} stack(s) and running the checks"), building(source):
        from ..app import synth  # cdktf start-up is slow: inside the step, which it is part of

        try:
            return synth(config, target)
        except OSError as error:
            raise UserError(f"cannot write {error.filename or target}: {error.strerror or error}",
                            f"free space or fix the permissions there, or choose another {option}") from None


def synthesized_aside(config: Config | Fleet, source: str, *, enforce_checks: bool = False) -> dict[str, dict]:
    """Synthesize every stack into a throwaway directory and return each stack's document by name; with
    `enforce_checks`, a check error raises ChecksFailed. Nothing is written anywhere else."""
    ready_to_synthesize()
    with step(f"synthesizing {len(config.stack_names)} stack(s)"), tempfile.TemporaryDirectory(prefix="mlops-cicd-") as scratch:
        from ..app import synth_into  # cdktf start-up is slow: inside the step, which it is part of

        with building(source):
            synth_into(config, scratch, enforce_checks=enforce_checks)
        return load_stacks(Path(scratch))


def selected_environments(config: Config, requested: list[str]) -> list[str]:
    """The stacks a command works on: those named (each must exist), else all, in config order (a stack is named
    after its environment; in a platform repository `<project>-<env>`)."""
    known = config.stack_names
    unknown = [name for name in requested if name not in known]
    if unknown:
        raise usage_error(f"unknown environment(s): {', '.join(unknown)}", f"use one of: {', '.join(known)}")
    return requested or known
