"""A stand-in provider starts on the emulator alone: Terraform launches several per command, so start-up must not
load the mlops_cicd library, cdktf or jsii (they take seconds). The launcher is run the way the mirror runs it
(as a script, from another working directory)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import mlops_cicd_offline.build.launcher

LAUNCHER = Path(mlops_cicd_offline.build.launcher.__file__)
HEAVY = ("mlops_cicd", "cdktf", "jsii", "constructs", "pydantic")

# Runs the launcher as __main__ (as `python launcher.py ...` does) without the magic cookie Terraform sets: the
# plugin imports everything, then refuses to serve; the modules it loaded are printed.
PROBE = """
import json, os, runpy, sys
os.environ.pop("TF_PLUGIN_MAGIC_COOKIE", None)
sys.argv = [{launcher!r}, "time", {build!r}, "0.0.0"]
try:
    runpy.run_path(sys.argv[0], run_name="__main__")
except SystemExit as refused:
    print(json.dumps({{"exit": refused.code, "modules": sorted(sys.modules)}}))
"""


def test_plugin_start_up_loads_neither_the_library_nor_cdktf(tmp_path):
    probe = PROBE.format(launcher=str(LAUNCHER), build=str(tmp_path / "no-build"))
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["exit"] == 1 and "This is a Terraform provider plugin" in done.stderr
    assert "mlops_cicd_offline.server.plugin" in report["modules"]  # the plugin was imported, then refused
    loaded = [m for m in report["modules"] if m.split(".")[0] in HEAVY]
    assert loaded == []
