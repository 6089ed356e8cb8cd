"""What a check is, what it finds, and the synthesized stacks it looks at."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, Literal, Mapping

from ..config import Config, EnvironmentConfig
from ..secret_patterns import redact

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Stack:
    """One synthesized stack: its name, its cdk.tf.json document and its environment's config (if any)."""

    name: str
    document: dict
    env: EnvironmentConfig | None = None

    @property
    def is_production(self) -> bool:
        return self.env.is_production if self.env is not None else self.name == "prod"


@dataclass(frozen=True)
class Synthesis:
    """Everything a check may look at. `environ` supplies TF_VAR_* values for literal-secret detection:
    only those are kept (whatever else is given is dropped), and they are never part of the repr."""

    config: Config
    stacks: tuple[Stack, ...]
    environ: Mapping[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "environ", {k: v for k, v in self.environ.items() if k.startswith("TF_VAR_")})

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
    """The Terraform address or JSON path it is about, when there is one."""

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


@dataclass(frozen=True)
class Check:
    id: str
    severity: Severity
    title: str
    run: Callable[[Synthesis], Iterable[Issue]]

    def findings(self, synthesis: Synthesis) -> list[Finding]:
        # Messages and addresses quote names from the stacks (logins, paths, resource names): whatever a
        # check quotes, no secret-looking value and no TF_VAR_* value leaves here.
        hide = synthesis.redact
        return [
            Finding(self.id, issue.severity or self.severity, issue.stack, hide(issue.message), hide(issue.fix),
                    hide(issue.address))
            for issue in self.run(synthesis)
        ]
