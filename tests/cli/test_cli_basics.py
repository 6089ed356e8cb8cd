"""The command line as a whole: entry point, --help on every command, readable errors."""

from __future__ import annotations

import tomllib
from importlib import import_module

import pytest

from mlops_cicd.cli import build_parser, main

from helpers import ROOT
from helpers.cli import run_cli



def _command_names() -> list[str]:
    (commands,) = [a for a in build_parser()._actions if a.dest == "command"]
    return sorted(commands.choices)


def test_console_script_points_at_main():
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    module, _, name = scripts["mlops-cicd"].partition(":")
    assert getattr(import_module(module), name) is main


def test_every_promised_command_exists():
    assert {"synth", "check", "rehearse", "status", "rotate"} <= set(_command_names())


@pytest.mark.parametrize("command", [None, *_command_names()])
def test_help_on_every_command(capsys, command):
    with pytest.raises(SystemExit) as exited:
        main(["--help"] if command is None else [command, "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: mlops-cicd{'' if command is None else ' ' + command}")


def test_missing_config_is_one_line_with_the_fix_and_no_traceback(capsys, tmp_path):
    code, _, err = run_cli(capsys, "check", "--config", str(tmp_path / "missing.toml"))
    assert code == 4
    assert "missing.toml" in err and "--config" in err and "Traceback" not in err


def test_readme_documents_every_command_and_every_exit_code():
    from mlops_cicd import errors

    text = (ROOT / "README.md").read_text()
    section = text[text.index("## Operating it"):text.index("## Rehearsing a deploy offline")]
    assert [name for name in _command_names() if f"| `mlops-cicd {name}" not in section] == []
    codes = {value for name, value in vars(errors).items() if name.startswith("EXIT_")}
    assert codes == {int(line.split("|")[1]) for line in section.splitlines()
                     if line.startswith("| ") and line.split("|")[1].strip().isdigit()}
