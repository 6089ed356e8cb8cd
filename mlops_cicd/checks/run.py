"""Run every check over synthesized stacks: from documents (tests), from a cdktf output directory (synth), or from
an app a user composed in their own code (`check_synthesized`)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping, TextIO

from ..config import Config, Suppression, suppression_problems
from ..fleet import Fleet
from ..synthesized import load_stacks
from ..workflow_jobs import Workflows
from .model import Stack, Synthesis
from .registry import CHECK_IDS, CHECKS
from .report import Report, apply_suppressions, render_text

if TYPE_CHECKING:
    from ..framework import core  # the caller passes an App; the checks themselves never load the framework


class ChecksFailed(Exception):
    """At least one check reported an error that is not suppressed; nothing was written."""

    def __init__(self, report: Report):
        self.report = report
        ids = ", ".join(sorted({f.check_id for f in report.errors}))
        super().__init__(f"{len(report.errors)} check error(s) ({ids}); nothing was written")


def _configured_suppressions(fleet: Fleet) -> list[Suppression]:
    """Each project's `[[checks.suppress]]`, about its own stacks: in a platform repository, an entry naming an
    environment names that project's stack of it, and one naming none, each stack of that project."""
    if not fleet.platform:
        return list(fleet.projects[0].checks.suppress)
    found = []
    for project in fleet.projects:
        for suppression in project.checks.suppress:
            names = [suppression.environment] if suppression.environment else [env.name for env in project.environments]
            found += [suppression.model_copy(update={"environment": project.stack_name(name)}) for name in names]
    return found


def run_checks(config: Config | Fleet | None, documents: Mapping[str, dict], environ: Mapping[str, str] | None = None, *,
               suppressions: Iterable[Suppression] = (), workflows: Workflows | None = None) -> Report:
    """Check the stacks `documents` (cdk.tf.json by stack name) against `config`; None: stacks composed without a
    configuration file (a stack named `prod` is production).

    `environ` (default: the process environment) supplies TF_VAR_* values to look for in plain text.
    `suppressions` apply after the configuration's own `[[checks.suppress]]`; each names a stack (a configured
    environment or one of `documents`), and must when it names a resource: else ValueError, nothing is checked.
    `workflows`: the project's own workflows (workflow_files.read_workflows), checked against what the stacks write.
    """
    fleet = Fleet.of(config) if isinstance(config, Config) else config
    envs = {stack.name: stack.env for stack in fleet.stacks} if fleet is not None else {}
    suppressions = list(suppressions)
    if problems := suppression_problems(suppressions, list(dict.fromkeys([*envs, *documents])), "suppressions"):
        raise ValueError("; ".join(map(str, problems)))
    environ = dict(os.environ if environ is None else environ)
    stacks = tuple(Stack(name, document, envs.get(name), environ) for name, document in documents.items())
    synthesis = Synthesis(config, stacks, environ, workflows)
    findings = [finding for check in CHECKS for finding in check.findings(synthesis)]
    configured = _configured_suppressions(fleet) if fleet is not None else []
    return apply_suppressions(findings, configured + suppressions, CHECK_IDS)


def check_synthesized(synthesized: core.App | str | os.PathLike[str], config: Config | None = None, *,
                      suppressions: Iterable[Suppression] = (), environ: Mapping[str, str] | None = None) -> Report:
    """Run every check over stacks you composed in your own code, and return the report (nothing is printed or
    raised: `report.ok`, `report.errors`, `render_text(report)`).

    `synthesized`: a cdktf `App` (synthesized here, `app.synth()`, into its `outdir`), or the directory an app
    was synthesized into (holding cdktf's `manifest.json`).
    `config`: the configuration the stacks were built from, if any: the environment named like a stack gives it
    its settings (production, token usage, directory grants) and its `[[checks.suppress]]` apply. Without one,
    a stack named `prod` is production.
    `suppressions`: more, e.g. `Suppression(id="MLOPS009", reason="...", environment="prod",
    resource="terraform.backend")` (an unknown environment, or a resource without one, raises ValueError).
    `environ` (default: this process's): the TF_VAR_* values to look for in plain text.
    """
    if isinstance(synthesized, (str, os.PathLike)):
        outdir = Path(synthesized)
    else:
        synthesized.synth()
        outdir = Path(synthesized.outdir)
    return run_checks(config, load_stacks(outdir), environ, suppressions=suppressions)


def enforce(config: Config | Fleet, outdir: Path, stream: TextIO | None = None) -> Report:
    """Check a synthesized directory; print the report; raise ChecksFailed on any error."""
    report = run_checks(config, load_stacks(outdir))
    print(render_text(report), file=sys.stderr if stream is None else stream)
    if not report.ok:
        raise ChecksFailed(report)
    return report
