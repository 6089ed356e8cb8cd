"""`mlops-cicd rotate` outside a rehearsal: refuses clearly when the stack cannot be rotated from here."""

from __future__ import annotations

from .cli_helpers import run_cli, write_config


def test_rotate_of_a_never_deployed_stack_is_one_line_with_the_fix(capsys, tmp_path):
    code, _, err = run_cli(capsys, "rotate", "staging", "--config", str(write_config(tmp_path)),
                           "--outdir", str(tmp_path / "out"))
    assert code == 3
    assert "has not been initialized" in err and "fix: deploy it first (`cdktf deploy staging`)" in err
    assert "Traceback" not in err


def test_rotate_unknown_environment_exits_2(capsys, tmp_path):
    code, _, err = run_cli(capsys, "rotate", "qa", "--config", str(write_config(tmp_path)))
    assert code == 2 and "unknown environment(s): qa" in err and "staging, prod" in err
