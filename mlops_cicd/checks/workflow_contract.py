"""MLOPS017-019 (`mlops-cicd check --workflows DIR`): the project's own workflows can receive what the stacks write.

- MLOPS017: a job that reads an environment-level secret or variable declares that environment: GitHub gives any
  other job an empty value (docs.github.com, "Using secrets in GitHub Actions": environment secrets are available
  only to jobs that reference the environment). An environment that is an expression cannot be known before the
  run: a warning.
- MLOPS018: a job that authenticates with GitHub's OIDC token to an `oidc` environment may request the token
  (`id-token: write`: GitHub's default token has `id-token: none`) and runs in the environment the federation
  policy trusts (its `sub` names the job's environment). A called workflow's job gets at most its caller's
  permissions (docs.github.com, "Reusing workflows": the called workflow can only downgrade them).
- MLOPS019 (warning): a name shaped like the ones the stacks write that no stack writes to this repository (e.g.
  `QA_WORKSPACE_TOKEN` with no `qa` environment), or one written as the other kind (`secrets.X` for a variable).
Names unrelated to the project (`GITHUB_TOKEN`, `SLACK_WEBHOOK`) are left alone. They yield nothing without
workflows (`synth`, `check` without `--workflows`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Iterator, get_args

from ..config import EnvironmentConfig
from ..github_names import TRIGGER_TOKEN_SECRET, default_names, env_prefix
from ..workflow_jobs import ABSENT, Job, Read, Workflow, effective_permissions, grants_id_token
from .github_writes import OidcEnvironment, Written, oidc_environments, written
from .model import Issue, Synthesis

def _default_names() -> tuple[set[str], set[str]]:
    """The names the stacks write by default (github_names.py), for every credential mode and placement: those
    that start with the environment's prefix (`<ENV>_`, env_prefix), without it, and those that do not."""
    sentinel = "environment"
    prefix = env_prefix(sentinel) + "_"
    modes = get_args(EnvironmentConfig.model_fields["credential_mode"].annotation)
    names = {name for mode in modes for placement in ("repository", "environment")
             for name in default_names(sentinel, mode, placement).values()}
    return {n.removeprefix(prefix) for n in names if n.startswith(prefix)}, {n for n in names if not n.startswith(prefix)}


_PREFIXED, _UNPREFIXED = _default_names()
_PREFIXED_SHAPE = re.compile(f"([A-Z0-9_]+)_({'|'.join(map(re.escape, sorted(_PREFIXED)))})")


def our_shape(name: str) -> str | None:
    """How `name` is shaped like a name the stacks write by default: the environment its prefix names
    (`QA_WORKSPACE_TOKEN` -> `qa`; `-` written as `_` reads back as `-`), `""` for a name without a prefix
    (`DATABRICKS_HOST`, TRIGGER_WORKFLOWS_GITHUB_TOKEN), None when it is not shaped like one."""
    key = name.upper()
    if key in _UNPREFIXED or key == TRIGGER_TOKEN_SECRET:
        return ""
    match = _PREFIXED_SHAPE.fullmatch(key)
    return match[1].lower().replace("_", "-") if match else None


@dataclass(frozen=True)
class _Contract:
    """The workflows and what the stacks write to their repository."""

    workflows: tuple[Workflow, ...]
    repository: str | None
    writes: tuple[Written, ...]
    oidc: tuple[OidcEnvironment, ...]

    def writes_of(self, read: Read) -> list[Written]:
        return [w for w in self.writes if w.context == read.context and w.key == read.key]

    def jobs(self) -> Iterator[tuple[Workflow, Job]]:
        for workflow in self.workflows:
            for job in workflow.jobs:
                yield workflow, job


def _contract(synthesis: Synthesis) -> _Contract | None:
    workflows = synthesis.workflows
    if workflows is None:
        return None
    repository = workflows.repository
    writes = tuple(written(synthesis.stacks, repository)) if repository else ()
    oidc = tuple(oidc_environments(synthesis.stacks, repository)) if repository else ()
    return _Contract(workflows.files, repository, writes, oidc)


def _by_name(reads: tuple[Read, ...]) -> dict[tuple[str, str], list[Read]]:
    """A job's reads grouped by what they read (context and name as GitHub compares it), in order."""
    grouped: dict[tuple[str, str], list[Read]] = {}
    for read in reads:
        grouped.setdefault((read.context, read.key), []).append(read)
    return grouped


