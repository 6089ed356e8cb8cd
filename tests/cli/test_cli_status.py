"""`mlops-cicd status` from `terraform show -json` output: dates, days left, warnings, table and --json."""

from __future__ import annotations

import json
import os

import pytest

from helpers.cli import run_cli, run_json, show_json, write_config

TOKEN = "databricks_obo_token.workspace_token_9CE72CD4"
SCHEDULE = "time_rotating.workspace_token_rotation_74E48B32"


def _status(tmp_path, *extra: str, states: dict | None = None):
    args = ["status", "--config", str(write_config(tmp_path)), "--output", str(tmp_path / "none")]
    for stack, show in (states or {"staging": show_json(), "prod": show_json()}).items():
        path = tmp_path / f"{stack}.json"
        path.write_text(json.dumps(show))
        args += ["--from-json", f"{stack}={path}"]
    return args + list(extra)


def _credentials(report: dict, stack: str) -> dict[str, dict]:
    (entry,) = [s for s in report["stacks"] if s["name"] == stack]
    return {c["address"]: c for c in entry["credentials"]}


def test_json_lists_token_and_schedule_with_dates_and_days_left(capsys, tmp_path):
    code, report = run_json(capsys, *_status(tmp_path, "--json", "--now", "2026-01-11T00:00:00Z"))
    assert code == 0
    assert set(report) == {"as_of", "clock", "warning_days", "warnings", "stacks"}
    assert (report["as_of"], report["clock"], report["warning_days"], report["warnings"]) == ("2026-01-11T00:00:00Z", "given", 14, 0)
    assert [s["name"] for s in report["stacks"]] == ["staging", "prod"]
    credentials = _credentials(report, "prod")
    assert set(credentials) == {TOKEN, SCHEDULE}  # the service principal is not a credential
    token = credentials[TOKEN]
    assert token == {
        "address": TOKEN, "type": "databricks_obo_token", "kind": "workspace token",
        "created": "2026-01-01T00:00:00Z", "created_estimated": True, "expires": "2026-04-01T00:00:00Z", "next_rotation": "2026-03-02T00:00:00Z",
        "rotation": SCHEDULE, "days_left": 80, "warnings": [],
    }
    assert credentials[SCHEDULE]["days_left"] == 50 and credentials[SCHEDULE]["expires"] is None


def test_table_shows_each_stack_credential_and_dates(capsys, tmp_path):
    code, out, _ = run_cli(capsys, *_status(tmp_path, "--now", "2026-01-11T00:00:00Z"))
    assert code == 0
    header, *rows = [line for line in out.splitlines() if not line.startswith(("as of", "warning", "note"))]
    assert header.split()[:3] == ["ENV", "CREDENTIAL", "ADDRESS"]
    token_rows = [row.split() for row in rows if TOKEN in row]
    assert [row[0] for row in token_rows] == ["staging", "prod"]
    # without the synthesized stack at hand, the token's dates come from its schedule: marked estimated
    assert token_rows[0][-4:] == ["~2026-01-01", "~2026-04-01", "2026-03-02", "80"]
    assert "~ estimated from the token's rotation schedule" in out
    assert "0 warning(s)" in out


def test_warns_when_token_expires_soon_and_rotation_is_overdue(capsys, tmp_path):
    code, report = run_json(capsys, *_status(tmp_path, "--json", "--now", "2026-03-25T00:00:00Z"))
    assert code == 0
    token, schedule = (_credentials(report, "staging")[a] for a in (TOKEN, SCHEDULE))
    assert token["days_left"] == 7
    assert any("expires in 7 day(s)" in w and "rotate staging" in w for w in token["warnings"])
    assert any("rotation due since 2026-03-02" in w for w in schedule["warnings"])


def test_warns_when_token_expires_before_its_next_rotation(capsys, tmp_path):
    states = {"staging": show_json(token_lifetime_days=30), "prod": show_json()}
    code, out, _ = run_cli(capsys, *_status(tmp_path, "--now", "2026-01-02T00:00:00Z", states=states))
    assert code == 0
    assert f"warning: staging {TOKEN}: expires on 2026-01-31, before its next rotation on 2026-03-02" in out
    assert f"warning: prod {TOKEN}" not in out


def test_fail_on_warning_exits_1_only_with_a_warning(capsys, tmp_path):
    quiet = _status(tmp_path, "--fail-on-warning", "--now", "2026-01-11T00:00:00Z")
    assert run_cli(capsys, *quiet)[0] == 0
    noisy = _status(tmp_path, "--fail-on-warning", "--now", "2026-03-25T00:00:00Z")
    assert run_cli(capsys, *noisy)[0] == 1


