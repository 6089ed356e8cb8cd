"""Choose a random sample of the mutants, per module, for a mutation run that fits in an afternoon.

The whole run takes many hours on a 2-core machine (about 4,600 mutants; one that survives runs every fast test
that calls its function, up to a minute). A random sample of each module's mutants estimates each module's
score, with a confidence interval that `report.py --sample` prints. Results mutmut already has are reused
(a mutant's outcome does not depend on when it ran; mutmut resets the results of functions that changed).

    mutmut run 'mlops_cicd.passed_in.*'      # any run generates every mutant (here: the smallest module's)
    python mutation/sample.py --fraction 0.2 --seed 1 > mutants/to-run.txt
    mutmut run $(cat mutants/to-run.txt)
    python mutation/report.py --sample mutants/sample.json

(`make mutation MUTATION_SAMPLE=0.2` does all four.) Reads every mutant's name from mutmut's result files in
mutants/, writes the chosen names to `mutants/sample.json`, and prints those without a result yet.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections import defaultdict
from pathlib import Path

SAMPLE_FILE = Path("mutants", "sample.json")


def module_of(mutant_name: str) -> str:
    """`mlops_cicd.checks.secrets.x_find__mutmut_3` -> `mlops_cicd/checks/secrets.py`."""
    dotted = mutant_name.partition("__mutmut_")[0].rpartition(".")[0]
    return dotted.replace(".", "/") + ".py"


def _results(mutants_dir: Path) -> dict[str, int | None]:
    """Every generated mutant's exit code (None: not run yet), from mutmut's result files."""
    found: dict[str, int | None] = {}
    for meta in sorted(mutants_dir.rglob("*.py.meta")):
        found.update(json.loads(meta.read_text())["exit_code_by_key"])
    return found


def choose(names: list[str], fraction: float, seed: int, minimum: int) -> list[str]:
    """Per module: `fraction` of its mutants, at least `minimum` (all if it has fewer), drawn with `seed`."""
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction must be in (0, 1], got {fraction}")
    by_module: dict[str, list[str]] = defaultdict(list)
    for name in sorted(set(names)):
        by_module[module_of(name)].append(name)
    rng = random.Random(seed)
    chosen = []
    for module in sorted(by_module):
        pool = by_module[module]
        size = min(len(pool), max(minimum, math.ceil(fraction * len(pool))))
        chosen += rng.sample(pool, size)
    return sorted(chosen)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fraction", type=float, help="draw a new sample of this fraction of each module")
    parser.add_argument("--pending", action="store_true",
                        help="keep the sample in mutants/sample.json; print its mutants without a result (to resume a "
                             "run, or to re-run the mutants of functions that changed since)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--minimum", type=int, default=20, help="mutants per module at least (default 20)")
    args = parser.parse_args(argv)
    results = _results(SAMPLE_FILE.parent)
    if not results:
        parser.error("no mutants under mutants/: run `mutmut run` once first (see above)")
    if args.pending:
        chosen = [name for name in json.loads(SAMPLE_FILE.read_text())["names"] if name in results]
    elif args.fraction is None:
        parser.error("give --fraction (a new sample) or --pending (the one in mutants/sample.json)")
    else:
        chosen = choose(list(results), args.fraction, args.seed, args.minimum)
        SAMPLE_FILE.write_text(json.dumps({"fraction": args.fraction, "seed": args.seed, "minimum": args.minimum,
                                           "names": chosen}, indent=1))
    print("\n".join(name for name in chosen if results[name] is None))
    return 0


if __name__ == "__main__":
    sys.exit(main())
