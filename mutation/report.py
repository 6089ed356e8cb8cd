"""Score a finished `mutmut run` per module: killed / (total - excluded), excluded from `exclusions.toml`.

Run from the project root after `mutmut run` (`make mutation` does both). An exclusion names the module,
the function and what the mutant changes, never mutmut's mutant number: the numbers shift whenever the
code changes, the mutated text does not. Exits 1 when a module is below the target, when an exclusion
matches no surviving mutant (stale: it must be reviewed again or removed), or when a module's run was cut
short. Modules none of whose mutants ran (a run limited with `mutmut run <pattern>`) are listed as not run.

With `--sample mutants/sample.json` (written by mutation/sample.py) only the sampled mutants are scored, each
module's score is an estimate printed with its 95% Wilson interval, and exclusions are not checked for staleness
(an excluded mutant may simply not be in the sample).

Reads mutmut's result files through its internal API (`SourceFileMutationData`, `get_diff_for_mutant`),
which is why mutmut is pinned exactly in requirements-mutation.txt.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

TARGET = 0.85
EXCLUSIONS = Path(__file__).with_name("exclusions.toml")
# Outcomes that mean a test noticed the mutant. A timeout counts: the mutant hung the tests.
DETECTED = {"killed", "timeout", "caught by type check"}
# A string mutant (mutmut 3.8 `operator_string`): the text wrapped in XX, or its letters lower- or upper-cased.
_STRING_VARIANTS = (lambda s: "XX" + s + "XX", str.lower, str.upper)


@dataclass(frozen=True)
class Mutant:
    name: str
    module: str
    """Source path, e.g. `mlops_cicd/config.py`."""
    function: str
    """`function` or `Class.method`."""
    status: str
    removed: tuple[str, ...] = ()
    added: tuple[str, ...] = ()

    @property
    def detected(self) -> bool:
        return self.status in DETECTED


@dataclass
class Exclusion:
    kind: str
    """`message` (only the words of a message change) or `equivalent` (no behaviour changes)."""
    module: str
    function: str
    reason: str
    literal: str = ""
    """message: the string literal as written in the source, quotes included (covers its XX, lower- and
    upper-case mutants); or, for any other change to a message, `before` and `after` as below."""
    before: str = ""
    after: str = ""
    """The changed source lines (stripped, joined by newlines) before and after the mutation."""
    matched: list[Mutant] = field(default_factory=list)
    ran: bool = False
    """Whether any mutant of its function ran: an exclusion of a function a partial run skipped is not stale."""

    def matches(self, mutant: Mutant) -> bool:
        if (mutant.module, mutant.function) != (self.module, self.function):
            return False
        if self.kind == "equivalent" or not self.literal:
            return ("\n".join(mutant.removed), "\n".join(mutant.added)) == (self.before, self.after)
        return len(mutant.removed) == len(mutant.added) == 1 and only_literal_changed(
            mutant.removed[0], mutant.added[0], self.literal
        )


def only_literal_changed(before: str, after: str, literal: str) -> bool:
    """Whether `after` is `before` with one occurrence of the string `literal` mutated as mutmut does."""
    quote_start = min(i for i in (literal.find('"'), literal.find("'")) if i != -1)
    prefix, quote, text = literal[:quote_start], literal[quote_start], literal[quote_start + 1:-1]
    start = before.find(literal)
    while start != -1:
        for variant in _STRING_VARIANTS:
            mutated = f"{prefix}{quote}{variant(text)}{quote}"
            if mutated != literal and before[:start] + mutated + before[start + len(literal):] == after:
                return True
        start = before.find(literal, start + 1)
    return False


def function_of(mutant_name: str) -> str:
    """`mlops_cicd.config.x__environment_problems__mutmut_3` -> `_environment_problems`;
    `...xǁRotationScheduleǁ__init____mutmut_1` -> `RotationSchedule.__init__`."""
    mangled = mutant_name.partition("__mutmut_")[0].rpartition(".")[2]
    if mangled.startswith("xǁ"):
        return ".".join(mangled.removeprefix("xǁ").split("ǁ"))
    return mangled.removeprefix("x_")


def changed_lines(diff: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    lines = [line for line in diff.splitlines() if not line.startswith(("---", "+++", "@@"))]
    removed = tuple(line[1:].strip() for line in lines if line.startswith("-"))
    added = tuple(line[1:].strip() for line in lines if line.startswith("+"))
    return removed, added


def load_mutants() -> list[Mutant]:
    from mutmut.mutation.data import SourceFileMutationData
    from mutmut.mutation.diff_apply import get_diff_for_mutant
    from mutmut.stats import status_by_exit_code
    from mutmut.utils.file_utils import walk_mutatable_files

    mutants = []
    for path in walk_mutatable_files():
        data = SourceFileMutationData(path=path)
        data.load()
        for name, exit_code in data.exit_code_by_key.items():
            status = status_by_exit_code[exit_code]
            mutant = Mutant(name, str(path), function_of(name), status)
            if not mutant.detected:
                mutant = Mutant(name, str(path), function_of(name), status, *changed_lines(get_diff_for_mutant(name, path=path)))
            mutants.append(mutant)
    return mutants


def load_exclusions(path: Path = EXCLUSIONS) -> list[Exclusion]:
    raw = tomllib.loads(path.read_text())
    exclusions = []
    for kind in ("message", "equivalent"):
        for entry in raw.get(kind, []):
            if not str(entry.get("reason", "")).strip():
                raise SystemExit(f"{path}: every [[{kind}]] entry needs a reason: {entry}")
            exclusions.append(Exclusion(kind=kind, **entry))
    return exclusions


@dataclass
class Score:
    total: int = 0
    killed: int = 0
    excluded: int = 0
    unchecked: int = 0

    @property
    def counted(self) -> int:
        return self.total - self.excluded

    @property
    def ratio(self) -> float:
        return self.killed / self.counted if self.counted else 1.0


def score(mutants: list[Mutant], exclusions: list[Exclusion]) -> tuple[dict[str, Score], list[Mutant]]:
    """Scores by module, and the surviving mutants no exclusion covers."""
    scores: dict[str, Score] = defaultdict(Score)
    survivors = []
    for mutant in mutants:
        module = scores[mutant.module]
        if mutant.status == "not checked":
            module.unchecked += 1
            continue
        for exclusion in exclusions:
            exclusion.ran |= (exclusion.module, exclusion.function) == (mutant.module, mutant.function)
        module.total += 1
        if mutant.detected:
            module.killed += 1
            continue
        exclusion = next((e for e in exclusions if e.matches(mutant)), None)
        if exclusion is not None:
            exclusion.matched.append(mutant)
            module.excluded += 1
        else:
            survivors.append(mutant)
    return dict(scores), survivors


def wilson_interval(successes: int, trials: int, z: float = 1.96) -> tuple[float, float]:
    """95% confidence interval of a proportion estimated from a sample (Wilson score interval)."""
    if not trials:
        return 0.0, 1.0
    p = successes / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / (1 + z * z / trials)
    return max(0.0, centre - half), min(1.0, centre + half)


def render(scores: dict[str, Score], survivors: list[Mutant], exclusions: list[Exclusion],
           population: dict[str, int] | None = None) -> tuple[str, bool]:
    """population: per module, how many mutants it has, when `scores` count a sample of them."""
    header = f"{'module':<45} {'killed':>6} {'total':>6} {'excl.':>6} {'score':>7}"
    lines = [header + ("  sampled of   95% interval" if population else "")]
    ok = True
    for module, s in sorted(scores.items()):
        if not s.total:
            lines.append(f"{module:<45} {'':>6} {s.unchecked:>6} {'':>6} {'not run':>7}")
            continue
        below = s.ratio < TARGET
        ok &= not below and not s.unchecked
        notes = ("  < target" if below else "") + (f"  ({s.unchecked} not checked: run cut short)" if s.unchecked else "")
        if population:
            low, high = wilson_interval(s.killed, s.counted)
            notes = f"  {population[module]:>10}   {low:.0%}-{high:.0%}" + notes
        lines.append(f"{module:<45} {s.killed:>6} {s.total:>6} {s.excluded:>6} {s.ratio:>7.1%}" + notes)
    everything = Score(*(sum(getattr(s, f) for s in scores.values()) for f in ("total", "killed", "excluded", "unchecked")))
    lines.append(f"{'all':<45} {everything.killed:>6} {everything.total:>6} {everything.excluded:>6} {everything.ratio:>7.1%}")
    lines.append(f"target: {TARGET:.0%} of the mutants that change behaviour, in every module"
                 + (" (estimated from a random sample per module: the score is the sample's)" if population else ""))
    if survivors:
        lines.append(f"\n{len(survivors)} surviving mutants (no test noticed them, no exclusion covers them):")
        for mutant in survivors:
            lines.append(f"  {mutant.name} [{mutant.status}]")
            lines += [f"      - {line}" for line in mutant.removed] + [f"      + {line}" for line in mutant.added]
    # Unmatched although its function ran, or its module ran in full (the function may be gone).
    stale = [] if population else [
        e for e in exclusions if not e.matched
        and (e.ran or (e.module in scores and scores[e.module].total and not scores[e.module].unchecked))]
    if stale:
        ok = False
        lines.append(f"\n{len(stale)} exclusions match no surviving mutant (code changed or a test kills it now): "
                     f"review and update {EXCLUSIONS.name}")
        for e in stale:
            lines.append(f"  [{e.kind}] {e.module} {e.function}: {e.literal or e.after!r}")
    return "\n".join(lines), ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=Path, help="score only the mutants named there (mutation/sample.py)")
    args = parser.parse_args(argv)
    exclusions = load_exclusions()
    mutants = load_mutants()
    population = None
    if args.sample:
        population = defaultdict(int)
        for mutant in mutants:
            population[mutant.module] += 1
        sampled = set(json.loads(args.sample.read_text())["names"])
        mutants = [mutant for mutant in mutants if mutant.name in sampled]
    scores, survivors = score(mutants, exclusions)
    text, ok = render(scores, survivors, exclusions, population)
    print(text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
