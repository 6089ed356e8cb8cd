"""Composing a fleet's stacks, in this process or, for a large platform repository, in several at once.

Building the constructs dominates synth time, and it is serial: every construct is a round trip to jsii's Node
process (bench/fleet_scale.py: about a hundred per stack). A fleet of many projects is split by project into one
part per core; each part is composed and synthesized by a process of its own (a fresh interpreter with its own
jsii runtime) into a directory of its own, and the parts are then merged into one cdktf output: every stack's
directory, and one manifest listing them all. The caller checks the merged output as it would a single app's.
This module loads no framework itself, so the process that only merges and checks never pays for its import.
"""

from __future__ import annotations

import json
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from .config import Config
from .fleet import Fleet

SPLIT_FROM_STACKS = 24
"""Below this many stacks one process is faster: a part costs a process start and the framework's import (the
floor, about 2 s), paid in parallel but on the same cores."""
MANIFEST = "manifest.json"


def fleet_of(described: Config | Fleet) -> Fleet:
    return described if isinstance(described, Fleet) else Fleet.of(described)


def compose(described: Config | Fleet, directory: str | Path) -> None:
    """Synthesize every stack of `described` into `directory` (a cdktf output: manifest.json, stacks/<name>/)."""
    fleet, directory = fleet_of(described), Path(directory)
    parts = split(fleet, _cores())
    if len(parts) < 2:
        synthesize_part(fleet, directory)
        return
    scratch = [directory / f".part-{index}" for index in range(len(parts))]
    with ProcessPoolExecutor(len(parts), mp_context=get_context("spawn")) as workers:
        for done in [workers.submit(_synthesize_in_worker, part, str(where)) for part, where in zip(parts, scratch)]:
            done.result()  # a part's ValueError or RuntimeError is raised here, as in this process
    merge(scratch, directory, fleet.stack_names)


def split(fleet: Fleet, cores: int) -> list[Fleet]:
    """`fleet` in up to `cores` parts of whole projects with about as many stacks each (one part when small)."""
    stacks = len(fleet.stack_names)
    if cores < 2 or len(fleet.projects) < 2 or stacks < SPLIT_FROM_STACKS:
        return [fleet]
    count = min(cores, len(fleet.projects))
    loads: list[list[Config]] = [[] for _ in range(count)]
    for project in sorted(fleet.projects, key=lambda p: -len(p.environments)):  # largest first, to the lightest
        min(loads, key=lambda part: sum(len(p.environments) for p in part)).append(project)
    order = {project.project.name: index for index, project in enumerate(fleet.projects)}
    return [Fleet(tuple(sorted(part, key=lambda p: order[p.project.name])), fleet.source, fleet.platform)
            for part in loads if part]


def synthesize_part(fleet: Fleet, directory: str | Path) -> None:
    """Compose `fleet`'s stacks in this process and synthesize them into `directory`."""
    from .app import build_app  # the framework loads here, in the process that composes

    build_app(fleet, directory).synth()


def _synthesize_in_worker(fleet: Fleet, directory: str) -> None:
    """`synthesize_part` in a part's own process: a refusal comes back as the plain ValueError or RuntimeError
    the caller maps to a configuration error (jsii's own exception classes may not cross a process boundary)."""
    try:
        synthesize_part(fleet, directory)
    except ValueError as error:
        raise ValueError(str(error)) from None
    except RuntimeError as error:
        raise RuntimeError(str(error)) from None


def merge(parts: list[Path], directory: Path, order: list[str]) -> None:
    """Move the parts' stacks into `directory` and write one manifest naming every stack in `order`, as one app
    would (cdktf's format: each stack's paths are relative to the output, so they hold after the move)."""
    manifests = [json.loads((part / MANIFEST).read_text()) for part in parts]
    (directory / "stacks").mkdir(parents=True, exist_ok=True)
    stacks: dict[str, dict] = {}
    for part, manifest in zip(parts, manifests):
        for name, stack in manifest["stacks"].items():
            os.replace(part / "stacks" / name, directory / "stacks" / name)
            stacks[name] = stack
        shutil.rmtree(part)
    ordered = {name: stacks[name] for name in order if name in stacks}
    (directory / MANIFEST).write_text(json.dumps({**manifests[0], "stacks": ordered}, indent=2))


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
