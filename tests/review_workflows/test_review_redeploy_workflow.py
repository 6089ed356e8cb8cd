"""Review of issue 11 (scheduled re-deploy workflow): defects shown as strict xfails asserting the correct behaviour.
Each reads the workflow as generated (the example platform repository's file, which test_redeploy_workflow.py keeps
identical to what `mlops-cicd workflow` writes) or calls the generator directly."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from helpers import ROOT
from mlops_cicd.errors import UserError
from mlops_cicd.operations.preflight import preflight
from mlops_cicd.operations.redeploy_workflow import StackTarget, workflow_text

EXAMPLE = ROOT / "examples" / "platform" / ".github" / "workflows" / "mlops-cicd-redeploy.yml"
MATRIX_LIMIT = 256
"""GitHub: "A matrix will generate a maximum of 256 jobs per workflow run" (docs, jobs.<job_id>.strategy.matrix)."""


def example() -> dict:
    return yaml.safe_load(EXAMPLE.read_text())


@pytest.mark.xfail(strict=True, raises=AssertionError, reason=(
    "the OIDC deploy job sets no DATABRICKS_TOKEN_AUDIENCE: the workspace provider then asks GitHub for a token "
    "whose audience is the workspace's token endpoint (databricks-sdk-go config/experimental/auth/oidc/"
    "tokensource.go determineAudience), which a federation policy with the default audience (the account id) "
    "refuses; constructs/oidc_federation.py sets it for the project's own jobs for exactly this reason"))
def test_the_oidc_deploy_job_states_the_token_audience_its_federation_policy_accepts():
    job = example()["jobs"]["redeploy-oidc"]
    assert "DATABRICKS_TOKEN_AUDIENCE" in job["env"]


@pytest.mark.xfail(strict=True, raises=AssertionError, reason=(
    "job-level env hands the deployer's admin credentials (DATABRICKS_*, DEPLOYER_GITHUB_TOKEN, backend keys, "
    "TF_VAR_*) to every step, among them `pip install -r requirements.txt` and `npm ci`, whose install scripts "
    "(any transitive package) can read and send them"))
def test_the_install_step_never_sees_the_deployers_secrets():
    for job_id in ("redeploy", "redeploy-oidc"):
        job = example()["jobs"][job_id]
        for step in job["steps"]:
            if "pip install" not in step.get("run", ""):
                continue
            visible = {**job.get("env", {}), **step.get("env", {})}
            assert not [name for name, value in visible.items() if "secrets." in str(value)], job_id


def _target(n: int) -> StackTarget:
    return StackTarget(name=f"p{n}-prod", environment=f"mlops-cicd-p{n}-prod", oidc=False,
                       secrets=("TF_VAR_git_read_token",))


@pytest.mark.xfail(strict=True, raises=AssertionError, reason=(
    "more than 256 stacks of one credential kind go into one matrix: GitHub refuses the run at the matrix "
    "(max 256 jobs), so no stack is re-deployed; nothing refuses or splits it when generating"))
def test_a_fleet_beyond_githubs_matrix_limit_is_refused_or_split():
    targets = [_target(n) for n in range(MATRIX_LIMIT + 1)]
    try:
        text = workflow_text(targets, config="mlops-cicd.toml")
    except UserError:
        return  # refusing, with the fix, is correct too
    document = yaml.safe_load(text)
    select = document["jobs"]["stacks"]["steps"][0]["env"]
    for key, value in select.items():
        if key.endswith("_STACKS"):
            assert len(yaml.safe_load(value)) <= MATRIX_LIMIT, key


@pytest.mark.xfail(strict=True, raises=AssertionError, reason=(
    "in a GitHub Actions job whose environment lacks DEPLOYER_GITHUB_TOKEN, GITHUB_TOKEN is empty and `gh` (on every "
    "hosted runner) has no login: the github provider falls back to anonymous mode (integrations/"
    "terraform-provider-github github/provider.go providerConfigure + tokenFromGhCli returns \"\" on error), yet "
    "preflight only warns, so the job goes on to plan"))
def test_preflight_in_a_github_actions_job_fails_without_the_deployers_github_token(default_stacks, tmp_path):
    gh = tmp_path / "bin" / "gh"
    gh.parent.mkdir()
    gh.write_text("#!/bin/sh\necho 'no oauth token' >&2\nexit 1\n")
    gh.chmod(0o755)
    environ = {"GITHUB_ACTIONS": "true", "GITHUB_TOKEN": "", "DATABRICKS_TOKEN": "x", "PATH": str(gh.parent),
               "TF_VAR_git_read_token": "x", "TF_VAR_trigger_workflows_github_token": "x",
               "TF_CLI_CONFIG_FILE": ""}
    found = preflight(default_stacks["prod"], environ, home=tmp_path, registry_url="http://127.0.0.1:9/")
    github = [r for r in found if r.what == "GitHub deployer"]
    assert github and github[0].severity == "error"
