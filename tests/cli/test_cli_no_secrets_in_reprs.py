"""Values that may be secret stay out of reprs and error messages."""

from __future__ import annotations

from mlops_cicd.checks.model import Synthesis
from mlops_cicd.operations.credential_state import StackState
from mlops_cicd.operations.terraform import failure_summary

from helpers.cli import show_json


def test_synthesis_keeps_only_tf_var_values_and_never_shows_them(monkeypatch):
    synthesis = Synthesis(config=None, stacks=(), environ={"TF_VAR_git_read_token": "ghp_secret-value",
                                                           "GITHUB_TOKEN": "ghp_other", "HOME": "/home/me"})
    assert dict(synthesis.environ) == {"TF_VAR_git_read_token": "ghp_secret-value"}
    assert "ghp_" not in repr(synthesis)


def test_stack_state_repr_leaves_out_the_state():
    state = StackState("staging", show_json())
    assert "staging" in repr(state) and "token_value" not in repr(state)


def test_failure_summary_is_the_error_line_or_the_exit_code_never_other_output():
    framed = "│ Error: Failed to get existing workspaces\n│ \n│ more detail\n"
    assert failure_summary(framed, 1) == "Error: Failed to get existing workspaces"
    assert failure_summary("password=hunter2 in the last line\n", 3) == \
        "terraform exited 3; run it by hand to see why"
    assert failure_summary("", 1) == "terraform exited 1; run it by hand to see why"
