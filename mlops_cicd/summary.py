"""A short, human summary of what each synthesized stack will create."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path


def stack_files(outdir: Path) -> dict[str, Path]:
    manifest = json.loads((outdir / "manifest.json").read_text())
    return {name: outdir / stack["synthesizedStackPath"] for name, stack in manifest["stacks"].items()}


def backend_kind(document: dict) -> str:
    """The stack's state backend: `cloud` (HCP Terraform), the backend block's type, or Terraform's default `local`."""
    terraform = document.get("terraform") or {}
    if terraform.get("cloud"):
        return "cloud"
    return next(iter(terraform.get("backend") or {}), "local")


def describe_stack(document: dict) -> list[str]:
    resources = Counter({kind: len(items) for kind, items in document.get("resource", {}).items()})
    lines = [f"    {count} x {kind}" for kind, count in sorted(resources.items())]
    backend = backend_kind(document)
    variables = ", ".join(f"TF_VAR_{name}" for name in document.get("variable", {}))
    lines.append(f"    state backend: {backend}; secrets from: {variables or 'none'}")
    return lines


def summarize(outdir: Path) -> str:
    lines = []
    for name, path in stack_files(outdir).items():
        document = json.loads(path.read_text())
        total = sum(len(items) for items in document.get("resource", {}).values())
        lines.append(f"stack {name}: {total} resources -> {path}")
        lines.extend(describe_stack(document))
    return "\n".join(lines)
