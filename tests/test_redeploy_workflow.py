"""`mlops-cicd workflow`: the scheduled re-deploy workflow, generated from the configuration.

Each generated workflow passes actionlint (kjanat/actionlint, with shellcheck on every `run:` script), for the
shipped configuration with a remote backend, for a platform repository with one project per credential mode
(pat, oauth, oidc), and for every remote backend. Its scripts are run here with bash against a stand-in terraform,
so "apply only when the plan has changes" is what the script does, not only what its `if:` says."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from mlops_cicd.cli import main
from mlops_cicd.operations.commented_yaml import Commented, dump, plain
from mlops_cicd.operations.preflight import backend_variables, preflight
from mlops_cicd.operations.redeploy_workflow import DEFAULT_CRON, WORKFLOW_FILE, StackTarget, workflow_text

from helpers import ROOT, SHIPPED_CONFIG

BIN = Path(sys.executable).parent
ACTIONLINT, SHELLCHECK = BIN / "actionlint", BIN / "shellcheck"
LOCAL_BACKEND = '[environments.backend]\ntype = "local"\n'
BACKENDS = {
    "s3": 'type = "s3"\nbucket = "acme-tfstate"\nregion = "eu-west-1"\n',
    "pg": 'type = "pg"\n',
    "gcs": 'type = "gcs"\nbucket = "acme-tfstate"\n',
    "azurerm": 'type = "azurerm"\nresource_group_name = "tfstate"\nstorage_account_name = "acmetfstate"\n'
               'container_name = "tfstate"\n',
}
SECRET_BACKENDS = {"s3": {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}, "pg": {"PG_CONN_STR"},
                   "gcs": {"GOOGLE_BACKEND_CREDENTIALS"},
                   "azurerm": {"ARM_ACCESS_KEY"}}


def shipped_with(directory: Path, staging: str, prod: str) -> Path:
    """The shipped configuration, its two local backends replaced by `staging`'s and `prod`'s (BACKENDS keys)."""
    text = SHIPPED_CONFIG.read_text()
    assert text.count(LOCAL_BACKEND) == 2, "the shipped config changed: update this helper"
    for kind in (staging, prod):
        text = text.replace(LOCAL_BACKEND, "[environments.backend]\n" + BACKENDS[kind], 1)
    path = directory / "mlops-cicd.toml"
    path.write_text(text)
    return path


def generate(capsys, root: Path, *argv: str) -> tuple[int, str, str]:
    """`mlops-cicd workflow ARGV` run from `root`, the repository's root."""
    before = Path.cwd()
    os.chdir(root)
    try:
        code = main(["workflow", *argv])
    finally:
        os.chdir(before)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """name -> (repository root, workflow path) of each configuration, generated once for the module."""
    found = {}
    platform = tmp_path_factory.mktemp("platform")
    shutil.copytree(ROOT / "examples" / "platform", platform, dirs_exist_ok=True)
    repositories = {"platform": platform}
    # HCP's `cloud` backend is left to test_hcp_terraform_...: synthesizing it runs `terraform version` from jsii's
    # Node, whose PATH is the one of the first synth in this process (another module's test may have emptied it).
    for name, (staging, prod) in {"s3": ("s3", "s3"), "pg+azurerm": ("pg", "azurerm"), "gcs+s3": ("gcs", "s3")}.items():
        repositories[name] = tmp_path_factory.mktemp(name.replace("+", "-"))
        shipped_with(repositories[name], staging, prod)
    for name, root in repositories.items():
        before = Path.cwd()
        os.chdir(root)
        try:
            code = main(["workflow", "--output", ".github/workflows"])
        finally:
            os.chdir(before)
        assert code == 0, name
        found[name] = (root, root / ".github" / "workflows" / WORKFLOW_FILE)
    return found


def load(path: Path) -> dict:
    document = yaml.safe_load(path.read_text())
    assert "on" in document, "`on` must stay a string key (quoted): YAML 1.1 readers take a bare on for true"
    return document


def actionlint(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(ACTIONLINT), "-no-color", "-shellcheck", str(SHELLCHECK), str(path)],
                          capture_output=True, text=True, cwd=path.parent)


