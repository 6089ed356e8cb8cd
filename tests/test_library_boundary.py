"""The library never imports the offline emulator: a user who installs it gets no test double loaded."""

from __future__ import annotations

import subprocess
import sys


def test_library_modules_do_not_load_the_emulator():
    probe = ("import sys, mlops_cicd.cli, mlops_cicd.constructs, mlops_cicd.checks, mlops_cicd.app, "
             "mlops_cicd.commands.status, mlops_cicd.commands.rotate; "
             "print(sorted(m for m in sys.modules if m.startswith('mlops_cicd_offline')))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
