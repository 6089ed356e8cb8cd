"""MLOPS017-019: `check --workflows DIR` reports every job of the project's own workflows that reads a secret or
variable the stacks write but cannot receive it, with the fix (sample workflows: tests/fixtures/workflows/)."""

from __future__ import annotations

import copy
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from helpers import ROOT, env_of, shared, shipped_raw, synthesize
from mlops_cicd.checks import run_checks
from mlops_cicd.checks.github_writes import repository_to_check
from mlops_cicd.checks.workflow_contract import our_shape
from mlops_cicd.config import parse_config
from mlops_cicd.errors import EXIT_USAGE, UserError
from mlops_cicd.workflow_files import read_workflows

SAMPLES = ROOT / "tests" / "fixtures" / "workflows"
CONTRACT_IDS = {"MLOPS017", "MLOPS018", "MLOPS019"}
ACCOUNT = {"host": "https://accounts.cloud.databricks.com", "account_id": "0d26daa6-5e44-4c97-a497-ef015f91254a"}


def oidc_raw() -> dict:
    """The shipped configuration with prod in `oidc` mode (its variables are environment-level)."""
    raw = shipped_raw()
    raw["github"]["oidc_subject"] = "names"
    env_of(raw, "prod").update(credential_mode="oidc", account=ACCOUNT)
    return raw


@pytest.fixture(scope=shared("module"))
def oidc_stacks(tmp_path_factory) -> dict[str, dict]:
    return synthesize(oidc_raw(), tmp_path_factory.mktemp("oidc-synth"))


def workflows(tmp_path: Path, *samples: str, edit=lambda name, text: text, extra: dict[str, str] | None = None) -> Path:
    """A workflows folder holding copies of `samples` (each changed by `edit(name, text)`) and `extra` files."""
    folder = tmp_path / "workflows"
    folder.mkdir(exist_ok=True)
    for name in samples:
        (folder / name).write_text(edit(name, (SAMPLES / name).read_text()))
    for name, text in (extra or {}).items():
        (folder / name).write_text(text)
    return folder


def contract(documents: dict, folder: Path, raw: dict | None = None, repository: str | None = None):
    """The workflow contract's findings (id, severity, stack, address) and the findings themselves."""
    read = read_workflows(folder, None)
    read = replace(read, repository=repository_to_check(documents.values(), repository))
    report = run_checks(parse_config(raw or shipped_raw()), documents, {}, workflows=read)
    found = [f for f in report.findings if f.check_id in CONTRACT_IDS]
    return {(f.check_id, f.severity, f.stack, f.address) for f in found}, found


# --- MLOPS017: environment secrets reach only jobs of that environment -------------------------------------

def test_the_template_prod_cd_job_without_environment_is_flagged_with_the_fix(default_stacks, tmp_path):
    found, (finding,) = contract(default_stacks, workflows(tmp_path, "prod-cd.yml"))
    assert found == {("MLOPS017", "error", "prod", "prod-cd.yml.jobs.prod")}
    assert "secrets.PROD_WORKSPACE_TOKEN" in finding.message and "env.DATABRICKS_TOKEN (workflow level)" in finding.message
    assert "declares no environment" in finding.message
    assert finding.fix.startswith("add `environment: prod` to job 'prod' in prod-cd.yml")


@pytest.mark.parametrize("declaration", [
    "environment: prod",
    "environment: Prod",  # GitHub environment names are not case-sensitive
    "environment:\n      name: prod\n      url: https://example.com/prod",
])
def test_it_passes_once_the_job_declares_prod(default_stacks, tmp_path, declaration):
    add = lambda name, text: text.replace("    runs-on: ubuntu-latest\n", f"    {declaration}\n    runs-on: ubuntu-latest\n")
    assert contract(default_stacks, workflows(tmp_path, "prod-cd.yml", edit=add))[0] == set()


