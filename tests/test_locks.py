"""One command at a time per generated directory (an fcntl lock: a second one fails at once, a crashed one
leaves nothing stale), and each directory for one configuration file: `--config other.toml` never
replaces the stacks or the rehearsal of the project that made them."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from mlops_cicd.app import synth
from mlops_cicd.cli import main
from mlops_cicd.errors import UserError
from mlops_cicd.config import load_config

from helpers import ROOT

EXIT_OPERATION_FAILED = 3


@pytest.fixture
def project(tmp_path) -> Path:
    directory = tmp_path / "project"
    directory.mkdir()
    (directory / "mlops-cicd.toml").write_text((ROOT / "mlops-cicd.toml").read_text())
    return directory


@pytest.fixture
def other_project(tmp_path) -> Path:
    """Another project's configuration file, in a directory of its own."""
    directory = tmp_path / "other"
    directory.mkdir()
    (directory / "mlops-cicd.toml").write_text((ROOT / "mlops-cicd.toml").read_text().replace(
        'name = "mlops-demo-classifier"', 'name = "other-project"', 1))
    return directory


def synth_project(project: Path, outdir: Path | None = None) -> Path:
    return synth(load_config(project / "mlops-cicd.toml"), outdir or project / "cdktf.out")


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


HOLDER = """
import sys
from mlops_cicd.locks import exclusive
with exclusive(sys.argv[1], sys.argv[2]):
    print("held", flush=True)
    sys.stdin.read()
"""


