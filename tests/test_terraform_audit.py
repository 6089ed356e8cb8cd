"""The audit behind `make test-fast`: a test that launches terraform without the `terraform` marker fails."""

from __future__ import annotations

import pytest

from helpers import ROOT

INNER_TESTS = '''
import subprocess
import pytest

def run_terraform():
    subprocess.run(["terraform", "fmt", "-help"], check=True, capture_output=True)

def probe_version():
    subprocess.run(["terraform", "version"], check=True, capture_output=True)

def test_unmarked_runs_terraform():
    run_terraform()

@pytest.mark.terraform
def test_marked_runs_terraform():
    run_terraform()

@pytest.fixture
def deployed():
    run_terraform()

def test_unmarked_fixture_runs_terraform(deployed):
    pass

def test_no_terraform():
    pass

def test_only_a_version_probe():
    probe_version()
'''


@pytest.mark.terraform  # its inner tests run terraform
def test_only_tests_that_launch_terraform_unmarked_fail(pytester, monkeypatch):
    pytester.makepyfile(test_inner=INNER_TESTS)
    pytester.makeini("[pytest]\nmarkers =\n    terraform: runs terraform\n")
    monkeypatch.setenv("PYTHONPATH", str(ROOT / "tests"))
    result = pytester.runpytest_subprocess("-p", "helpers.terraform_audit", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=5, errors=2)  # a version probe alone (cdktf's) is not a run
    errors = sorted(line.split(" - ")[0] for line in result.outlines if line.startswith("ERROR "))
    assert errors == ["ERROR test_inner.py::test_unmarked_fixture_runs_terraform",
                      "ERROR test_inner.py::test_unmarked_runs_terraform"], result.outlines
    result.stdout.fnmatch_lines(["*test_unmarked_runs_terraform launched terraform 1 time(s) without "
                                 "@pytest.mark.terraform*terraform fmt -help*"])