def test_a_job_of_another_environment_cannot_receive_it(default_stacks, tmp_path):
    add = lambda name, text: text.replace("    runs-on:", "    environment: staging\n    runs-on:")
    (finding,) = contract(default_stacks, workflows(tmp_path, "prod-cd.yml", edit=add))[1]
    assert finding.check_id == "MLOPS017" and "declares environment 'staging'" in finding.message


def test_an_expression_environment_is_a_warning_not_a_guess(default_stacks, tmp_path):
    add = lambda name, text: text.replace("    runs-on:", "    environment: ${{ inputs.target }}\n    runs-on:")
    found, (finding,) = contract(default_stacks, workflows(tmp_path, "prod-cd.yml", edit=add))
    assert found == {("MLOPS017", "warning", "prod", "prod-cd.yml.jobs.prod")}
    assert "${{ inputs.target }}" in finding.message and "unknown before the run" in finding.message


@pytest.mark.parametrize("read", [
    "${{ secrets['PROD_WORKSPACE_TOKEN'] }}", "${{ secrets.prod_workspace_token }}",
    "${{ format('{0}', secrets.PROD_WORKSPACE_TOKEN) }}",
])
def test_every_way_of_reading_it_is_found(default_stacks, tmp_path, read):
    quoted = lambda name, text: text.replace("${{ secrets.PROD_WORKSPACE_TOKEN }}", f'"{read}"')
    assert {f[0] for f in contract(default_stacks, workflows(tmp_path, "prod-cd.yml", edit=quoted))[0]} == {"MLOPS017"}


def test_a_condition_reads_without_braces(oidc_stacks, tmp_path):
    check = ("on: push\njobs:\n  notify:\n    runs-on: ubuntu-latest\n    steps:\n"
             "      - if: vars.DATABRICKS_HOST != ''\n        run: echo deployed\n")
    found = contract(oidc_stacks, workflows(tmp_path, extra={"notify.yml": check}), oidc_raw())[1]
    assert [(f.check_id, "vars.DATABRICKS_HOST (at steps[0].if)" in f.message) for f in found] == [("MLOPS017", True)]


def test_a_step_or_input_called_secrets_is_no_read(default_stacks, tmp_path):
    reads = ("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - id: secrets\n        run: x\n"
             "      - run: echo ${{ steps.secrets.outputs.PROD_WORKSPACE_TOKEN }} ${{ inputs.vars }}\n")
    assert contract(default_stacks, workflows(tmp_path, extra={"a.yml": reads}))[0] == set()


def test_repository_secrets_and_unrelated_secrets_are_left_alone(default_stacks, tmp_path):
    # STAGING_WORKSPACE_TOKEN is a repository secret; GITHUB_TOKEN and SLACK_WEBHOOK are not the project's.
    assert contract(default_stacks, workflows(tmp_path, "staging-ci.yml"))[0] == set()


def test_a_calling_job_passes_secrets_on_and_the_called_job_of_prod_receives_them(default_stacks, tmp_path):
    caller = ("on: {push: {branches: [release]}}\njobs:\n  deploy:\n    uses: ./.github/workflows/deploy.yml\n"
              "    secrets:\n      PROD_WORKSPACE_TOKEN: ${{ secrets.PROD_WORKSPACE_TOKEN }}\n")
    called = ("on:\n  workflow_call:\n    secrets:\n      PROD_WORKSPACE_TOKEN: {required: true}\njobs:\n  prod:\n"
              "    runs-on: ubuntu-latest\n    environment: prod\n    steps:\n"
              "      - run: deploy\n        env: {DATABRICKS_TOKEN: '${{ secrets.PROD_WORKSPACE_TOKEN }}'}\n")
    folder = workflows(tmp_path, extra={"release.yml": caller, "deploy.yml": called})
    assert contract(default_stacks, folder)[0] == set()
    (folder / "deploy.yml").write_text(called.replace("    environment: prod\n", ""))
    assert contract(default_stacks, folder)[0] == {("MLOPS017", "error", "prod", "deploy.yml.jobs.prod")}