@pytest.fixture
def lock_holder():
    """Start a process holding `exclusive(directory, command)`, as a running synth or rehearsal does."""
    started = []

    def hold(directory: Path, command: str) -> subprocess.Popen:
        process = subprocess.Popen([sys.executable, "-c", HOLDER, str(directory), command],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert process.stdout.readline().strip() == "held"
        started.append(process)
        return process

    yield hold
    for process in started:
        process.kill()
        process.wait()


def test_a_second_synth_fails_at_once_and_a_crashed_one_leaves_no_stale_lock(project, lock_holder):
    outdir = project / "cdktf.out"
    holder = lock_holder(outdir, "synth")

    with pytest.raises(UserError) as caught:
        synth_project(project)
    assert f"synth is already running on {outdir.resolve()} (pid {holder.pid})" in str(caught.value)
    assert "wait for it, or remove" in caught.value.fix and str(project / ".cdktf.out.lock") in caught.value.fix
    assert not outdir.exists()

    holder.send_signal(signal.SIGKILL)  # a crash: no clean-up runs
    holder.wait()
    synth_project(project)
    assert (outdir / "stacks" / "staging" / "cdk.tf.json").exists()


def test_another_configuration_does_not_replace_a_projects_stacks(project, other_project):
    outdir = synth_project(project)
    before = (outdir / "stacks" / "staging" / "cdk.tf.json").read_text()
    with pytest.raises(UserError) as caught:
        synth(load_config(other_project / "mlops-cicd.toml"), outdir)

    assert str((project / "mlops-cicd.toml").resolve()) in str(caught.value)
    assert "--output" in caught.value.fix
    assert (outdir / "stacks" / "staging" / "cdk.tf.json").read_text() == before


def test_a_second_rehearsal_fails_at_once_without_touching_anything(project, lock_holder, capsys, tmp_path):
    rehearsal, outdir = tmp_path / "rehearsal", tmp_path / "out"
    holder = lock_holder(rehearsal, "rehearse")
    code, _, err = run_cli(capsys, "rehearse", "--config", str(project / "mlops-cicd.toml"),
                           "--rehearsal-dir", str(rehearsal), "--output", str(outdir))
    assert code == EXIT_OPERATION_FAILED
    assert f"rehearse is already running on {rehearsal.resolve()} (pid {holder.pid})" in err
    assert f"remove {tmp_path / '.rehearsal.lock'} if no such process" in err
    assert not outdir.exists() and not rehearsal.exists()


def test_rehearsing_another_configuration_does_not_replace_a_projects_stacks(project, other_project, capsys, tmp_path):
    outdir = synth_project(project, tmp_path / "out")
    before = (outdir / "stacks" / "staging" / "cdk.tf.json").read_text()
    rehearsal = tmp_path / "rehearsal"
    code, _, err = run_cli(capsys, "rehearse", "--config", str(other_project / "mlops-cicd.toml"),
                           "--rehearsal-dir", str(rehearsal), "--output", str(outdir))
    assert code == EXIT_OPERATION_FAILED
    assert f"holds the stacks of {(project / 'mlops-cicd.toml').resolve()}" in err
    assert (outdir / "stacks" / "staging" / "cdk.tf.json").read_text() == before
    assert not rehearsal.exists()  # not claimed for the other configuration either


# --- rotate and status take the same locks ------------------------------------------------------------

def deployed(outdir: Path) -> Path:
    """An output directory whose staging stack looks deployed (initialized)."""
    stack = outdir / "stacks" / "staging"
    (stack / ".terraform").mkdir(parents=True)
    (stack / "cdk.tf.json").write_text('{"deployed": "before"}')
    return outdir


def test_rotate_in_a_rehearsal_fails_at_once_while_a_rehearsal_runs(project, lock_holder, capsys, tmp_path):
    """A rehearse starting over would wipe the emulated world under the rotation's apply."""
    rehearsal = tmp_path / "rehearsal"
    holder = lock_holder(rehearsal, "rehearse")
    code, _, err = run_cli(capsys, "rotate", "staging", "--rehearsal", "--config", str(project / "mlops-cicd.toml"),
                           "--rehearsal-dir", str(rehearsal))
    assert code == EXIT_OPERATION_FAILED
    assert f"rehearse is already running on {rehearsal.resolve()} (pid {holder.pid}); rotate did nothing" in err


def test_status_of_a_rehearsal_refuses_while_a_rehearsal_runs(project, lock_holder, capsys, tmp_path):
    rehearsal = tmp_path / "rehearsal"
    holder = lock_holder(rehearsal, "rehearse")
    code, _, err = run_cli(capsys, "status", "--rehearsal", "--config", str(project / "mlops-cicd.toml"),
                           "--rehearsal-dir", str(rehearsal))
    assert code == EXIT_OPERATION_FAILED
    assert f"rehearse is already running on {rehearsal.resolve()} (pid {holder.pid})" in err


def test_rotate_fails_at_once_while_a_synth_writes_the_output_directory(project, lock_holder, capsys, tmp_path):
    outdir = deployed(tmp_path / "out")
    holder = lock_holder(outdir, "synth")
    code, _, err = run_cli(capsys, "rotate", "staging", "--config", str(project / "mlops-cicd.toml"), "--output", str(outdir))
    assert code == EXIT_OPERATION_FAILED
    assert f"synth is already running on {outdir.resolve()} (pid {holder.pid}); rotate did nothing" in err
    assert (outdir / "stacks" / "staging" / "cdk.tf.json").read_text() == '{"deployed": "before"}'


def test_a_synth_while_a_rotate_runs_names_the_rotate(project, lock_holder):
    outdir = project / "cdktf.out"
    holder = lock_holder(outdir, "rotate")
    with pytest.raises(UserError) as caught:
        synth_project(project)
    assert f"rotate is already running on {outdir.resolve()} (pid {holder.pid}); synth did nothing" in str(caught.value)


def test_status_readers_run_together_but_no_writer_beside_them(tmp_path):
    from mlops_cicd.locks import exclusive, shared

    rehearsal = tmp_path / "rehearsal"
    with shared(rehearsal, "status"), shared(rehearsal, "status"):
        with pytest.raises(UserError) as caught:
            with exclusive(rehearsal, "rehearse"):
                pass
    assert "already running" in str(caught.value) and "rehearse did nothing" in str(caught.value)
    with exclusive(rehearsal, "rehearse"):  # released with the readers
        pass
