"""`mlops-cicd status --html FILE`: the status document (mlops_cicd/operations/status.py) as one self-contained
HTML page, a timeline of every credential with the table of the same data. It shows only what the status
document holds (no value from state beyond it), every piece of it escaped."""

from __future__ import annotations

from pathlib import Path

from ..errors import usage_error
from .page import render_html

__all__ = ["render_html", "check_html_target", "write_html"]

FIX = "name a file in an existing, writable directory, e.g. --html fleet-report.html"


def check_html_target(file: str | Path) -> None:
    """Fail before any slow step when `file` cannot be the report file."""
    path = Path(file)
    if path.is_dir():
        raise usage_error(f"--html {path} is a directory", FIX)
    if not path.parent.is_dir():
        raise usage_error(f"--html {path}: its directory {path.parent} does not exist", FIX)


def write_html(file: str | Path, document: dict) -> None:
    path = Path(file)
    try:
        path.write_text(render_html(document), encoding="utf-8")
    except OSError as error:
        raise usage_error(f"--html {path} cannot be written ({error.strerror or type(error).__name__})", FIX) from None
