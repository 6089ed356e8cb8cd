"""A short, human summary of what each synthesized stack will create (formatting only: the stacks are read by
`mlops_cicd.synthesized`)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from .synthesized import backend_kind, load_stacks, stack_files, variables


def stack_summary(name: str, path: Path, document: dict) -> dict:
    """What `synth --json` prints for one stack."""
    counts = Counter({kind: len(items) for kind, items in document.get("resource", {}).items()})
    return {"name": name, "path": str(path), "resources": sum(counts.values()), "by_type": dict(sorted(counts.items())),
            "backend": backend_kind(document), "variables": [f"TF_VAR_{name}" for name in variables(document)]}


def summaries(output: Path) -> list[dict]:
    paths, documents = stack_files(output), load_stacks(output)
    return [stack_summary(name, paths[name], documents[name]) for name in paths]


def render(stacks: list[dict]) -> str:
    lines = []
    for stack in stacks:
        lines.append(f"stack {stack['name']}: {stack['resources']} resources -> {stack['path']}")
        lines.extend(f"    {count} x {kind}" for kind, count in stack["by_type"].items())
        lines.append(f"    state backend: {stack['backend']}; secrets from: {', '.join(stack['variables']) or 'none'}")
    return "\n".join(lines)


def summarize(output: Path) -> str:
    return render(summaries(output))
