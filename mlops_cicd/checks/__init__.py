"""Synth-time guard rails (README, "Checks at every synth"): checks over the synthesized JSON of every stack.

They run on the JSON rather than as cdktf Aspects so that `App.synth()`, `mlops-cicd check` and tests
behave the same (cdktf's Testing.synth ignores Annotations errors). Suppress one in the config:
`[[checks.suppress]]` with `id`, `reason` (printed on every run) and optionally `environment` and `resource`
(a Terraform address glob). Stacks composed in other code: `check_synthesized(app)`.
"""

from .model import Check, Finding, Severity
from .registry import CHECK_IDS, CHECKS
from .report import Report, as_json, render_text
from .run import ChecksFailed, check_synthesized, enforce, run_checks

__all__ = [
    "CHECKS", "CHECK_IDS", "Check", "ChecksFailed", "Finding", "Report", "Severity",
    "as_json", "check_synthesized", "enforce", "render_text", "run_checks",
]
