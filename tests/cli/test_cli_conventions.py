"""What users of terraform, cdktf, gh and the databricks CLI expect of a command line: --version, distinct exit
codes for a wrong command line (2) and a wrong configuration (4), --json on every command that prints data
(errors included, as one object), quiet stderr under cdktf, one timing line for the whole command."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

import pytest

from mlops_cicd.cli import main

from helpers import ROOT
from helpers import SHIPPED_CONFIG
from helpers.cli import run_cli, run_json, write_config



def test_version_names_the_installed_release(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"mlops-cicd {metadata.version('mlops-cicd')}"


def test_a_wrong_command_line_and_a_wrong_configuration_exit_differently(capsys, tmp_path):
    usage, _, usage_err = run_cli(capsys, "status", "--no-such-option")
    broken = write_config(tmp_path, extra="\n[unknown_section]\nx = 1\n")
    config, _, config_err = run_cli(capsys, "check", "--config", str(broken))
    assert (usage, config) == (2, 4)
    assert "unrecognized arguments: --no-such-option" in usage_err and "see `mlops-cicd --help`" in usage_err
    assert "unknown_section: unknown field" in config_err


@pytest.mark.parametrize("argv, code, words", [
    (["status", "--json", "--no-such-option"], 2, "unrecognized arguments: --no-such-option"),
    (["rotate", "--json"], 2, "the following arguments are required: ENV"),
    (["status", "--json", "--now", "soon"], 2, "--now soon is not an ISO-8601 time"),
])
def test_json_errors_are_one_object_on_stdout(capsys, tmp_path, argv, code, words):
    exited, out, err = run_cli(capsys, *argv, "--config", str(write_config(tmp_path)))
    report = json.loads(out)  # stdout is the JSON object and nothing else
    assert exited == code and report["ok"] is False and report["exit_code"] == code
    (problem,) = report["problems"]
    assert words in problem["message"] and problem["fix"]
    assert words in err  # people reading the log still get the line


def test_json_configuration_errors_list_every_problem_by_field(capsys, tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text(SHIPPED_CONFIG.read_text().replace('cloud = "aws"', 'cloud = "mars"', 1)
                      .replace("rotation_days = 60", "rotation_days = 95", 2))
    code, report = run_json(capsys, "check", "--json", "--config", str(config))
    assert code == 4 and report["ok"] is False
    fields = [p["field"] for p in report["problems"]]
    assert "environments[staging].cloud" in fields and "environments[prod].rotation_days" in fields


def test_configuration_errors_come_in_one_round_structure_and_consistency_together(capsys, tmp_path):
    # staging has a structural error (an unknown cloud); prod, valid on its own, breaks a rule spanning fields
    # (rotation not shorter than the lifetime). Both used to take two rounds: the second only after fixing the first.
    config = tmp_path / "bad.toml"
    text = SHIPPED_CONFIG.read_text().replace('cloud = "aws"', 'cloud = "mars"', 1)
    head, _, prod = text.partition('name = "prod"')
    config.write_text(head + 'name = "prod"' + prod.replace("rotation_days = 60", "rotation_days = 95", 1))
    code, _, err = run_cli(capsys, "check", "--config", str(config))
    assert code == 4
    assert "environments[staging].cloud" in err
    assert "environments[prod].rotation_days: rotation period (95 days) must be shorter than token_lifetime_days" in err
    assert "2 problems" in err


def test_check_list_as_json(capsys):
    code, report = run_json(capsys, "check", "--list", "--json")
    from mlops_cicd.checks import CHECKS

    assert code == 0
    assert [c["id"] for c in report["checks"]] == [c.id for c in CHECKS]
    assert set(report["checks"][0]) == {"id", "severity", "title"}


def test_synth_json_describes_each_stack(capsys, tmp_path):
    out = tmp_path / "out"
    code, report = run_json(capsys, "synth", "--json", "--config", str(write_config(tmp_path)), "--output", str(out))
    assert code == 0 and report["ok"] is True and report["output"] == str(out)
    staging = next(s for s in report["stacks"] if s["name"] == "staging")
    assert staging["path"] == str(out / "stacks" / "staging" / "cdk.tf.json")
    assert staging["backend"] == "local" and staging["by_type"]["databricks_obo_token"] == 1
    assert "TF_VAR_git_read_token" in staging["variables"]


def test_synth_json_when_a_check_fails_lists_the_findings_as_problems(capsys, tmp_path):
    out = tmp_path / "out"
    code, report = run_json(capsys, "synth", "--json", "--config", str(write_config(tmp_path, reviewers=False)),
                            "--output", str(out))
    assert code == 1 and report["ok"] is False and report["exit_code"] == 1 and not out.exists()
    assert [(p["id"], p["stack"]) for p in report["problems"]] == [("MLOPS004", "prod")]
    assert all(p["fix"] for p in report["problems"])


def test_check_json_when_a_check_fails_is_the_report(capsys, tmp_path):
    code, report = run_json(capsys, "check", "--json", "--config", str(write_config(tmp_path, reviewers=False)))
    assert code == 1 and report["ok"] is False and report["errors"] == 1


# --- `check --output DIR`: the checks over stacks anyone synthesized -------------------------------------------

@pytest.fixture(scope="module")
def synthesized(tmp_path_factory) -> Path:
    """The shipped configuration's stacks, synthesized once for this module."""
    directory = tmp_path_factory.mktemp("synthesized")  # a copy of the config: its owner records go there
    assert main(["synth", "--config", str(write_config(directory)), "--output", str(directory / "out")]) == 0
    return directory / "out"


