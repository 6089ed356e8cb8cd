"""`mlops-cicd check`: exit codes, text for people, --json for machines."""

from __future__ import annotations

from helpers.cli import REASON, run_cli, run_json, suppression, write_config


def test_shipped_config_passes(capsys, tmp_path):
    code, out, _ = run_cli(capsys, "check", "--config", str(write_config(tmp_path)))
    assert code == 0
    assert "checks: 0 errors" in out and "reason: seed example keeps prod state" in out


def test_prod_without_reviewers_exits_1_naming_the_check_and_the_fix(capsys, tmp_path):
    code, out, _ = run_cli(capsys, "check", "--config", str(write_config(tmp_path, reviewers=False)))
    assert code == 1
    assert "error: MLOPS004 [prod]" in out and "has no required reviewers" in out
    assert "fix: set [environments.github_environment.reviewers]" in out


def test_suppressed_with_reason_exits_0_and_prints_the_reason(capsys, tmp_path):
    config = write_config(tmp_path, reviewers=False, extra=suppression("MLOPS004"))
    code, out, _ = run_cli(capsys, "check", "--config", str(config))
    assert code == 0
    assert f"suppressed: MLOPS004 in prod: 1 finding; reason: {REASON}" in out


def test_suppression_without_reason_is_a_configuration_error(capsys, tmp_path):
    config = write_config(tmp_path, reviewers=False, extra=suppression("MLOPS004", reason=None))
    code, _, err = run_cli(capsys, "check", "--config", str(config))
    assert code == 4
    assert "checks.suppress[1].reason: required field is missing" in err


def test_json_report_shape(capsys, tmp_path):
    code, report = run_json(capsys, "check", "--json", "--config", str(write_config(tmp_path, reviewers=False)))
    assert code == 1
    assert report["ok"] is False and report["errors"] == 1
    assert report["warnings"] == len([f for f in report["findings"] if f["severity"] == "warning"])
    (finding,) = [f for f in report["findings"] if f["severity"] == "error"]
    assert set(finding) == {"id", "severity", "stack", "address", "message", "fix"}
    assert (finding["id"], finding["severity"], finding["stack"]) == ("MLOPS004", "error", "prod")
    assert finding["address"].startswith("github_repository_environment.")
    (suppressed,) = report["suppressed"]
    assert suppressed["id"] == "MLOPS009" and suppressed["reason"].startswith("seed example")
    assert report["suppressions"] == [
        {"id": "MLOPS009", "environment": "prod", "resource": None, "reason": suppressed["reason"], "matched": 1}
    ]


def test_list_names_every_check(capsys):
    from mlops_cicd.checks import CHECKS

    code, out, _ = run_cli(capsys, "check", "--list")
    lines = out.splitlines()
    assert code == 0
    # one line per registered check, numbered without gaps, with its severity and what it guards
    assert [line.split()[0] for line in lines] == [f"MLOPS{i:03d}" for i in range(1, len(CHECKS) + 1)]
    assert all(f" {check.severity} " in line and line.endswith(check.title) for check, line in zip(CHECKS, lines))