def _read_at(reads: list[Read]) -> str:
    first = reads[0]
    return f"{first.context}.{first.name} (at {', '.join(dict.fromkeys(r.where for r in reads))})"


def _quoted(names) -> str:
    return ", ".join(repr(n) for n in sorted(set(names)))


def _in(environment: str | None, environments) -> bool:
    """GitHub environment names are not case-sensitive."""
    return environment is not None and environment.casefold() in {e.casefold() for e in environments}


# --- MLOPS017 -----------------------------------------------------------------------------------------------

def _unreceived(job: Job, reads: list[Read], writes: list[Written]) -> Issue | None:
    environments = sorted({w.environment for w in writes if w.environment})
    if any(w.environment is None for w in writes) or _in(job.environment, environments):
        return None
    target, stack = environments[0], writes[0].stack
    what = (f"{job.label} reads {_read_at(reads)}, which stack {stack} writes only to GitHub environment(s) "
            f"{_quoted(environments)}")
    declare = f"`environment: {target}`"
    if job.environment_expression is not None:
        return Issue(stack, f"{what}; the job's environment is an expression ({job.environment_expression}), "
                     f"unknown before the run: it gets a value only when that is {_quoted(environments)}",
                     f"make sure the expression names {target} whenever this job runs, or write {declare} "
                     f"literally so the check can tell; then suppress MLOPS017 for {stack} with that reason",
                     job.address, severity="warning")
    if job.calls is not None:
        return Issue(stack, f"{what}, but the job calls a reusable workflow ({job.calls}) and GitHub gives a "
                     "calling job no environment: the value is empty",
                     f"read it inside the called workflow, in a job that declares {declare}", job.address)
    declared = f"declares environment {job.environment!r}" if job.environment else "declares no environment"
    return Issue(stack, f"{what}, but the job {declared}: GitHub gives it an empty value",
                 f"add {declare} to job {job.id!r} in {job.workflow} (the job then waits for {target}'s "
                 f"protection rules: reviewers, branch policy); or, only if it must run without them, have stack "
                 f"{stack} write it repository-level (secret_placement = \"repository\")", job.address)


def environment_values_received(synthesis: Synthesis) -> Iterator[Issue]:
    if (contract := _contract(synthesis)) is None:
        return
    for _, job in contract.jobs():
        for reads in _by_name(job.reads).values():
            if (writes := contract.writes_of(reads[0])) and (issue := _unreceived(job, reads, writes)):
                yield issue


# --- MLOPS018 -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _OidcUse:
    """How a job authenticates through a federation policy: the environments it trusts, and whether the job reads
    the oidc stack's values repository-level (then nothing but the policy ties the job to the environment)."""

    environments: tuple[OidcEnvironment, ...]
    repository_level: bool


def _oidc_use(contract: _Contract, job: Job) -> _OidcUse | None:
    """The OIDC environments a job authenticates to: it reads what an `oidc` stack writes to sign in with (the SP's
    client id, the `github-oidc` auth type; not the host alone), or it runs in an oidc environment and sets the
    `github-oidc` auth type itself."""
    by_stack = {o.stack: o for o in contract.oidc}
    trusted, repository_level = {}, False
    for read in job.reads:
        writes = contract.writes_of(read)
        # the copy the job receives (its environment's, or a repository-level one); none: MLOPS017 says so
        received = [w for w in writes if w.environment is None or _in(job.environment, [w.environment])]
        for write in received or writes:
            if write.stack in by_stack and write.signs_in:
                trusted[write.stack] = by_stack[write.stack]
                repository_level |= write.environment is None
    if job.sets_oidc_auth:
        trusted.update({o.stack: o for o in contract.oidc if _in(job.environment, [o.environment])})
    return _OidcUse(tuple(trusted.values()), repository_level) if trusted else None


def _permission_source(workflow: Workflow, job: Job) -> str:
    if job.permissions is not ABSENT:
        return "its own `permissions` (which replace the workflow's entirely) do not grant it"
    if workflow.permissions is not ABSENT:
        return "the workflow's `permissions` do not grant it"
    return "no `permissions` are set, and GitHub's default token has `id-token: none`"


_GRANT = ("add `id-token: write` to the job's `permissions` (with the scopes it needs besides, e.g. `contents: "
          "read`: naming any scope sets the others to none)")