def test_empty_state_is_reported_as_not_deployed(capsys, tmp_path):
    states = {"staging": {"format_version": "1.0"}}
    code, out, _ = run_cli(capsys, *_status(tmp_path, states=states))
    assert code == 0 and ["staging", "not", "deployed"] in [line.split()[:3] for line in out.splitlines()]


def test_deployed_stack_without_stored_credential_is_not_called_undeployed(capsys, tmp_path):
    show = show_json()
    show["values"]["root_module"]["resources"] = show["values"]["root_module"]["resources"][2:]  # the SP only
    code, report = run_json(capsys, *_status(tmp_path, "--json", states={"staging": show}))
    (stack,) = report["stacks"]
    assert code == 0 and stack["deployed"] is True and stack["credentials"] == []


def test_without_any_state_each_stack_is_one_row_not_deployed(capsys, tmp_path):
    # Used to stop at the first stack with "has not been initialized" (exit 3).
    args = ["status", "--config", str(write_config(tmp_path)), "--output", str(tmp_path / "cdktf.out")]
    code, out, err = run_cli(capsys, *args)
    assert code == 0, err
    rows = [line.split() for line in out.splitlines()]
    assert rows[0][:2] == ["ENV", "CREDENTIAL"]
    assert [row[:3] for row in rows[1:3]] == [["staging", "not", "deployed"], ["prod", "not", "deployed"]]
    assert "0 warning(s)" in out and "Traceback" not in err
    code, report = run_json(capsys, *args, "--json")
    assert code == 0 and [(s["name"], s["deployed"], s["credentials"]) for s in report["stacks"]] == [
        ("staging", False, []), ("prod", False, [])]


def test_unknown_stack_exits_2(capsys, tmp_path):
    code, _, err = run_cli(capsys, "status", "qa", "--config", str(write_config(tmp_path)))
    assert code == 2 and "unknown environment(s): qa" in err and "staging, prod" in err


def test_oauth_secret_dates_come_from_its_own_state(capsys, tmp_path):
    show = show_json()
    show["values"]["root_module"]["resources"][1] = {
        "address": "databricks_service_principal_secret.oauth_secret_secret_1", "mode": "managed",
        "type": "databricks_service_principal_secret", "name": "oauth_secret_secret_1",
        "values": {"create_time": "2026-01-05T10:00:00Z", "expire_time": "2026-04-05T10:00:00Z", "lifetime": "7776000s"},
    }
    code, report = run_json(capsys, *_status(tmp_path, "--json", "--now", "2026-01-11T00:00:00Z", states={"staging": show}))
    secret = _credentials(report, "staging")["databricks_service_principal_secret.oauth_secret_secret_1"]
    assert (secret["kind"], secret["created"], secret["expires"]) == ("OAuth secret", "2026-01-05T10:00:00Z", "2026-04-05T10:00:00Z")
    assert secret["rotation"] == SCHEDULE and secret["days_left"] == 84 and secret["warnings"] == []


def test_warning_window_comes_from_the_config(capsys, tmp_path):
    args = _status(tmp_path, "--json", "--now", "2026-03-05T00:00:00Z")  # the token expires in 27 days
    token = _credentials(run_json(capsys, *args)[1], "staging")[TOKEN]
    assert not any(w.startswith("expires in") for w in token["warnings"])

    write_config(tmp_path, extra="\n[checks]\nexpiry_warning_days = 30\n")
    report = run_json(capsys, *args)[1]
    token = _credentials(report, "staging")[TOKEN]
    assert report["warning_days"] == 30
    assert any(w.startswith("expires in 27 day(s)") for w in token["warnings"])