# --- MLOPS018: oidc jobs may request the token and run in the trusted environment ---------------------------

def test_job_level_permissions_replace_the_workflows_id_token_write(oidc_stacks, tmp_path):
    found, (finding,) = contract(oidc_stacks, workflows(tmp_path, "oidc-cd.yml"), oidc_raw())
    assert found == {("MLOPS018", "error", "prod", "oidc-cd.yml.jobs.prod")}
    assert "its own `permissions` (which replace the workflow's entirely) do not grant it" in finding.message
    assert finding.fix.startswith("add `id-token: write` to the job's `permissions`")


@pytest.mark.parametrize("change, flagged", [
    (lambda t: t.replace("    permissions:\n      contents: read\n", "    permissions:\n      contents: read\n      id-token: write\n"), False),
    (lambda t: t.replace("    permissions:\n      contents: read\n", ""), False),  # the workflow's apply
    (lambda t: t.replace("    permissions:\n      contents: read\n", "    permissions: write-all\n"), False),
    (lambda t: t.replace("permissions:\n  id-token: write\n  contents: read\n", "").replace(
        "    permissions:\n      contents: read\n", ""), True),  # GitHub's default token: id-token none
])
def test_id_token_write_where_github_reads_it(oidc_stacks, tmp_path, change, flagged):
    found = contract(oidc_stacks, workflows(tmp_path, "oidc-cd.yml", edit=lambda n, t: change(t)), oidc_raw())[0]
    assert {f[0] for f in found} == ({"MLOPS018"} if flagged else set())


def test_a_prod_job_setting_github_oidc_itself_needs_the_token(oidc_stacks, tmp_path):
    own = ("on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    environment: prod\n    env:\n"
           "      DATABRICKS_AUTH_TYPE: github-oidc\n      DATABRICKS_HOST: https://example.cloud.databricks.com\n"
           "    steps:\n      - run: databricks bundle deploy -t prod\n")
    found = contract(oidc_stacks, workflows(tmp_path, extra={"own.yml": own}), oidc_raw())[0]
    assert found == {("MLOPS018", "error", "prod", "own.yml.jobs.deploy")}
    found = contract(oidc_stacks, workflows(tmp_path, extra={"own.yml": own.replace("prod\n    env", "staging\n    env")}), oidc_raw())[0]
    assert found == set()  # staging has no federation policy: not an OIDC sign-in this project set up


def test_an_oidc_job_without_the_environment_is_told_to_declare_it(oidc_stacks, tmp_path):
    drop = lambda name, text: text.replace("    environment: prod\n", "")
    found = contract(oidc_stacks, workflows(tmp_path, "oidc-cd.yml", edit=drop), oidc_raw())[0]
    # the environment variables do not reach it (MLOPS017, once per variable), and the token is not requested
    assert {f[:2] for f in found} == {("MLOPS017", "error"), ("MLOPS018", "error")}


def test_repository_level_oidc_values_still_need_the_trusted_environment(oidc_stacks, tmp_path):
    documents = copy.deepcopy(oidc_stacks)
    variables = documents["prod"]["resource"].pop("github_actions_environment_variable")
    for body in variables.values():
        del body["environment"]
    documents["prod"]["resource"]["github_actions_variable"] = variables
    drop = lambda name, text: text.replace("    environment: prod\n", "").replace("      contents: read\n", "      id-token: write\n")
    found, (finding,) = contract(documents, workflows(tmp_path, "oidc-cd.yml", edit=drop), oidc_raw())
    assert found == {("MLOPS018", "error", "prod", "oidc-cd.yml.jobs.prod")}
    assert "its token's subject does not name 'prod'" in finding.message


