"""`mlops-cicd check --workflows DIR`: the workflow contract on the command line (exit codes, --json, bad input)."""

from __future__ import annotations

import shutil

import pytest

from helpers import ROOT, shared, shipped_raw, synthesize
from helpers.cli import run_cli, run_json

SAMPLES = ROOT / "tests" / "fixtures" / "workflows"


@pytest.fixture(scope=shared("module"))
def output(tmp_path_factory):
    """The shipped configuration synthesized once for the module (checked with --output)."""
    path = tmp_path_factory.mktemp("workflows-cli") / "out"
    synthesize(shipped_raw(), path)
    return path


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / "workflows"
    path.mkdir()
    shutil.copy(SAMPLES / "prod-cd.yml", path)
    return path


def test_the_template_prod_cd_fails_then_passes_with_environment_prod(capsys, output, folder):
    code, out, _ = run_cli(capsys, "check", "--output", str(output), "--workflows", str(folder))
    assert code == 1
    assert "error: MLOPS017 [prod] prod-cd.yml: job 'prod' (line 18) reads secrets.PROD_WORKSPACE_TOKEN" in out
    assert "  fix: add `environment: prod` to job 'prod' in prod-cd.yml" in out and "  at: prod-cd.yml.jobs.prod" in out
    workflow = folder / "prod-cd.yml"
    workflow.write_text(workflow.read_text().replace("    runs-on:", "    environment: prod\n    runs-on:"))
    code, out, _ = run_cli(capsys, "check", "--output", str(output), "--workflows", str(folder))
    assert code == 0 and "checks: 0 errors, 0 warnings, 1 suppressed" in out


def test_json_report_carries_the_workflow_findings(capsys, output, folder):
    code, report = run_json(capsys, "check", "--json", "--output", str(output), "--workflows", str(folder))
    assert code == 1 and report["ok"] is False
    (finding,) = report["findings"]
    assert (finding["id"], finding["stack"], finding["address"]) == ("MLOPS017", "prod", "prod-cd.yml.jobs.prod")


def test_a_missing_folder_is_a_usage_error_before_any_synth(capsys, tmp_path):
    code, _, err = run_cli(capsys, "check", "--workflows", str(tmp_path / "nowhere"))
    assert code == 2
    assert f"--workflows {tmp_path / 'nowhere'}: no such directory" in err and ".github/workflows" in err


def test_invalid_yaml_is_one_message_naming_the_file(capsys, output, folder):
    (folder / "broken.yaml").write_text("on: push\njobs: [\n")
    code, _, err = run_cli(capsys, "check", "--output", str(output), "--workflows", str(folder))
    assert code == 2
    assert f"{folder / 'broken.yaml'} is not valid YAML at line 3" in err and "fix the YAML there" in err


def test_repository_must_be_one_the_stacks_write(capsys, output, folder):
    code, _, err = run_cli(capsys, "check", "--output", str(output), "--workflows", str(folder),
                           "--repository", "someone/else")
    assert code == 2 and "the stacks write to: ryuta-databricks/mlops-demo-classifier" in err
    code, _, err = run_cli(capsys, "check", "--output", str(output), "--repository", "someone/else")
    assert code == 2 and "add --workflows DIR" in err


def test_a_suppression_names_the_job_it_silences(capsys, output, folder, tmp_path):
    config = tmp_path / "mlops-cicd.toml"
    config.write_text((ROOT / "mlops-cicd.toml").read_text() + '\n[[checks.suppress]]\nid = "MLOPS017"\n'
                      'environment = "prod"\nresource = "prod-cd.yml.jobs.prod"\n'
                      'reason = "this job only validates; the deploy job declares prod"\n')
    code, out, _ = run_cli(capsys, "check", "--config", str(config), "--output", str(output), "--workflows", str(folder))
    assert code == 0 and "suppressed: MLOPS017 in prod on prod-cd.yml.jobs.prod: 1 finding" in out