def jobs_by_stack(document: dict) -> dict[str, tuple[str, dict]]:
    """stack -> (its job's id, its matrix entry), from the list job's stack lists."""
    select = document["jobs"]["stacks"]["steps"][0]["env"]
    found = {}
    for variable, job in (("SECRETS_STACKS", "redeploy"), ("OIDC_STACKS", "redeploy-oidc")):
        for entry in json.loads(select[variable]):
            found[entry["name"]] = (job, entry)
    return found


@pytest.mark.parametrize("name", ["platform", "s3", "pg+azurerm", "gcs+s3"])
def test_every_generated_workflow_passes_actionlint_with_shellcheck(generated, name):
    result = actionlint(generated[name][1])
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_example_platform_repository_holds_its_workflow_as_generated(generated):
    shipped = ROOT / "examples" / "platform" / ".github" / "workflows" / WORKFLOW_FILE
    assert shipped.read_text() == generated["platform"][1].read_text(), (
        "examples/platform changed: run `mlops-cicd workflow` in examples/platform and commit the result")


def test_actionlint_here_does_check_run_scripts(generated, tmp_path):
    """The lint above would pass vacuously if shellcheck were not run: an unquoted variable in a script fails it."""
    text = generated["s3"][1].read_text()
    assert 'mlops-cicd preflight "$STACK"' in text
    broken = tmp_path / ".github" / "workflows" / WORKFLOW_FILE
    broken.parent.mkdir(parents=True)
    broken.write_text(text.replace('mlops-cicd preflight "$STACK"', "mlops-cicd preflight $STACK"))
    result = actionlint(broken)
    assert result.returncode == 1 and "SC2086" in result.stdout


def test_the_matrix_holds_every_stack_and_the_dispatch_input_offers_each(generated):
    platform = load(generated["platform"][1])
    stacks = [f"{project}-{env}" for project in ("churn-model", "demand-forecast", "fraud-scoring")
              for env in ("staging", "prod")]
    assert sorted(jobs_by_stack(platform)) == sorted(stacks)
    assert platform["on"]["workflow_dispatch"]["inputs"]["stack"]["options"] == ["all", *stacks]
    assert platform["on"]["schedule"] == [{"cron": DEFAULT_CRON}]
    single = load(generated["s3"][1])
    assert sorted(jobs_by_stack(single)) == ["prod", "staging"]  # a single project: stacks named after environments
    for document in (platform, single):
        for job, output in (("redeploy", "secrets"), ("redeploy-oidc", "oidc")):
            if job in document["jobs"]:
                strategy = document["jobs"][job]["strategy"]
                assert strategy["fail-fast"] is False
                assert strategy["matrix"]["stack"] == f"${{{{ fromJSON(needs.stacks.outputs.{output}) }}}}"
                assert document["jobs"][job]["if"] == f"needs.stacks.outputs.{output} != '[]'"
    assert "redeploy-oidc" not in single["jobs"]  # no oidc stack: no job that may ask for an OIDC token


def test_each_stack_runs_in_its_own_environment_prod_included_and_one_at_a_time(generated):
    document = load(generated["platform"][1])
    for stack, (job_id, entry) in jobs_by_stack(document).items():
        assert entry["environment"] == f"mlops-cicd-{stack}"
        job = document["jobs"][job_id]
        assert job["environment"] == "${{ matrix.stack.environment }}"
        assert job["concurrency"] == {"group": "mlops-cicd-redeploy-${{ matrix.stack.name }}", "cancel-in-progress": False}
    assert "churn-model-prod" in jobs_by_stack(document)


def terraform_env(job: dict) -> dict:
    """What the job's terraform steps see: its own env and the secrets the plan step gets."""
    plan = next(step for step in job["steps"] if step.get("id") == "plan")
    return {**job["env"], **plan.get("env", {})}


