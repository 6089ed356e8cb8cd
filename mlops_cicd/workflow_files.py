"""Reading a folder of GitHub Actions workflow files (`--workflows DIR`): every *.yml and *.yaml directly in it, as
GitHub reads `.github/workflows`. Bad input (no folder, no workflow, invalid YAML, no `jobs:`) is one usage error
naming the file and the fix."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from .errors import usage_error
from .workflow_jobs import Workflow, Workflows, workflow_from_document

WORKFLOW_SUFFIXES = (".yml", ".yaml")
_FOLDER_FIX = "name the folder that holds the workflow files, e.g. --workflows .github/workflows"
_SHAPE_FIX = "a workflow file is a mapping with `on:` and `jobs:` (each job a mapping); fix it or move it elsewhere"


class _WorkflowLoader(yaml.SafeLoader):
    """PyYAML resolves YAML 1.1 booleans: `on:`, `yes`, `no`, `off` would become True/False (yaml/resolver.py,
    PyYAML 6.0). GitHub reads a workflow's `on` as the key "on": only true/false are booleans here, as in YAML 1.2."""


_WorkflowLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_WorkflowLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def _load(path: Path) -> tuple[object, yaml.Node | None]:
    """The file's document and its node tree (for line numbers)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise usage_error(f"{path} cannot be read ({type(error).__name__})",
                          "make it a readable UTF-8 workflow file, or move it out of the workflows folder") from None
    loader = _WorkflowLoader(text)
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or type(error).__name__
        raise usage_error(f"{path} is not valid YAML{where}: {problem}",
                          "fix the YAML there (GitHub would not run this workflow either)") from None
    finally:
        loader.dispose()


def _job_lines(node: yaml.Node | None) -> dict[str, int]:
    """Line (1-based) of each job under the document's `jobs:`."""
    for key, value in node.value if isinstance(node, yaml.MappingNode) else ():
        if key.value == "jobs" and isinstance(value, yaml.MappingNode):
            return {str(job.value): job.start_mark.line + 1 for job, _ in value.value}
    return {}


def read_workflow(path: Path) -> Workflow:
    document, node = _load(path)
    if not isinstance(document, dict) or not isinstance(document.get("jobs"), dict):
        raise usage_error(f"{path} is not a GitHub Actions workflow: it has no `jobs:` mapping", _SHAPE_FIX)
    for job_id, body in document["jobs"].items():
        if not isinstance(body, dict):
            raise usage_error(f"{path}: job {str(job_id)!r} is not a mapping", _SHAPE_FIX)
    return workflow_from_document(path.name, document, _job_lines(node))


def read_workflows(directory: str | Path, repository: str | None) -> Workflows:
    """Every workflow of `directory`, as the workflows of `repository` (`owner/name`)."""
    folder = Path(directory)
    if not folder.is_dir():
        raise usage_error(f"--workflows {folder}: no such directory", _FOLDER_FIX)
    paths = sorted(p for p in folder.iterdir() if p.suffix in WORKFLOW_SUFFIXES and p.is_file())
    if not paths:
        raise usage_error(f"--workflows {folder} holds no workflow file (*.yml, *.yaml)", _FOLDER_FIX)
    return Workflows(tuple(read_workflow(p) for p in paths), repository)
