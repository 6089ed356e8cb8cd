"""Config files for CLI tests: the shipped mlops-cicd.toml, changed as a user would edit it."""

from __future__ import annotations

import json
from pathlib import Path

from mlops_cicd.cli import main

SHIPPED_CONFIG = Path(__file__).resolve().parents[2] / "mlops-cicd.toml"
REVIEWERS_BLOCK = '[environments.github_environment.reviewers]\nusers = ["ryuta-databricks"]\n'
REASON = "reviewers are enforced by the organization ruleset until Q3"


def write_config(directory: Path, *, reviewers: bool = True, extra: str = "") -> Path:
    text = SHIPPED_CONFIG.read_text()
    assert REVIEWERS_BLOCK in text, "the shipped config changed: update this helper"
    if not reviewers:
        text = text.replace(REVIEWERS_BLOCK, "")
    path = directory / "mlops-cicd.toml"
    path.write_text(text + extra)
    return path


def suppression(check_id: str, reason: str | None = REASON, environment: str = "prod") -> str:
    lines = ["", "[[checks.suppress]]", f'id = "{check_id}"', f'environment = "{environment}"']
    if reason is not None:
        lines.append(f'reason = "{reason}"')
    return "\n".join(lines) + "\n"


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, *argv: str) -> tuple[int, dict]:
    code, out, _ = run_cli(capsys, *argv)
    return code, json.loads(out)
