"""Config files for CLI tests: the shipped mlops-cicd.toml, changed as a user would edit it."""

from __future__ import annotations

import json
from pathlib import Path

from mlops_cicd.cli import main

from helpers import SHIPPED_CONFIG
REVIEWERS_BLOCK = '[environments.github_environment.reviewers]\nusers = ["ryuta-databricks", "second-reviewer-login"]\n'
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


def show_json(token_lifetime_days: int = 90, base: str = "2026-01-01T00:00:00Z", next_rotation: str = "2026-03-02T00:00:00Z") -> dict:
    """`terraform show -json` of a deployed pat-mode stack: one schedule and the token it rotates."""
    return {
        "format_version": "1.0",
        "terraform_version": "1.11.4",
        "values": {"root_module": {"resources": [
            {"address": "time_rotating.workspace_token_rotation_74E48B32", "mode": "managed", "type": "time_rotating",
             "name": "workspace_token_rotation_74E48B32",
             "values": {"id": base, "rfc3339": base, "rotation_days": 60, "rotation_rfc3339": next_rotation}},
            {"address": "databricks_obo_token.workspace_token_9CE72CD4", "mode": "managed", "type": "databricks_obo_token",
             "name": "workspace_token_9CE72CD4",
             "values": {"application_id": "app-1", "lifetime_seconds": token_lifetime_days * 86400, "token_value": "x"}},
            {"address": "databricks_service_principal.cicd_service_principal_AC465DD2", "mode": "managed",
             "type": "databricks_service_principal", "name": "cicd_service_principal_AC465DD2", "values": {"id": "1"}},
        ]}},
    }
