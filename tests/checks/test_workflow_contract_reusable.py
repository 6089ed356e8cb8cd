"""Review of issue 11 (`check --workflows`, MLOPS017): a secret the stacks write to GitHub environment `prod` only,
handed by a calling job to a reusable workflow through an explicit `secrets:` mapping, reaches it empty (a calling job
has no environment; GitHub gives the called job its own environment's secret only under the same name: docs,
"Reusing workflows", "Environment secrets cannot be passed from the caller workflow"). Found by a review: the
check used to skip the caller's `secrets:` entirely."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from helpers import shipped_raw
from mlops_cicd.checks import run_checks
from mlops_cicd.checks.github_writes import repository_to_check
from mlops_cicd.config import parse_config
from mlops_cicd.workflow_files import read_workflows


def findings(documents: dict, files: dict[str, str], tmp_path: Path) -> set[tuple[str, str, str]]:
    folder = tmp_path / "workflows"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text)
    read = read_workflows(folder, None)
    read = replace(read, repository=repository_to_check(documents.values(), None))
    report = run_checks(parse_config(shipped_raw()), documents, {}, workflows=read)
    return {(f.check_id, f.severity, f.stack) for f in report.findings if f.check_id in {"MLOPS017", "MLOPS019"}}


CALLER = ("on: {push: {branches: [release]}}\njobs:\n  deploy:\n    uses: %s\n"
          "    secrets:\n      databricks_token: ${{ secrets.PROD_WORKSPACE_TOKEN }}\n")
CALLED = ("on:\n  workflow_call:\n    secrets:\n      databricks_token: {required: true}\njobs:\n  prod:\n"
          "    runs-on: ubuntu-latest\n    environment: prod\n    steps:\n"
          "      - run: databricks bundle deploy -t prod\n        env: {DATABRICKS_TOKEN: '${{ secrets.databricks_token }}'}\n")


def test_an_environment_secret_passed_under_another_name_to_a_local_reusable_workflow_is_flagged(default_stacks,
                                                                                                 tmp_path):
    files = {"release.yml": CALLER % "./.github/workflows/deploy.yml", "deploy.yml": CALLED}
    assert ("MLOPS017", "error", "prod") in findings(default_stacks, files, tmp_path)


def test_an_environment_secret_passed_to_another_repositorys_reusable_workflow_is_flagged(default_stacks, tmp_path):
    files = {"release.yml": CALLER % "acme/shared-workflows/.github/workflows/deploy.yml@v1"}
    assert ("MLOPS017", "error", "prod") in findings(default_stacks, files, tmp_path)


def test_an_environment_secret_passed_under_its_own_name_to_a_job_of_its_environment_is_fine(default_stacks, tmp_path):
    caller = CALLER.replace("databricks_token: ${{ secrets.PROD_WORKSPACE_TOKEN }}",
                            "PROD_WORKSPACE_TOKEN: ${{ secrets.PROD_WORKSPACE_TOKEN }}")
    called = CALLED.replace("databricks_token: {required: true}", "PROD_WORKSPACE_TOKEN: {required: true}").replace(
        "secrets.databricks_token", "secrets.PROD_WORKSPACE_TOKEN")
    files = {"release.yml": caller % "./.github/workflows/deploy.yml", "deploy.yml": called}
    assert ("MLOPS017", "error", "prod") not in findings(default_stacks, files, tmp_path)