def _rewrite(output: Path, stack: str, change) -> None:
    path = output / "stacks" / stack / "cdk.tf.json"
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document))


def test_check_output_reads_the_stacks_there_and_writes_nothing(capsys, synthesized, tmp_path):
    import shutil

    output = tmp_path / "out"
    shutil.copytree(synthesized, output)
    code, _, _ = run_cli(capsys, "check", "--config", str(SHIPPED_CONFIG), "--output", str(output))
    assert code == 0
    # a change made after synthesis (as a user's own code might make) is what gets checked
    _rewrite(output, "prod", lambda d: next(iter(d["resource"]["github_repository_environment"].values()))
             .update(can_admins_bypass=True))
    before = {p: p.read_bytes() for p in output.rglob("*") if p.is_file()}
    code, report = run_json(capsys, "check", "--json", "--config", str(SHIPPED_CONFIG), "--output", str(output))
    assert code == 1 and [(f["id"], f["stack"]) for f in report["findings"] if f["severity"] == "error"] == [("MLOPS004", "prod")]
    assert {p: p.read_bytes() for p in output.rglob("*") if p.is_file()} == before


def test_check_output_without_a_configuration_file(capsys, synthesized, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no mlops-cicd.toml here, none named
    monkeypatch.delenv("MLOPS_CICD_CONFIG", raising=False)
    code, report = run_json(capsys, "check", "--json", "--output", str(synthesized))
    # without the configuration, the shipped suppression of MLOPS009 does not apply: the finding shows
    assert code == 1 and {(f["id"], f["stack"]) for f in report["findings"]} >= {("MLOPS009", "prod")}
    assert report["suppressions"] == []


def test_check_output_that_holds_no_synthesized_stacks(capsys, tmp_path):
    code, _, err = run_cli(capsys, "check", "--config", str(SHIPPED_CONFIG), "--output", str(tmp_path))
    assert code == 3 and f"{tmp_path / 'manifest.json'} does not exist" in err and "mlops-cicd synth --output" in err


# --- progress: stderr, plain off a terminal, routed to stdout under cdktf, one timing line -------------------------

def test_progress_is_plain_on_stderr_with_one_line_timing_the_whole_command(capsys, tmp_path):
    started = time.monotonic()
    code, out, err = run_cli(capsys, "synth", "--config", str(write_config(tmp_path)), "--output", str(tmp_path / "o"))
    elapsed = time.monotonic() - started
    assert code == 0 and "\x1b[" not in err  # no terminal: no escape sequences
    (timing,) = [line for line in err.splitlines() if "finished in" in line]
    seconds = float(timing.split("finished in ")[1].split("s")[0])
    assert timing.startswith("mlops-cicd: synth finished in") and "(the whole command)" in timing
    assert 0.8 * elapsed <= seconds + 0.05 <= elapsed + 0.1  # the whole command, not one of its steps
    assert "mlops-cicd:" not in out


def test_under_cdktf_nothing_reaches_stderr_unless_it_fails(capsys, tmp_path, monkeypatch):
    # cdktf-cli 0.21.0 runs the app with SYNTH_HCL_OUTPUT set and logs every stderr line as [ERROR].
    monkeypatch.setenv("SYNTH_HCL_OUTPUT", "false")
    code, out, err = run_cli(capsys, "synth", "--config", str(write_config(tmp_path)), "--output", str(tmp_path / "o"))
    assert code == 0 and err == ""
    assert "synthesizing 2 stack(s)" in out and "checks: 0 errors" in out
    code, _, err = run_cli(capsys, "synth", "--config", str(write_config(tmp_path, reviewers=False)),
                           "--output", str(tmp_path / "o2"))
    assert code == 1 and err.startswith("mlops-cicd: error: 1 check error(s) (MLOPS004)")


@pytest.mark.slow
def test_cdktf_synth_shows_no_error_lines(tmp_path):
    """The real thing: `cdktf synth` of the shipped app prints our progress, and no [ERROR] line."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "mlops-cicd.toml").write_text(SHIPPED_CONFIG.read_text())
    (project / "cdktf.json").write_text(json.dumps({
        "language": "python", "app": f"{sys.executable} {ROOT / 'main.py'}", "projectId": "cli-conventions-test",
        "sendCrashReports": "false", "terraformProviders": [], "terraformModules": [], "context": {}}))
    env = {"PATH": f"{ROOT / 'node_modules' / 'node' / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path),
           "CHECKPOINT_DISABLE": "1", "JSII_NODE": str(ROOT / "node_modules" / "node" / "bin" / "node")}
    result = subprocess.run([str(ROOT / "node_modules" / ".bin" / "cdktf"), "synth"], cwd=project, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "synthesizing 2 stack(s)" in result.stdout
    assert "[ERROR]" not in result.stdout + result.stderr
