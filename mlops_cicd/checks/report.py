"""Apply the config's suppressions to what the checks found, and render the result for people or machines."""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase

from ..config import Suppression
from .model import Finding


@dataclass(frozen=True)
class Suppressed:
    finding: Finding
    reason: str


@dataclass(frozen=True)
class Report:
    findings: tuple[Finding, ...]
    """Active findings: not suppressed."""
    suppressed: tuple[Suppressed, ...]
    suppressions: tuple[tuple[Suppression, int], ...]
    """Every configured suppression with how many findings it silenced (0: it may be stale)."""
    unknown_ids: tuple[str, ...] = ()

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors


def _matches(suppression: Suppression, finding: Finding) -> bool:
    """Same check, same stack (or every stack) and, when the suppression names a resource, a finding about an
    address that its glob matches (a finding about no address never does)."""
    return (suppression.id == finding.check_id and suppression.environment in (None, finding.stack)
            and (suppression.resource is None or (bool(finding.address)
                                                  and fnmatchcase(finding.address, suppression.resource))))


def apply_suppressions(findings: list[Finding], suppressions: list[Suppression], known_ids: frozenset[str]) -> Report:
    active, silenced = [], []
    counts = [0] * len(suppressions)
    for finding in findings:
        # Every suppression that matches counts the finding: one behind a broader entry is not stale.
        matching = [i for i, s in enumerate(suppressions) if _matches(s, finding)]
        for index in matching:
            counts[index] += 1
        if matching:
            silenced.append(Suppressed(finding, suppressions[matching[0]].reason))
        else:
            active.append(finding)
    unknown = tuple(sorted({s.id for s in suppressions} - known_ids))
    return Report(tuple(active), tuple(silenced), tuple(zip(suppressions, counts)), unknown)


def _scope(suppression: Suppression) -> str:
    where = f"in {suppression.environment}" if suppression.environment else "in every environment"
    return where + (f" on {suppression.resource}" if suppression.resource else "")


def render_text(report: Report) -> str:
    lines = []
    for finding in report.findings:
        lines.append(f"{finding.severity}: {finding.check_id} [{finding.stack}] {finding.message}")
        lines.append(f"  fix: {finding.fix}")
        if finding.address:  # what a suppression's `resource` glob is matched against
            lines.append(f"  at: {finding.address}")
    # Every suppression is printed on every run, with its reason, so none is forgotten.
    for suppression, count in report.suppressions:
        what = f"{count} finding" + ("s" if count != 1 else "") if count else "nothing (stale? remove it)"
        lines.append(f"suppressed: {suppression.id} {_scope(suppression)}: {what}; reason: {suppression.reason}")
    for check_id in report.unknown_ids:
        lines.append(f"note: [[checks.suppress]] id {check_id!r} is not a known check (see `mlops-cicd check --list`)")
    errors, warnings = len(report.errors), len(report.warnings)
    lines.append(f"checks: {errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}, "
                 f"{len(report.suppressed)} suppressed")
    return "\n".join(lines)


def as_json(report: Report) -> dict:
    return {
        "ok": report.ok,
        "errors": len(report.errors),
        "warnings": len(report.warnings),
        "findings": [f.as_dict() for f in report.findings],
        "suppressed": [dict(s.finding.as_dict(), reason=s.reason) for s in report.suppressed],
        "suppressions": [
            {"id": s.id, "environment": s.environment, "resource": s.resource, "reason": s.reason, "matched": count}
            for s, count in report.suppressions
        ],
        "unknown_suppression_ids": list(report.unknown_ids),
    }