def test_with_two_oidc_environments_a_job_signs_in_to_its_own(oidc_stacks, tmp_path):
    # staging in oidc mode too, writing the same variable names to its own environment
    documents = copy.deepcopy(oidc_stacks)
    prod, staging = documents["prod"], documents["staging"]
    staging["resource"]["github_actions_environment_variable"] = {
        name: dict(body, environment="staging") for name, body in copy.deepcopy(
            prod["resource"]["github_actions_environment_variable"]).items()}
    staging["resource"]["databricks_service_principal_federation_policy"] = policies = copy.deepcopy(
        prod["resource"]["databricks_service_principal_federation_policy"])
    for body in policies.values():
        body["oidc_policy"]["subject"] = body["oidc_policy"]["subject"].replace(":environment:prod", ":environment:staging")
    found, (finding,) = contract(documents, workflows(tmp_path, "oidc-cd.yml"), oidc_raw())
    assert found == {("MLOPS018", "error", "prod", "oidc-cd.yml.jobs.prod")}
    assert "the federation policy of 'prod', but cannot request the token" in finding.message


def test_a_caller_of_an_oidc_workflow_grants_the_token(oidc_stacks, tmp_path):
    called = (SAMPLES / "oidc-cd.yml").read_text().replace("on:\n  push:\n    branches:\n      - release\n", "on: workflow_call\n")
    called = called.replace("permissions:\n  id-token: write\n  contents: read\n", "").replace("    permissions:\n      contents: read\n", "")
    caller = "on: {push: {branches: [release]}}\njobs:\n  release:\n    uses: ./.github/workflows/oidc-deploy.yml\n"
    folder = workflows(tmp_path, extra={"oidc-deploy.yml": called, "release.yml": caller})
    found, (finding,) = contract(oidc_stacks, folder, oidc_raw())
    # the called job sets no permissions: its caller decides, and the caller's default token has none
    assert found == {("MLOPS018", "error", "prod", "release.yml.jobs.release")}
    assert "calls oidc-deploy.yml" in finding.message
    (folder / "release.yml").write_text(caller + "    permissions: {id-token: write, contents: read}\n")
    assert contract(oidc_stacks, folder, oidc_raw())[0] == set()


# --- MLOPS019: names shaped like ours that no stack writes --------------------------------------------------

def test_a_name_for_an_environment_that_does_not_exist_is_a_warning(default_stacks, tmp_path):
    found, (finding,) = contract(default_stacks, workflows(tmp_path, "qa-cd.yml"))
    assert found == {("MLOPS019", "warning", "qa-cd.yml", "qa-cd.yml.jobs.qa")}
    assert "secrets.QA_WORKSPACE_TOKEN" in finding.message and "environment 'qa'" in finding.message
    assert "PROD_WORKSPACE_TOKEN, STAGING_WORKSPACE_TOKEN" in finding.fix


def test_a_variable_read_as_a_secret_is_named(oidc_stacks, tmp_path):
    as_secret = lambda name, text: text.replace("vars.DATABRICKS_CLIENT_ID", "secrets.DATABRICKS_CLIENT_ID")
    found, findings = contract(oidc_stacks, workflows(tmp_path, "oidc-cd.yml", edit=as_secret), oidc_raw())
    (finding,) = [f for f in findings if f.check_id == "MLOPS019"]
    assert "as a variable (stack prod)" in finding.message and finding.fix == "read `vars.DATABRICKS_CLIENT_ID` instead"


@pytest.mark.parametrize("stacks", ["default_stacks", "oidc_stacks"])
def test_every_name_the_stacks_write_is_shaped_like_ours(request, stacks):
    documents = request.getfixturevalue(stacks)
    names = [body.get("secret_name") or body.get("variable_name") for document in documents.values()
             for kind, items in document["resource"].items() if kind.startswith("github_actions_") for body in items.values()]
    assert names and all(our_shape(name) is not None for name in names), names
    assert our_shape("STAGING_EU_WORKSPACE_TOKEN") == "staging-eu" and our_shape("DATABRICKS_HOST") == ""
    assert not any(our_shape(name) for name in ("GITHUB_TOKEN", "SLACK_WEBHOOK", "DATABRICKS_TOKEN", "PROD_AZURE_SP_TENANT_ID"))


