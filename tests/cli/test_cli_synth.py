"""`mlops-cicd synth`: writes the stacks when the checks pass, nothing when one fails."""

from __future__ import annotations

from helpers.cli import run_cli, write_config


def test_synth_writes_every_stack_and_summarizes(capsys, tmp_path):
    out_dir = tmp_path / "out"
    code, out, err = run_cli(capsys, "synth", "--config", str(write_config(tmp_path)), "--output", str(out_dir))
    assert code == 0
    assert (out_dir / "stacks" / "staging" / "cdk.tf.json").exists() and (out_dir / "stacks" / "prod" / "cdk.tf.json").exists()
    assert "stack prod:" in out and "synthesizing 2 stack(s)" in err


def test_synth_with_a_check_error_exits_1_and_writes_nothing(capsys, tmp_path):
    out_dir = tmp_path / "out"
    code, _, err = run_cli(capsys, "--config", str(write_config(tmp_path, reviewers=False)), "synth", "--output", str(out_dir))
    assert code == 1
    assert not out_dir.exists()
    assert "error: MLOPS004 [prod]" in err
    assert "mlops-cicd: error: 1 check error(s) (MLOPS004); nothing was written" in err
    assert "Traceback" not in err


def test_cdktf_synth_hcl_is_refused_with_the_fix_before_anything_is_synthesized(capsys, tmp_path, monkeypatch):
    # `cdktf synth --hcl` sets SYNTH_HCL_OUTPUT=true for the app: the stacks used to come out as HCL, and
    # reading them as JSON then failed half-way.
    monkeypatch.setenv("SYNTH_HCL_OUTPUT", "true")
    out_dir = tmp_path / "out"
    code, _, err = run_cli(capsys, "synth", "--config", str(write_config(tmp_path)), "--output", str(out_dir))
    assert code == 2 and "--hcl" in err and "cdktf synth` without --hcl" in err and "Traceback" not in err
    assert not out_dir.exists()
    code, _, err = run_cli(capsys, "check", "--config", str(write_config(tmp_path)))
    assert code == 2 and "--hcl" in err
