"""An ML project's GitHub Actions workflows as the workflow contract check sees them: per job, its environment,
its GITHUB_TOKEN permissions and every secret and variable it reads (built from a loaded document; reading the
files is workflow_files.py's job).

GitHub's rules this module relies on (docs.github.com, "Workflow syntax for GitHub Actions", "Contexts reference",
"Controlling permissions for GITHUB_TOKEN", "Reusing workflows"):
- `jobs.<id>.environment` is a name, or a mapping with `name` (and `url`); either may be an expression.
- A job's `permissions` replaces the workflow's entirely; naming any scope sets every other scope to `none`.
- Secret and variable names are not case-sensitive.
- `if:` conditions are expressions with or without `${{ }}`.
- A job that calls a reusable workflow (`uses:`) passes secrets on with `secrets:` (a mapping, or `inherit`): that
  is no read by the calling job (the called job resolves an environment secret of its own environment first).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator, Literal

from .synthesized import strings_with_paths

OIDC_AUTH_TYPE = "github-oidc"
"""DATABRICKS_AUTH_TYPE of a job that signs in with GitHub's OIDC token (databricks-sdk)."""

Context = Literal["secrets", "vars"]


@dataclass(frozen=True)
class Read:
    """One `${{ secrets.NAME }}` or `${{ vars.NAME }}` in a job, and where it is (a path inside the job, or the
    workflow's own `env`)."""

    context: Context
    name: str
    where: str

    @property
    def key(self) -> str:
        """The name as GitHub compares it (not case-sensitive)."""
        return self.name.upper()


ABSENT = object()
"""No `permissions` key: the repository's default GITHUB_TOKEN permissions apply."""


@dataclass(frozen=True)
class Job:
    workflow: str
    """The workflow's file name."""
    id: str
    line: int
    environment: str | None
    """Its environment's name when written literally."""
    environment_expression: str | None
    """Its environment when it is an expression (`${{ ... }}`): not known before the run."""
    calls: str | None
    """The reusable workflow it calls (`uses:`), or None for a job of steps."""
    permissions: object
    """Its own `permissions`, or ABSENT."""
    reads: tuple[Read, ...]
    sets_oidc_auth: bool
    """It sets the `github-oidc` auth type itself (a literal value in it or in the workflow's `env`)."""

    @property
    def label(self) -> str:
        return f"{self.workflow}: job {self.id!r} (line {self.line})"

    @property
    def address(self) -> str:
        """What a finding about this job is at: `<file>.jobs.<job id>` (a suppression's `resource` glob)."""
        return f"{self.workflow}.jobs.{self.id}"


@dataclass(frozen=True)
class Workflow:
    name: str
    """Its file name (GitHub reads every workflow from one folder, so file names are unique)."""
    permissions: object
    """The workflow-level `permissions`, or ABSENT."""
    only_reusable: bool
    """Only other workflows call it (`on: workflow_call` and no other trigger): the caller's token permissions
    apply to a job that sets none."""
    jobs: tuple[Job, ...]


@dataclass(frozen=True)
class Workflows:
    """The workflow files of one repository, and which repository they are (`owner/name`, as the stacks write to
    it; None when the stacks write to no repository)."""

    files: tuple[Workflow, ...]
    repository: str | None


# --- reading expressions ------------------------------------------------------------------------------------

_EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.S)
# `secrets.NAME` or `secrets['NAME']` (expressions quote strings with '), not `steps.secrets.outputs` nor a
# `my-secrets.x`; contexts are matched case-insensitively.
_CONTEXT_READ = re.compile(
    r"(?<![\w.-])(secrets|vars)\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_]*)|\[\s*'([^']*)'\s*\])", re.I)


def _expressions(path: str, text: str) -> list[str]:
    found = _EXPRESSION.findall(text)
    is_condition = path == "if" or path.endswith(".if")
    return found if found or not is_condition else [text]


def reads_in(value: object, path: str = "") -> Iterator[Read]:
    """Every secret and variable read anywhere in `value` (a job, or a workflow's `env`)."""
    for where, text in strings_with_paths(value, path):
        for expression in _expressions(where, text):
            for context, dotted, quoted in _CONTEXT_READ.findall(expression):
                yield Read(context.lower(), dotted or quoted, where)  # type: ignore[arg-type]


# --- jobs ---------------------------------------------------------------------------------------------------

def _environment(value: object) -> tuple[str | None, str | None]:
    """(literal name, expression) of a job's `environment`; (None, None) when it has none."""
    name = value.get("name") if isinstance(value, dict) else value
    if name is None or isinstance(name, (dict, list)):
        return None, None
    name = str(name)
    return (None, name) if "${{" in name else (name, None)


def _passed_renamed(secrets: object) -> Iterator[Read]:
    """What a calling job's `secrets:` mapping passes under another name than it reads: the calling job reads it
    itself, with no environment (GitHub gives a calling job none). Passed under its own name (or `inherit`), an
    environment's secret reaches a called job that declares that environment from the environment itself
    (docs.github.com, "Reusing workflows": environment secrets cannot be passed from the caller), and the called
    job is checked on its own."""
    if not isinstance(secrets, dict):
        return
    for key, value in secrets.items():
        yield from (read for read in reads_in(value, f"secrets.{key}") if read.key != str(key).upper())


def _job(workflow: str, job_id: str, line: int, body: dict, workflow_env: object) -> Job:
    calls = body.get("uses") if isinstance(body.get("uses"), str) else None
    # A calling job hands `secrets:` on; a job of steps gets the workflow's `env` too.
    scanned = {key: value for key, value in body.items() if not (calls and key == "secrets")}
    reads = list(reads_in(scanned))
    if calls is not None:
        reads += list(_passed_renamed(body.get("secrets")))
    if calls is None:
        reads += [Read(r.context, r.name, f"{r.where} (workflow level)") for r in reads_in(workflow_env, "env")]
    sets_oidc_auth = any(text.strip() == OIDC_AUTH_TYPE
                         for _, text in strings_with_paths([scanned, workflow_env if calls is None else None]))
    environment, expression = _environment(body.get("environment"))
    return Job(workflow, job_id, line, environment, expression, calls, body.get("permissions", ABSENT),
               tuple(reads), sets_oidc_auth)


def _triggers(document: dict) -> set[str]:
    on = document.get("on")
    if isinstance(on, str):
        return {on}
    return {str(t) for t in on} if isinstance(on, (list, dict)) else set()


def workflow_from_document(name: str, document: dict, job_lines: dict[str, int]) -> Workflow:
    """A workflow from its loaded document (`jobs` a mapping of mappings: workflow_files.py checks it first) and
    the line of each job in its file."""
    jobs = tuple(_job(name, str(job_id), job_lines.get(str(job_id), 0), body, document.get("env"))
                 for job_id, body in document["jobs"].items())
    return Workflow(name, document.get("permissions", ABSENT), _triggers(document) == {"workflow_call"}, jobs)


def grants_id_token(permissions: object) -> bool:
    """Whether a `permissions` value lets the job request GitHub's OIDC token. Absent, GitHub's defaults (permissive
    and restricted alike) give `id-token: none` (docs.github.com, "GITHUB_TOKEN reference", permissions table)."""
    if permissions == "write-all":
        return True
    return isinstance(permissions, dict) and str(permissions.get("id-token", "")).lower() == "write"


def effective_permissions(workflow: Workflow, job: Job) -> object:
    """The job's `permissions`, else the workflow's, else ABSENT: a job's own replaces the workflow's entirely."""
    return job.permissions if job.permissions is not ABSENT else workflow.permissions