def test_oidc_stacks_get_an_id_token_and_no_databricks_secret(generated):
    document = load(generated["platform"][1])
    by_stack = jobs_by_stack(document)
    assert {s for s, (job, _) in by_stack.items() if job == "redeploy-oidc"} == {"fraud-scoring-staging", "fraud-scoring-prod"}
    oidc, secrets = document["jobs"]["redeploy-oidc"], document["jobs"]["redeploy"]
    assert oidc["permissions"] == {"contents": "read", "id-token": "write"}
    oidc_env, secrets_env = terraform_env(oidc), terraform_env(secrets)
    assert oidc_env["DATABRICKS_AUTH_TYPE"] == "github-oidc"
    assert oidc_env["DATABRICKS_CLIENT_ID"] == "${{ vars.DATABRICKS_CLIENT_ID }}"
    # the token's audience is the account id, as the deployer's federation policy accepts by default
    assert oidc_env["DATABRICKS_TOKEN_AUDIENCE"] == "${{ matrix.stack.audience }}"
    select = document["jobs"]["stacks"]["steps"][0]["env"]
    assert {entry["audience"] for entry in json.loads(select["OIDC_STACKS"])} == {"0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6"}
    assert not {"DATABRICKS_TOKEN", "DATABRICKS_CLIENT_SECRET"} & set(oidc_env)
    assert not any("secrets.DATABRICKS" in str(value) for value in oidc_env.values())
    # the stacks signing in with secrets get no OIDC token, and the workflow as a whole only reads the code
    assert "permissions" not in secrets and document["permissions"] == {"contents": "read"}
    assert secrets_env["DATABRICKS_TOKEN"] == "${{ secrets.DATABRICKS_TOKEN }}"
    assert "DATABRICKS_AUTH_TYPE" not in secrets_env
    for env in (oidc_env, secrets_env):
        assert env["GITHUB_TOKEN"] == "${{ secrets.DEPLOYER_GITHUB_TOKEN }}"


def test_only_the_terraform_steps_see_the_deployers_secrets(generated):
    """Set-up and install steps run other people's code (actions, pip and npm install scripts): no secret there."""
    document = load(generated["platform"][1])
    for job_id in ("redeploy", "redeploy-oidc"):
        job = document["jobs"][job_id]
        assert not [name for name, value in job["env"].items() if "secrets." in str(value)]
        seeing = [step["name"] for step in job["steps"] if "secrets." in str(step.get("env", {}))]
        assert seeing == ["Preflight", "Terraform init", "Status before", "Plan", "Apply", "Status after"], job_id


def test_a_fleet_beyond_githubs_matrix_limit_gets_one_matrix_job_per_256_stacks(tmp_path):
    targets = [StackTarget(f"p{n}-prod", f"mlops-cicd-p{n}-prod", False, ("TF_VAR_git_read_token",)) for n in range(300)]
    path = tmp_path / ".github" / "workflows" / WORKFLOW_FILE
    path.parent.mkdir(parents=True)
    path.write_text(workflow_text(targets, config="mlops-cicd.toml"))
    document = load(path)
    select = document["jobs"]["stacks"]["steps"][0]["env"]
    assert [len(json.loads(select[key])) for key in ("SECRETS_STACKS", "SECRETS_2_STACKS")] == [256, 44]
    second = document["jobs"]["redeploy-2"]
    assert second["strategy"]["matrix"]["stack"] == "${{ fromJSON(needs.stacks.outputs.secrets_2) }}"
    assert second["if"] == "needs.stacks.outputs.secrets_2 != '[]'"
    assert actionlint(path).returncode == 0, actionlint(path).stdout


@pytest.mark.parametrize("name,staging,prod", [("s3", "s3", "s3"), ("pg+azurerm", "pg", "azurerm"),
                                               ("gcs+s3", "gcs", "s3")])
def test_each_job_reads_the_deploy_variables_and_its_backends_credentials(generated, name, staging, prod):
    env = terraform_env(load(generated[name][1])["jobs"]["redeploy"])
    wanted = {"TF_VAR_git_read_token", "TF_VAR_trigger_workflows_github_token",
              *SECRET_BACKENDS[staging], *SECRET_BACKENDS[prod]}
    assert wanted <= set(env)
    for variable in wanted:
        assert env[variable] == f"${{{{ secrets.{variable} }}}}"
    others = set().union(*SECRET_BACKENDS.values()) - SECRET_BACKENDS[staging] - SECRET_BACKENDS[prod]
    assert not others & set(env)