def _oidc_issues(workflow: Workflow, job: Job, use: _OidcUse) -> Iterator[Issue]:
    names = [o.environment for o in use.environments]
    stack, target = use.environments[0].stack, names[0]
    what = f"{job.label} authenticates with GitHub's OIDC token to the federation policy of {_quoted(names)}"
    permissions = effective_permissions(workflow, job)
    caller_decides = permissions is ABSENT and workflow.only_reusable
    if not caller_decides and not grants_id_token(permissions):
        yield Issue(stack, f"{what}, but cannot request the token: {_permission_source(workflow, job)}",
                    f"{_GRANT}, in {job.workflow}", job.address)
    # An environment-level value read without the environment is MLOPS017's finding already.
    if use.repository_level and not _in(job.environment, names):
        if job.environment_expression is not None:
            yield Issue(stack, f"{what}; its environment is an expression ({job.environment_expression}): the "
                        f"policy trusts the token only when that is {_quoted(names)}",
                        f"write `environment: {target}` literally so the check can tell, or suppress MLOPS018 "
                        f"for {stack} once the expression is checked", job.address, severity="warning")
        else:
            declared = f"runs in environment {job.environment!r}" if job.environment else "declares no environment"
            yield Issue(stack, f"{what}, but the job {declared}: its token's subject does not name "
                        f"{_quoted(names)}, and Databricks refuses it",
                        f"add `environment: {target}` to job {job.id!r} in {job.workflow}", job.address)


def _called(contract: _Contract, job: Job) -> Workflow | None:
    """The workflow of this repository a job calls (`uses: ./.github/workflows/<file>`); None for another
    repository's (not read) or a job of steps."""
    if job.calls is None or not job.calls.startswith("./"):
        return None
    name = PurePosixPath(job.calls.partition("@")[0]).name
    return next((w for w in contract.workflows if w.name == name), None)


def oidc_token_requested(synthesis: Synthesis) -> Iterator[Issue]:
    if (contract := _contract(synthesis)) is None or not contract.oidc:
        return
    for workflow, job in contract.jobs():
        if (use := _oidc_use(contract, job)) is not None:
            yield from _oidc_issues(workflow, job, use)
        called = _called(contract, job)
        users = [(j, u) for j in (called.jobs if called else ()) if (u := _oidc_use(contract, j))]
        if users and not grants_id_token(effective_permissions(workflow, job)):
            inner, use = users[0]
            yield Issue(use.environments[0].stack,
                        f"{job.label} calls {called.name}, whose job {inner.id!r} authenticates with GitHub's OIDC "
                        f"token, but {_permission_source(workflow, job)}: a called workflow gets at most its "
                        "caller's permissions", f"{_GRANT}, in {job.workflow}", job.address)


# --- MLOPS019 -----------------------------------------------------------------------------------------------

def _unknown(contract: _Contract, job: Job, reads: list[Read]) -> Issue | None:
    read = reads[0]
    other = "vars" if read.context == "secrets" else "secrets"
    written_as_other = [w for w in contract.writes if w.context == other and w.key == read.key]
    if written_as_other:
        kind = "a variable" if other == "vars" else "a secret"
        return Issue(job.workflow, f"{job.label} reads {_read_at(reads)}, but the stacks write {read.name} as "
                     f"{kind} (stack {written_as_other[0].stack}): the job gets an empty value",
                     f"read `{other}.{written_as_other[0].name}` instead", job.address)
    if (environment := our_shape(read.name)) is None:
        return None
    # DATABRICKS_HOST and the like are common names of secrets set by hand: ours only where a stack writes such names
    if read.key in _UNPREFIXED and not any(w.key in _UNPREFIXED for w in contract.writes):
        return None
    shaped = f"for an environment {environment!r}" if environment else "in one of the credential modes"
    same_kind = sorted({w.name for w in contract.writes if w.context == read.context})
    instead = f"read one they write ({', '.join(same_kind)}), or " if same_kind else ""
    return Issue(job.workflow, f"{job.label} reads {_read_at(reads)}, named as the stacks name what they write "
                 f"{shaped}, but no stack writes it to {contract.repository or 'this repository'}",
                 f"{instead}add the environment that writes it to the configuration; if it is set by hand, "
                 "suppress MLOPS019 with that reason", job.address, severity="warning")


def unknown_names(synthesis: Synthesis) -> Iterator[Issue]:
    if (contract := _contract(synthesis)) is None:
        return
    for _, job in contract.jobs():
        for reads in _by_name(job.reads).values():
            if not contract.writes_of(reads[0]) and (issue := _unknown(contract, job, reads)):
                yield issue
