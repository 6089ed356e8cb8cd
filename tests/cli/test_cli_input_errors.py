"""Bad input, on the command line (exit 2) or in the configuration file (exit 4): one error naming the input and
its fix, no traceback, nothing written. (Each of these used to end as exit 3 "unexpected ... report it".)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlops_cicd.operations.synthesis import building
from mlops_cicd.errors import EXIT_CONFIG_ERROR, EXIT_USAGE, UserError

from helpers import SHIPPED_CONFIG
from helpers.cli import REVIEWERS_BLOCK, run_cli, show_json, write_config


def input_error(capsys, *argv: str, code: int = EXIT_USAGE) -> str:
    """stderr of a command that must fail as bad input (`code`), no traceback, not an 'unexpected' error."""
    exited, out, err = run_cli(capsys, *argv)
    assert exited == code, err
    assert "Traceback" not in err and "unexpected" not in err and "report it" not in err
    return err


def error_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if not line.startswith("mlops-cicd: synthesizing")]


# --- the configuration file ----------------------------------------------------------------------------

def test_non_utf8_config_file(capsys, tmp_path):
    config = tmp_path / "latin1.toml"
    config.write_bytes(SHIPPED_CONFIG.read_bytes() + "# r\u00e9sum\u00e9\n".encode("latin-1"))
    out = tmp_path / "out"
    err = input_error(capsys, "--config", str(config), "synth", "--output", str(out), code=EXIT_CONFIG_ERROR)
    assert f"{config}: 1 problem; nothing was synthesized:" in err
    assert "(file): is not UTF-8 text (byte 0xe9 at offset" in err and "save it as UTF-8" in err
    assert not out.exists()


def test_config_naming_a_directory(capsys, tmp_path):
    err = input_error(capsys, "check", "--config", str(tmp_path), code=EXIT_CONFIG_ERROR)
    assert f"(file): is a directory; pass the configuration file itself, e.g. --config {tmp_path / 'mlops-cicd.toml'}" in err


# --- --output --------------------------------------------------------------------------------------------

def test_output_naming_a_file(capsys, tmp_path):
    target = tmp_path / "cdktf.out"
    target.write_text("not a directory")
    err = input_error(capsys, "synth", "--config", str(write_config(tmp_path)), "--output", str(target))
    assert error_lines(err) == [f"mlops-cicd: error: --output {target} is a file, not a directory",
                                "  fix: name a directory (it is created if missing), e.g. --output cdktf.out"]
    assert target.read_text() == "not a directory"


def test_output_inside_a_file(capsys, tmp_path):
    (tmp_path / "file").write_text("x")
    err = input_error(capsys, "synth", "--config", str(write_config(tmp_path)), "--output", str(tmp_path / "file" / "out"))
    assert f"--output {tmp_path / 'file' / 'out'} is inside {tmp_path / 'file'}, which is a file" in err


def test_output_in_an_unwritable_place(capsys, tmp_path):
    # /proc refuses new files even to root (a chmod'ed directory would not stop root)
    err = input_error(capsys, "synth", "--config", str(write_config(tmp_path)), "--output", "/proc/mlops-cicd-out")
    assert "--output /proc/mlops-cicd-out cannot be written (/proc:" in err
    assert "fix: choose a directory this user can write for --output" in err
    assert not Path("/proc/mlops-cicd-out").exists()


def test_rehearsal_dir_naming_a_file_fails_before_synthesizing(capsys, tmp_path):
    (tmp_path / "rehearsal").write_text("x")
    out = tmp_path / "out"
    err = input_error(capsys, "rehearse", "--config", str(write_config(tmp_path)), "--output", str(out),
                      "--rehearsal-dir", str(tmp_path / "rehearsal"))
    assert f"--rehearsal-dir {tmp_path / 'rehearsal'} is a file, not a directory" in err
    assert not out.exists() and "synthesizing" not in err


# --- a reviewer list that used to pass validation and then fail while building the stacks -----------------

@pytest.mark.parametrize("users, field, words", [
    ('["a1", "a2", "a3", "a4", "a5", "a6", "a7"]', "environments[prod].github_environment.reviewers", "at most 6"),
    ('["mona", "octo", "Mona"]', "environments[prod].github_environment.reviewers.users", "reviewers.users[2] repeat(s)"),
])
def test_reviewer_list_is_refused_before_the_build(capsys, tmp_path, users, field, words):
    config = write_config(tmp_path)
    config.write_text(config.read_text().replace(REVIEWERS_BLOCK, f"[environments.github_environment.reviewers]\nusers = {users}\n"))
    out = tmp_path / "out"
    err = input_error(capsys, "synth", "--config", str(config), "--output", str(out), code=EXIT_CONFIG_ERROR)
    assert f"  - {field}: " in err and words in err
    assert not out.exists()


def test_a_construct_refusing_a_value_becomes_a_configuration_error():
    with pytest.raises(UserError) as caught, building("my.toml"):
        raise ValueError("GitHubDeploymentEnvironment: reviewer_users has 7 entries")
    assert (str(caught.value), caught.value.fix, caught.value.exit_code) == (
        "my.toml: the stacks cannot be built: GitHubDeploymentEnvironment: reviewer_users has 7 entries",
        "correct the setting it names in my.toml", EXIT_CONFIG_ERROR)
    with pytest.raises(UserError) as caught, building("my.toml"):
        raise RuntimeError("There is already a Construct with name 'reviewer_user_a_b' in GitHubDeploymentEnvironment")
    assert "two settings give one Terraform address" in str(caught.value) and caught.value.exit_code == EXIT_CONFIG_ERROR
    with pytest.raises(RuntimeError), building("my.toml"):
        raise RuntimeError("node crashed")  # not the configuration's fault: stays unexpected


# --- status arguments -----------------------------------------------------------------------------------

def _status(tmp_path, *extra: str) -> list[str]:
    return ["status", "--config", str(write_config(tmp_path)), "--output", str(tmp_path / "none"), *extra]


def _saved(tmp_path, name: str, content) -> Path:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def test_status_now_that_is_not_a_time(capsys, tmp_path):
    state = _saved(tmp_path, "s.json", show_json())
    err = input_error(capsys, *_status(tmp_path, "--from-json", f"staging={state}", "--now", "next tuesday"))
    assert error_lines(err) == ["mlops-cicd: error: --now next tuesday is not an ISO-8601 time",
                                "  fix: e.g. --now 2026-03-01T00:00:00Z"]


NOT_A_STATE = "is not `terraform show -json` output: "


@pytest.mark.parametrize("content, words", [
    ("[1, 2]", NOT_A_STATE + "its top level is not a JSON object"),
    ({"values": {"root_module": {"resources": [1]}}}, NOT_A_STATE + "a resource is not an object with `address`, `type` and `values`"),
    ({"values": []}, None),  # an empty state in another spelling: accepted
    ({"values": ["x"]}, NOT_A_STATE + "its `values` is not an object"),
    ({"values": {"root_module": {"child_modules": {"a": 1}}}}, NOT_A_STATE + "a module is not an object"),
    ('{"values": ', "is not JSON (Expecting value at line 1, column 12)"),
])
def test_status_from_json_that_is_not_a_state(capsys, tmp_path, content, words):
    state = _saved(tmp_path, "s.json", content)
    args = _status(tmp_path, "--from-json", f"staging={state}")
    if words is None:
        assert run_cli(capsys, *args)[0] == 0
        return
    err = input_error(capsys, *args)
    assert f"mlops-cicd: error: --from-json staging={state}: {state} {words}" in err
    assert "fix: save it with `terraform -chdir=<output>/stacks/<stack> show -json > <stack>-state.json`" in err


def test_status_from_json_naming_a_directory_or_nothing(capsys, tmp_path):
    err = input_error(capsys, *_status(tmp_path, "--from-json", f"staging={tmp_path}"))
    assert f"{tmp_path} is a directory, not a file" in err
    err = input_error(capsys, *_status(tmp_path, "--from-json", f"staging={tmp_path / 'nope.json'}"))
    assert "nope.json does not exist" in err


def test_status_from_json_stacks_must_be_configured_once(capsys, tmp_path):
    state = _saved(tmp_path, "s.json", show_json())
    err = input_error(capsys, *_status(tmp_path, "--from-json", f"qa={state}"))
    assert "qa is not a configured environment" in err and "use one of: staging, prod" in err
    err = input_error(capsys, *_status(tmp_path, "--from-json", f"staging={state}", "--from-json", f"staging={state}"))
    assert "staging is given twice" in err
    err = input_error(capsys, *_status(tmp_path, "prod", "--from-json", f"staging={state}"))
    assert "ENV arguments (prod) and the --from-json environments differ" in err
    assert run_cli(capsys, *_status(tmp_path, "staging", "--from-json", f"staging={state}"))[0] == 0


@pytest.mark.parametrize("command", [["status", "staging"], ["rotate", "staging"], ["check"]])
def test_output_to_read_naming_a_file(capsys, tmp_path, command):
    output = _saved(tmp_path, "cdktf.out", "x")
    err = input_error(capsys, *command, "--config", str(write_config(tmp_path)), "--output", str(output))
    assert f"--output {output} is a file, not a directory" in err


# --- no secret in any error ----------------------------------------------------------------------------

def test_a_tf_var_value_given_on_the_command_line_is_not_echoed(capsys, tmp_path, monkeypatch):
    secret = "my-trigger-token-value"
    monkeypatch.setenv("TF_VAR_trigger_workflows_github_token", secret)
    err = input_error(capsys, *_status(tmp_path, "--from-json", f"{secret}=x.json"))
    assert secret not in err and "(not shown" in err