@pytest.mark.parametrize("hostname,variable", [(None, "TF_TOKEN_app_terraform_io"),
                                               ("tfe.acme-corp.example", "TF_TOKEN_tfe_acme__corp_example")])
def test_hcp_terraform_stacks_read_the_token_of_their_host(tmp_path, hostname, variable):
    cloud = {"organization": "acme", **({"hostname": hostname} if hostname else {})}
    assert backend_variables({"terraform": {"cloud": cloud}}) == (variable,)
    target = StackTarget("prod", "mlops-cicd-prod", False, ("TF_VAR_git_read_token", variable))
    path = tmp_path / ".github" / "workflows" / WORKFLOW_FILE
    path.parent.mkdir(parents=True)
    path.write_text(workflow_text([target], config="mlops-cicd.toml"))
    assert terraform_env(load(path)["jobs"]["redeploy"])[variable] == f"${{{{ secrets.{variable} }}}}"
    result = actionlint(path)
    assert result.returncode == 0, result.stdout


def test_status_plan_apply_status_in_that_order(generated):
    steps = load(generated["s3"][1])["jobs"]["redeploy"]["steps"]
    names = [step["name"] for step in steps]
    order = ["Preflight", "Synthesize", "Terraform init", "Status before", "Plan", "Apply", "Remove the saved plan",
             "Status after"]
    assert [n for n in names if n in order] == order
    by_name = {step["name"]: step for step in steps}
    assert by_name["Apply"]["if"] == "steps.plan.outputs.changes == 'true'"
    assert by_name["Apply"]["run"].endswith("redeploy.tfplan")  # the saved plan, nothing planned anew
    assert by_name["Remove the saved plan"]["if"] == "always()"
    assert by_name["Status before"]["run"] == 'mlops-cicd status "$STACK"'
    assert by_name["Status after"]["run"] == 'mlops-cicd status "$STACK" --fail-on-warning'
    assert "if" not in by_name["Status after"]  # runs after an apply and after an empty plan alike


def test_actions_are_pinned_by_commit(generated):
    for step in load(generated["platform"][1])["jobs"]["redeploy"]["steps"]:
        if "uses" in step:
            reference = step["uses"].split("@", 1)[1]
            assert len(reference) == 40 and int(reference, 16) >= 0, step["uses"]


FAKE_TERRAFORM = """#!/bin/bash
case "$2" in
  state) [ -z "$FAKE_STATE_FAILS" ] || { echo "Error: Failed to load state" >&2; exit 1; }
         if [ -n "$FAKE_STATE" ]; then echo "$FAKE_STATE"; fi ;;
  plan) echo "planned" ; exit "$FAKE_PLAN_EXIT" ;;
  show) if [ -n "$FAKE_SHOW" ]; then echo "$FAKE_SHOW"; else echo '{"resource_changes": []}'; fi ;;
esac
"""


def plan_json(*changes: tuple[str, list[str]]) -> str:
    """`terraform show -json` of a plan with these (address, actions)."""
    return json.dumps({"resource_changes": [{"address": address, "type": address.split(".")[0],
                                             "change": {"actions": actions}} for address, actions in changes]})


def run_step(script: str, tmp_path: Path, **env: str) -> tuple[subprocess.CompletedProcess, str]:
    """`script` under bash -eo pipefail as a step runs it; (result, what it wrote to $GITHUB_OUTPUT)."""
    fake = tmp_path / "bin"
    fake.mkdir(exist_ok=True)
    (fake / "terraform").write_text(FAKE_TERRAFORM)
    (fake / "terraform").chmod(0o755)
    output = tmp_path / "github-output"
    output.write_text("")
    result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], capture_output=True,
                            text=True, env={"PATH": f"{fake}:{os.environ['PATH']}", "GITHUB_OUTPUT": str(output),
                                            "STACK": "prod", "STACK_DIR": "cdktf.out/stacks/prod", **env})
    return result, output.read_text()


@pytest.mark.parametrize("plan_exit,changes", [("0", "false"), ("2", "true")])
def test_the_plan_step_says_whether_there_are_changes(generated, tmp_path, plan_exit, changes):
    plan = {s["name"]: s for s in load(generated["s3"][1])["jobs"]["redeploy"]["steps"]}["Plan"]["run"]
    result, output = run_step(plan, tmp_path, FAKE_STATE="time_rotating.schedule", FAKE_PLAN_EXIT=plan_exit)
    assert result.returncode == 0, result.stderr
    assert output == f"changes={changes}\n"