@pytest.mark.parametrize("stacks, flagged", [("default_stacks", False), ("oidc_stacks", True)])
def test_a_common_databricks_name_is_ours_only_where_stacks_write_such_names(request, tmp_path, stacks, flagged):
    # a pat project writes only <ENV>_WORKSPACE_TOKEN: its workflows' own DATABRICKS_CLIENT_SECRET is theirs
    reads = ("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    environment: prod\n    steps:\n"
             "      - run: x\n        env: {SECRET: '${{ secrets.DATABRICKS_CLIENT_SECRET }}'}\n")
    raw = oidc_raw() if stacks == "oidc_stacks" else None
    found = contract(request.getfixturevalue(stacks), workflows(tmp_path, extra={"a.yml": reads}), raw)[0]
    assert found == ({("MLOPS019", "warning", "a.yml", "a.yml.jobs.a")} if flagged else set())


# --- bad input ----------------------------------------------------------------------------------------------

def test_invalid_yaml_names_the_file_and_line(tmp_path):
    folder = workflows(tmp_path, extra={"broken.yml": "on: push\njobs:\n  a:\n    steps: [\n"})
    with pytest.raises(UserError) as raised:
        read_workflows(folder, None)
    assert raised.value.exit_code == EXIT_USAGE
    assert f"{folder / 'broken.yml'} is not valid YAML at line 5" in str(raised.value)


@pytest.mark.parametrize("text, message", [
    ("name: only a name\n", "has no `jobs:` mapping"),
    ("on: push\njobs:\n  build: run it\n", "job 'build' is not a mapping"),
])
def test_a_file_that_is_no_workflow_is_named(tmp_path, text, message):
    folder = workflows(tmp_path, extra={"x.yaml": text})
    with pytest.raises(UserError, match=message):
        read_workflows(folder, None)


def test_yaml_on_is_the_trigger_key_not_true(tmp_path):
    # PyYAML's YAML 1.1 would read `on:` as True, and `off`/`yes` as booleans: a workflow called only by others
    # would look triggered by nothing, and an environment called `yes` would be True.
    folder = workflows(tmp_path, extra={"called.yml": "on:\n  workflow_call: {}\njobs:\n  a: {runs-on: x, environment: yes}\n"})
    (workflow,) = read_workflows(folder, None).files
    assert workflow.only_reusable and workflow.jobs[0].environment == "yes"


def test_several_repositories_need_one_named(default_stacks):
    documents = copy.deepcopy(default_stacks)
    documents["staging"]["provider"]["github"][0]["owner"] = "someone-else"
    with pytest.raises(UserError, match="several repositories"):
        repository_to_check(documents.values(), None)
    assert repository_to_check(documents.values(), "Someone-Else/mlops-demo-classifier") == "Someone-Else/mlops-demo-classifier"
    with pytest.raises(UserError, match="no stack writes secrets or variables to it"):
        repository_to_check(documents.values(), "someone/other")


def test_only_what_is_written_to_the_checked_repository_applies(default_stacks, tmp_path):
    documents = copy.deepcopy(default_stacks)
    documents["staging"]["provider"]["github"][0]["owner"] = "someone-else"  # staging writes to another repository
    folder = workflows(tmp_path, "staging-ci.yml")
    found = contract(documents, folder, repository="ryuta-databricks/mlops-demo-classifier")[0]
    assert found == {("MLOPS019", "warning", "staging-ci.yml", "staging-ci.yml.jobs.integration-tests")}
    assert contract(documents, folder, repository="someone-else/mlops-demo-classifier")[0] == set()
