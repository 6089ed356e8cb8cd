"""The checks run inside synth(): an error stops it before anything is written; reasons are printed."""

from __future__ import annotations

import pytest

from mlops_cicd.app import synth
from mlops_cicd.checks import ChecksFailed

from helpers import env_of, project_config


def _without_prod_reviewers(raw: dict) -> dict:
    del env_of(raw, "prod")["github_environment"]["reviewers"]
    return raw


def test_check_error_stops_synth_and_writes_nothing(raw, tmp_path, capsys):
    outdir = tmp_path / "cdktf.out"
    with pytest.raises(ChecksFailed) as failed:
        synth(project_config(_without_prod_reviewers(raw), tmp_path / "project"), outdir)
    assert not outdir.exists()
    assert "MLOPS004" in str(failed.value) and "nothing was written" in str(failed.value)
    printed = capsys.readouterr().err
    assert "error: MLOPS004 [prod]" in printed and "fix: set [environments.github_environment.reviewers]" in printed


def test_suppressed_error_lets_synth_write_and_prints_the_reason(raw, tmp_path, capsys):
    reason = "reviewers are enforced by the organization ruleset until Q3"
    raw["checks"]["suppress"].append({"id": "MLOPS004", "environment": "prod", "reason": reason})
    outdir = synth(project_config(_without_prod_reviewers(raw), tmp_path / "project"), tmp_path / "cdktf.out")
    assert (outdir / "stacks" / "prod" / "cdk.tf.json").exists()
    assert reason in capsys.readouterr().err


def test_explicit_repository_placement_for_prod_synthesizes(raw, tmp_path):
    env_of(raw, "prod")["secret_placement"] = "repository"
    outdir = synth(project_config(raw, tmp_path / "project"), tmp_path / "cdktf.out")
    assert '"github_actions_secret"' in (outdir / "stacks" / "prod" / "cdk.tf.json").read_text()