def test_live_needs_the_deployers_databricks_credentials(capsys, tmp_path, monkeypatch):
    for name in ("DATABRICKS_TOKEN", "DATABRICKS_CLIENT_ID", "DATABRICKS_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    code, _, err = run_cli(capsys, *_status(tmp_path, "--live"))
    assert code == 3
    assert "no Databricks credentials to list what https://" in err and "DATABRICKS_TOKEN" in err


# --- on a terminal: a `rich` table; piped or --json: plain text ------------------------------------------------

def _in_terminal(argv: list[str]) -> str:
    """What a user sees running `mlops-cicd argv` in a terminal (stdout and stderr on a pseudo-terminal)."""
    import os
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "200"}
    env.pop("NO_COLOR", None)
    process = subprocess.Popen([sys.executable, "-m", "mlops_cicd.cli", *argv], stdout=follower, stderr=follower, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    assert process.wait(timeout=120) == 0
    os.close(leader)
    return b"".join(chunks).decode()


def test_table_is_rendered_for_a_terminal_and_plain_when_piped(tmp_path):
    import subprocess
    import sys

    argv = _status(tmp_path, "--now", "2026-01-11T00:00:00Z")
    shown = _in_terminal(argv)
    assert "\x1b[" in shown and "CREDENTIAL" in shown and TOKEN in shown  # styled by rich
    piped = subprocess.run([sys.executable, "-m", "mlops_cicd.cli", *argv], capture_output=True, text=True)
    assert piped.returncode == 0 and "\x1b[" not in piped.stdout + piped.stderr
    assert piped.stdout.splitlines()[0].split() == ["ENV", "CREDENTIAL", "ADDRESS", "CREATED", "EXPIRES", "NEXT", "ROTATION", "DAYS", "LEFT"]


def test_json_on_a_terminal_is_plain_json(tmp_path):
    shown = _in_terminal(_status(tmp_path, "--json", "--now", "2026-01-11T00:00:00Z"))
    assert "\x1b[" not in shown
    assert json.loads(shown.replace("\r\n", "\n"))["warnings"] == 0


def test_reading_many_states_shows_a_progress_bar_on_a_terminal_and_plain_lines_with_json(tmp_path):
    argv = ["status", "--config", str(write_config(tmp_path)), "--output", str(tmp_path / "never-deployed")]
    shown = _in_terminal(argv)
    assert "reading the state (terraform show -json)" in shown and "2/2" in shown and "\x1b[" in shown
    plain = _in_terminal([*argv, "--json"])
    assert "\x1b[" not in plain
    assert "mlops-cicd: reading the state (terraform show -json) (1/2: staging)..." in plain


def _local_state_of(config_path, environment: str):
    from mlops_cicd.config import load_config
    from mlops_cicd.state_paths import local_state_path

    config = load_config(config_path)
    return local_state_path(config.directory, config.project.name, environment, None)


def test_a_local_state_without_terraform_init_here_is_not_called_undeployed(capsys, tmp_path):
    # A fresh checkout, or cdktf.out removed: the state file is there, `.terraform` is not. Used to say
    # "not deployed" and exit 0, even with --fail-on-warning.
    config = write_config(tmp_path)
    state_file = _local_state_of(config, "prod")
    state_file.parent.mkdir(parents=True)
    state_file.write_text('{"version": 4, "serial": 3, "resources": []}')
    args = ["status", "--config", str(config), "--output", str(tmp_path / "cdktf.out"), "--fail-on-warning"]
    code, out, err = run_cli(capsys, *args)
    rows = {line.split()[0]: line for line in out.splitlines()[1:3]}
    assert code == 3
    assert rows["staging"].split()[1:3] == ["not", "deployed"]  # no state file: known not to be deployed
    assert rows["prod"].split()[1:4] == ["not", "initialized", "here"]
    assert str(state_file) in err and f"terraform -chdir={tmp_path / 'cdktf.out' / 'stacks' / 'prod'} init" in err
    assert "mlops-cicd synth" in err and "Traceback" not in err
    code, report = run_json(capsys, *args, "--json")
    stacks = {s["name"]: s for s in report["stacks"]}
    assert code == 3 and stacks["staging"]["deployed"] is False and stacks["staging"]["unread"] is None
    assert stacks["prod"]["deployed"] is None and "init" in stacks["prod"]["unread"]["fix"]


def test_a_remote_backend_without_terraform_init_here_may_hold_a_state(capsys, tmp_path):
    config = write_config(tmp_path)
    text = config.read_text()
    config.write_text(text.replace('[environments.backend]\ntype = "local"\n',
                                   '[environments.backend]\ntype = "s3"\nbucket = "acme-tfstate"\nregion = "us-east-1"\n', 1))
    code, report = run_json(capsys, "status", "staging", "--config", str(config), "--output", str(tmp_path / "out"), "--json")
    (stack,) = report["stacks"]
    assert code == 3 and stack["deployed"] is None and "s3 backend may hold a state" in stack["unread"]["message"]


def test_state_from_before_a_provider_upgrade_is_named_with_the_command_that_rewrites_it(tmp_path, monkeypatch):
    """After `init -upgrade` to a provider whose resource schema version went up (CDKTF -> CDK Terrain: github 6.12
    raised github_repository_environment to 1), terraform's `show` refuses the state until an apply rewrites it."""
    from mlops_cicd.errors import UserError
    from mlops_cicd.operations.terraform import show_state

    fake = tmp_path / "bin" / "terraform"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'Error: Failed to marshal state to json: schema version 0 for "
                    "github_repository_environment.env in state does not match version 1 from the provider' >&2\n"
                    "exit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}:{os.environ['PATH']}")
    stack = tmp_path / "staging"
    (stack / ".terraform").mkdir(parents=True)
    with pytest.raises(UserError) as caught:
        show_state(stack)
    assert "does not match version 1 from the provider" in str(caught.value)
    assert caught.value.fix.startswith("the providers were upgraded and the state not rewritten yet: run "
                                       f"`terraform -chdir={stack} apply -refresh-only`")
