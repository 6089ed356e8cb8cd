"""The README's commands are the Makefile's: `make test` runs every test (CI calls it), `make test-fast`
leaves out exactly the terraform and slow tests, and every `make` target the README names exists."""

from __future__ import annotations

import re
import shlex
import subprocess

from helpers import ROOT


def recipe(target: str) -> list[str]:
    """The commands `make <target>` would run (dry run; set-up already done counts as done)."""
    out = subprocess.run(["make", "-n", "--no-print-directory", target], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    return [line for line in out.splitlines() if "pytest" in line or "mlops-cicd" in line]


def test_every_make_target_the_readme_names_exists():
    targets = set(re.findall(r"^([a-z][\w-]*):", (ROOT / "Makefile").read_text(), re.M))
    named = set(re.findall(r"`make ([a-z][\w-]*)", (ROOT / "README.md").read_text())) | \
        set(re.findall(r"^make ([a-z][\w-]*)", (ROOT / "README.md").read_text(), re.M))
    assert {"rehearse", "test", "test-fast", "synth", "bench"} <= named
    assert named <= targets, f"README names make targets the Makefile lacks: {sorted(named - targets)}"


def test_make_test_runs_every_test_and_ci_calls_it():
    [command] = recipe("test")
    argv = shlex.split(command)
    assert argv[1:3] == ["-m", "pytest"] and "-m" not in argv[3:] and "-k" not in argv[3:]
    assert "make test" in (ROOT / ".ci" / "run").read_text().splitlines()


def test_make_test_fast_leaves_out_only_terraform_and_slow_tests():
    [command] = recipe("test-fast")
    argv = shlex.split(command)
    assert argv[argv.index("-m", 3) + 1] == "not terraform and not slow"


def test_make_rehearse_rehearses_then_prints_the_status_table():
    commands = [shlex.split(line, comments=True)[1:3] for line in recipe("rehearse")]
    assert commands == [["rehearse"], ["status", "--rehearsal"]]
