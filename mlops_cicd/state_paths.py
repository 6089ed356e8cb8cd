"""Where a stack's local state file lives (no cdktf here: `mlops-cicd status` needs the path without the slow
jsii start-up; `stacks/backends.py` writes it into the backend)."""

from __future__ import annotations

from pathlib import Path

LOCAL_STATE_DIR = Path(".mlops-cicd") / "state"
"""Default home of local state, relative to the configuration file's directory: outside every generated
directory, so `make clean` and a re-synth never touch it."""


def previous_local_state_path(base_dir: str | Path, environment: str) -> Path:
    """Where earlier versions kept a stack's local state by default: without the project, so two
    configuration files in one directory shared it (`local_state` moves it to the project's place)."""
    return (Path(base_dir) / LOCAL_STATE_DIR / f"{environment}.tfstate").resolve()


def local_state_path(base_dir: str | Path, project: str, environment: str, configured: str | None = None) -> Path:
    """The absolute path of a stack's local state: `configured` (a relative one is relative to `base_dir`,
    the configuration file's directory) or `<base_dir>/.mlops-cicd/state/<project>/<environment>.tfstate`:
    the project in the path, since several configuration files may share one directory.

    Absolute in the synthesized JSON: Terraform resolves a relative path in the directory it runs in,
    `<outdir>/stacks/<environment>`, which `make clean` and `cdktf` delete."""
    path = Path(configured).expanduser() if configured else LOCAL_STATE_DIR / project / f"{environment}.tfstate"
    return (Path(base_dir) / path).resolve()