def test_a_failed_plan_fails_the_step_and_an_empty_state_is_never_deployed_from_scratch(generated, tmp_path):
    plan = {s["name"]: s for s in load(generated["s3"][1])["jobs"]["redeploy"]["steps"]}["Plan"]["run"]
    result, output = run_step(plan, tmp_path, FAKE_STATE="time_rotating.schedule", FAKE_PLAN_EXIT="1")
    assert result.returncode == 1 and output == ""
    result, output = run_step(plan, tmp_path, FAKE_STATE="", FAKE_PLAN_EXIT="2")
    assert result.returncode == 1 and output == "" and "planned" not in result.stdout
    assert "::error::prod has no resources in its state" in result.stdout
    result, output = run_step(plan, tmp_path, FAKE_STATE_FAILS="1", FAKE_PLAN_EXIT="2")
    assert result.returncode == 1 and output == "" and "Failed to load state" in result.stderr
    assert "no resources" not in result.stdout  # a backend that refuses is not mistaken for an empty state


@pytest.mark.skipif(shutil.which("jq") is None, reason="jq (on GitHub's runners) is not installed here")
@pytest.mark.parametrize("chosen", ["all", "fraud-scoring-prod", "churn-model-staging"])
def test_the_list_job_selects_the_stack_picked_by_hand(generated, tmp_path, chosen):
    document = load(generated["platform"][1])
    step = document["jobs"]["stacks"]["steps"][0]
    env = {name: value for name, value in step["env"].items() if name != "CHOSEN"}
    result, output = run_step(step["run"], tmp_path, CHOSEN=chosen, **env)
    assert result.returncode == 0, result.stderr
    outputs = dict(line.split("=", 1) for line in output.splitlines())
    picked = [entry["name"] for key in ("secrets", "oidc") for entry in json.loads(outputs[key])]
    assert picked == (list(jobs_by_stack(document)) if chosen == "all" else [chosen])


@pytest.mark.skipif(shutil.which("jq") is None, reason="jq (on GitHub's runners) is not installed here")
def test_the_list_job_fails_rather_than_hand_on_an_empty_list(generated, tmp_path):
    step = load(generated["platform"][1])["jobs"]["stacks"]["steps"][0]
    result, output = run_step(step["run"], tmp_path, CHOSEN="all", SECRETS_STACKS="not json", OIDC_STACKS="[]")
    assert result.returncode != 0 and output == ""


def test_check_accepts_the_file_as_generated_and_refuses_a_stale_one(generated, capsys):
    root, path = generated["s3"]
    code, out, err = generate(capsys, root, "--check", str(path.relative_to(root)))
    assert code == 0, err  # generated again from the same configuration: the same bytes
    stale = root / "stale.yml"
    stale.write_text(path.read_text().replace("- prod\n", "", 1))
    code, out, err = generate(capsys, root, "--check", "stale.yml", "--json")
    report = json.loads(out)
    assert code == 1 and report["ok"] is False and report["exit_code"] == 1
    assert "stale.yml is not what the configuration gives now" in report["problems"][0]["message"]
    assert "mlops-cicd workflow --output" in err


def test_the_shipped_configuration_is_refused_for_its_local_state(capsys, tmp_path):
    shutil.copy(SHIPPED_CONFIG, tmp_path / "mlops-cicd.toml")
    code, out, err = generate(capsys, tmp_path, "--output", "workflows", "--json")
    assert code == 4
    problem = json.loads(out)["problems"][0]
    assert "staging, prod keep their state in a local file" in problem["message"]
    assert "remote [environments.backend]" in problem["fix"]
    assert not (tmp_path / "workflows").exists()


def test_a_projects_own_environment_never_holds_the_deployers_credentials(capsys, tmp_path):
    """A project's CD jobs run in its environment: with the deployer's secrets there, they could use them."""
    config = shipped_with(tmp_path, "s3", "s3")
    strict = "[environments.github_environment]\nprevent_self_review = true\n"
    config.write_text(config.read_text().replace(strict, strict + 'name = "mlops-cicd-staging"\n'))
    code, out, err = generate(capsys, tmp_path, "--json")
    assert code == 4 and "mlops-cicd-staging" in json.loads(out)["problems"][0]["message"]
    assert not (tmp_path / ".github").exists()


