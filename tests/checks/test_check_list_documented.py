"""The README's checks table lists every check with its severity, as `mlops-cicd check --list` does."""

from __future__ import annotations

import re
from helpers import ROOT
from mlops_cicd.checks import CHECKS

README = ROOT / "README.md"


def test_every_check_is_in_the_readme_with_its_severity():
    rows = dict(re.findall(r"^\| (MLOPS\d{3}) \| (error|warning) \|", README.read_text(), re.M))
    assert rows == {check.id: check.severity for check in CHECKS}
