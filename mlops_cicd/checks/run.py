"""Run every check over synthesized stacks: from documents (tests) or from a cdktf output directory (synth)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Mapping, TextIO

from ..config import Config
from ..summary import stack_files
from .model import Stack, Synthesis
from .registry import CHECK_IDS, CHECKS
from .report import Report, apply_suppressions, render_text


class ChecksFailed(Exception):
    """At least one check reported an error that is not suppressed; nothing was written."""

    def __init__(self, report: Report):
        self.report = report
        ids = ", ".join(sorted({f.check_id for f in report.errors}))
        super().__init__(f"{len(report.errors)} check error(s) ({ids}); nothing was written")


def run_checks(config: Config, documents: Mapping[str, dict], environ: Mapping[str, str] | None = None) -> Report:
    """Check the stacks `documents` (cdk.tf.json by stack name) against `config`.

    `environ` (default: the process environment) supplies TF_VAR_* values to look for in plain text.
    """
    envs = {env.name: env for env in config.environments}
    stacks = tuple(Stack(name, document, envs.get(name)) for name, document in documents.items())
    synthesis = Synthesis(config, stacks, dict(os.environ if environ is None else environ))
    findings = [finding for check in CHECKS for finding in check.findings(synthesis)]
    return apply_suppressions(findings, list(config.checks.suppress), CHECK_IDS)


def load_documents(outdir: Path) -> dict[str, dict]:
    return {name: json.loads(path.read_text()) for name, path in stack_files(outdir).items()}


def enforce(config: Config, outdir: Path, stream: TextIO | None = None) -> Report:
    """Check a synthesized directory; print the report; raise ChecksFailed on any error."""
    report = run_checks(config, load_documents(outdir))
    print(render_text(report), file=sys.stderr if stream is None else stream)
    if not report.ok:
        raise ChecksFailed(report)
    return report
