"""Synth-time guard rails (design.md section 5): checks over the synthesized JSON of every stack.

They run on the JSON rather than as cdktf Aspects so that `App.synth()`, `mlops-cicd check` and tests
behave the same (cdktf's Testing.synth ignores Annotations errors). Suppress one only in the config:
`[[checks.suppress]]` with `id`, `reason` (printed on every run) and optionally `environment`.
"""

from .model import Check, Finding, Severity
from .registry import CHECK_IDS, CHECKS
from .report import Report, as_json, render_text
from .run import ChecksFailed, enforce, load_documents, run_checks

__all__ = [
    "CHECKS", "CHECK_IDS", "Check", "ChecksFailed", "Finding", "Report", "Severity",
    "as_json", "enforce", "load_documents", "render_text", "run_checks",
]