def test_a_repository_secret_the_stacks_write_under_a_deploy_secrets_name_is_warned_about(capsys, tmp_path):
    """GitHub gives a job the repository's secret when its environment has none of that name."""
    config = shipped_with(tmp_path, "s3", "s3")
    staging = 'secret_placement = "repository"\n'
    config.write_text(config.read_text().replace(
        staging, staging + 'github_names = { STAGING_WORKSPACE_TOKEN = "DATABRICKS_TOKEN" }\n', 1))
    code, out, err = generate(capsys, tmp_path, "--json")
    assert code == 0, err
    (warning,) = json.loads(out)["warnings"]
    assert "repository secret DATABRICKS_TOKEN, which a deploy job reads" in warning
    assert "mlops-cicd: warning: the stacks write the repository secret DATABRICKS_TOKEN" in err


def test_json_names_what_was_written_and_a_rewrite_leaves_no_temporary_file(capsys, tmp_path):
    shipped_with(tmp_path, "s3", "pg")
    target = tmp_path / "flows"
    target.mkdir()
    (target / WORKFLOW_FILE).write_text("old")
    code, out, err = generate(capsys, tmp_path, "--output", "flows", "--cron", "5 1 * * 1", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["path"] == str(Path("flows") / WORKFLOW_FILE) and report["cron"] == "5 1 * * 1"
    assert report["warnings"] == []  # the shipped names: nothing a deploy job reads
    assert [s["name"] for s in report["stacks"]] == ["staging", "prod"]
    assert os.listdir(target) == [WORKFLOW_FILE]
    document = load(target / WORKFLOW_FILE)
    assert document["on"]["schedule"] == [{"cron": "5 1 * * 1"}]
    check = {s["name"]: s for s in document["jobs"]["redeploy"]["steps"]}["Check this workflow matches the configuration"]
    assert check["run"].rstrip().endswith("--cron '5 1 * * 1'")  # the check generates it again with the same schedule


def test_a_configuration_outside_the_directory_it_runs_from_is_a_usage_error(capsys, tmp_path):
    config = shipped_with(tmp_path, "s3", "s3")
    inside = tmp_path / "elsewhere"
    inside.mkdir()
    code, out, err = generate(capsys, inside, "--config", str(config))
    assert code == 2 and "outside" in err and "root of the repository" in err
    assert not (inside / ".github").exists()


def test_a_configuration_named_from_the_root_is_named_so_in_the_workflow(capsys, tmp_path):
    (tmp_path / "platform").mkdir()
    shipped_with(tmp_path / "platform", "s3", "s3")
    code, out, err = generate(capsys, tmp_path, "--config", str(tmp_path / "platform" / "mlops-cicd.toml"))
    assert code == 0, err
    env = load(tmp_path / ".github" / "workflows" / WORKFLOW_FILE)["jobs"]["redeploy"]["env"]
    assert env["MLOPS_CICD_CONFIG"] == "platform/mlops-cicd.toml"


@pytest.mark.parametrize("cron", ["daily", "1 2 3 4", "* * * * * *", "1 2 ; rm 4 5"])
def test_a_bad_cron_is_a_usage_error(capsys, tmp_path, cron):
    shipped_with(tmp_path, "s3", "s3")
    code, out, err = generate(capsys, tmp_path, "--cron", cron)
    assert code == 2 and "--cron" in err and not (tmp_path / ".github").exists()


@pytest.mark.parametrize("text", ["on", "yes", "1", "0.5", "null", "~", "a: b", "x #y", "#x", "'q'", '"q"', "",
                                  " lead", "trail ", "${{ secrets.X }}", "@at", "- dash", "[1]", "{a}", "*star",
                                  "it's"])
def test_every_scalar_reads_back_as_the_same_string(text):
    assert yaml.safe_load(dump({"key": text, text or "empty": "value"})) == {"key": text, text or "empty": "value"}


def test_comments_never_change_what_is_read_back():
    document = {"jobs": Commented({"a": [Commented({"name": "x", "run": "echo 1\necho 2\n"}, "why\nand more"),
                                         {"run": "no newline at the end"}, [], {}]}, "a comment " * 30),
                "flag": False, "count": 3}
    text = dump(document, "header")
    assert yaml.safe_load(text) == plain(document)
    assert all(len(line) <= 110 for line in text.splitlines() if line.lstrip().startswith("#"))


@pytest.fixture
def oidc_job_environment(tmp_path):
    return {"DATABRICKS_AUTH_TYPE": "github-oidc", "DATABRICKS_CLIENT_ID": "6e2b1a3c-0000-4000-8000-000000000001",
            "GITHUB_TOKEN": "set", "HOME": str(tmp_path), "PATH": "/nonexistent"}


def deployer(environ: dict, home: Path) -> dict:
    found = preflight({}, environ, home=home, registry_url="http://127.0.0.1:9/")
    return next(r.as_dict() for r in found if r.what == "Databricks deployer")


def test_preflight_accepts_a_github_oidc_deployer_given_the_jobs_id_token(oidc_job_environment, tmp_path):
    given = {**oidc_job_environment, "ACTIONS_ID_TOKEN_REQUEST_URL": "https://example.invalid/token?x=1",
             "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "t" * 20}
    assert deployer(given, tmp_path)["severity"] == "ok"


def test_preflight_names_the_missing_id_token_permission(oidc_job_environment, tmp_path):
    result = deployer(oidc_job_environment, tmp_path)
    assert result["severity"] == "error" and "id-token: write" in result["fix"]


def test_preflight_in_a_github_actions_job_fails_without_the_deployers_github_token(default_stacks, tmp_path):
    gh = tmp_path / "bin" / "gh"
    gh.parent.mkdir()
    gh.write_text("#!/bin/sh\necho 'no oauth token' >&2\nexit 1\n")
    gh.chmod(0o755)
    environ = {"GITHUB_ACTIONS": "true", "GITHUB_TOKEN": "", "DATABRICKS_TOKEN": "x", "PATH": str(gh.parent),
               "TF_VAR_git_read_token": "x", "TF_VAR_trigger_workflows_github_token": "x",
               "TF_CLI_CONFIG_FILE": ""}
    found = preflight(default_stacks["prod"], environ, home=tmp_path, registry_url="http://127.0.0.1:9/")  # nothing answers there
    github = [r for r in found if r.what == "GitHub deployer"]
    assert github and github[0].severity == "error"



@pytest.mark.skipif(shutil.which("jq") is None, reason="jq (on GitHub's runners) is not installed here")
def test_a_scheduled_plan_that_replaces_more_than_a_rotation_waits_for_a_person(generated, tmp_path):
    plan = {s["name"]: s for s in load(generated["s3"][1])["jobs"]["redeploy"]["steps"]}["Plan"]["run"]
    rotation = plan_json(("databricks_obo_token.workspace_token", ["delete", "create"]),
                         ("time_rotating.schedule", ["create"]),
                         ("github_actions_secret.github_secret_staging_workspace_token", ["create", "delete"]))
    result, output = run_step(plan, tmp_path, FAKE_STATE="time_rotating.schedule", FAKE_PLAN_EXIT="2", FAKE_SHOW=rotation)
    assert result.returncode == 0 and output == "changes=true\n", result.stdout + result.stderr
    moved = plan_json(("databricks_directory.project", ["delete", "create"]), ("databricks_permissions.x", ["update"]))
    result, output = run_step(plan, tmp_path, FAKE_STATE="time_rotating.schedule", FAKE_PLAN_EXIT="2", FAKE_SHOW=moved)
    assert result.returncode == 1 and output == ""
    assert "deletes or replaces more than a due rotation does: databricks_directory.project" in result.stdout
    result, output = run_step(plan, tmp_path, FAKE_STATE="time_rotating.schedule", FAKE_PLAN_EXIT="2", FAKE_SHOW=moved,
                              ALLOW_REPLACE="true")  # run by hand, after reading the plan
    assert result.returncode == 0 and output == "changes=true\n"
