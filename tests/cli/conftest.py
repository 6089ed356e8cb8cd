"""The CLI tests' shared offline rehearsal: one `mlops-cicd rehearse` of the shipped configuration per test
session (per pytest-xdist worker: the modules using it carry `xdist_group("cli-rehearsal")`, so one worker runs
them all and rehearses once)."""

from __future__ import annotations

import contextlib
import io
import json
import shutil

import pytest

from mlops_cicd.cli import main

from helpers import shared
from helpers.cli import write_config


@pytest.fixture(scope=shared("session"))
def rehearsed(tmp_path_factory):
    """`mlops-cicd rehearse --json` of the shipped config: (JSON report, config path, rehearsal dir)."""
    root = tmp_path_factory.mktemp("rehearsal")
    config, directory = write_config(root), root / "rehearsal"
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["rehearse", "--json", "--config", str(config), "--rehearsal-dir", str(directory),
                     "--output", str(root / "cdktf.out")])
    assert code == 0, err.getvalue()
    return json.loads(out.getvalue()), config, directory


@pytest.fixture
def rehearsal(rehearsed, tmp_path):
    """The session's rehearsal, restored after the test: state, work dirs and emulated world as rehearsed.
    Restored in place, as the work dirs' backend paths and the dummy variables' seed are absolute paths."""
    directory = rehearsed[2]
    saved = tmp_path / "saved-rehearsal"
    shutil.copytree(directory, saved, symlinks=True)
    yield rehearsed
    shutil.rmtree(directory)
    shutil.copytree(saved, directory, symlinks=True)
