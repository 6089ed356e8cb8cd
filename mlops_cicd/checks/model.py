"""What a check is, what it finds, and the synthesized stacks it looks at."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Literal, Mapping

from ..config import Config, EnvironmentConfig
from ..fleet import Fleet
from ..passed_in import passed_in_values
from ..secret_patterns import redact
from ..workflow_jobs import Workflows

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Stack:
    """One synthesized stack: its name, its cdk.tf.json document, its environment's config (None for a stack
    composed in code without one) and the TF_VAR_* values of the deploy environment (`passed_in_values`: to look
    for in plain text; whatever else is given is dropped, and none is part of the repr)."""

    name: str
    document: dict
    env: EnvironmentConfig | None = None
    environ: Mapping[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "environ", passed_in_values(self.environ))

    @property
    def is_production(self) -> bool:
        return self.env.is_production if self.env is not None else self.name == "prod"


@dataclass(frozen=True)
class Synthesis:
    """Every stack, for the checks that compare stacks. `config`: what the stacks were built from (None for stacks
    composed in code). `environ` supplies TF_VAR_* values to keep out of messages: only those are kept (whatever
    else is given is dropped), and they are never part of the repr."""

    config: Config | Fleet | None
    stacks: tuple[Stack, ...]
    environ: Mapping[str, str] = field(default_factory=dict, repr=False)
    workflows: Workflows | None = None
    """The project's own GitHub Actions workflows (`check --workflows DIR`), for the workflow contract checks."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "environ", passed_in_values(self.environ))

    def redact(self, text: str) -> str:
        """`text` without credential-shaped runs or TF_VAR_* values: what a finding may show."""
        return redact(text, self.environ.values())


@dataclass(frozen=True)
class Finding:
    """One problem: what is wrong (`message`) and what to change (`fix`)."""

    check_id: str
    severity: Severity
    stack: str
    message: str
    fix: str
    address: str = ""
    """The Terraform address it is about (`type.name`, `data.type.name`, `output.name`, `terraform.backend`),
    when there is one: what a suppression's `resource` glob is matched against."""

    def as_dict(self) -> dict:
        return {
            "id": self.check_id, "severity": self.severity, "stack": self.stack,
            "address": self.address, "message": self.message, "fix": self.fix,
        }


@dataclass(frozen=True)
class Issue:
    """What a check function yields; the registry adds the check's id and severity."""

    stack: str
    message: str
    fix: str
    address: str = ""
    severity: Severity | None = None
    """Only for a check whose findings differ in weight (e.g. an error for production, else a warning);
    None: the check's own severity."""


StackRule = Callable[[Stack], Iterable[Issue]]
"""A check of one stack at a time."""
ComparingRule = Callable[[Synthesis], Iterable[Issue]]
"""A check that compares stacks (shared state, names, workspaces): it sees them all at once."""


@dataclass(frozen=True)
class Check:
    id: str
    severity: Severity
    title: str
    run: ComparingRule
    compares_stacks: bool
    """False: built from a StackRule by `one_stack`, which hands it each stack in turn; True: `comparing_stacks`."""

    def findings(self, synthesis: Synthesis) -> list[Finding]:
        # Messages and addresses quote names from the stacks (logins, paths, resource names): whatever a
        # check quotes, no secret-looking value and no TF_VAR_* value leaves here.
        hide = synthesis.redact
        return [
            Finding(self.id, issue.severity or self.severity, issue.stack, hide(issue.message), hide(issue.fix),
                    hide(issue.address))
            for issue in self.run(synthesis)
        ]


def one_stack(id: str, severity: Severity, title: str, rule: StackRule) -> Check:
    """A check that looks at each stack by itself: `rule` is called once per stack."""

    def each_stack(synthesis: Synthesis) -> Iterator[Issue]:
        for stack in synthesis.stacks:
            yield from rule(stack)

    return Check(id, severity, title, each_stack, compares_stacks=False)


def comparing_stacks(id: str, severity: Severity, title: str, rule: ComparingRule) -> Check:
    """A check that compares stacks: `rule` is called once, with all of them."""
    return Check(id, severity, title, rule, compares_stacks=True)
