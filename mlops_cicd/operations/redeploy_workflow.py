"""The scheduled re-deploy as a GitHub Actions workflow, generated from the configuration (`mlops-cicd workflow`).

Rotation happens when a stack is applied after its schedule is due (README, "Rotation"); this workflow applies
every stack on a schedule, so nobody has to remember. Per stack, in parallel (a matrix):
status (informational) -> plan -> apply, only when the plan has changes -> status again, failing the job on any
warning (a credential within `checks.expiry_warning_days`, expired, or expiring before its next rotation).

"Plan not empty" covers "rotation due", which is how `status` decides it (operations/credential_health.py: a
`time_rotating` whose `rotation_rfc3339` has passed, or a credential stamped with an older period): the time
provider drops a due `time_rotating` from state on refresh (hashicorp/terraform-provider-time v0.13.1,
internal/provider/resource_time_rotating.go Read: RemoveResource once now is after rotation_rfc3339), so the plan
creates it again and replaces what hangs off it; a credential of an older period differs in its stamped argument,
which forces its replacement (constructs/rotation.py). So the apply never waits for status, and status only fails
after the apply had its chance to rotate (tests/offline/test_redeploy_sequence.py, against the emulated providers).

Where the deployer's credentials come from, per stack: the secrets of a GitHub environment of this repository,
`mlops-cicd-<stack>` (`deploy_environment`), never a repository secret, so a workflow on an unprotected branch
cannot read them and one stack's job cannot read another's. Stacks in `credential_mode = "oidc"` also sign the
deployer in with GitHub OIDC (`permissions: id-token: write`, DATABRICKS_AUTH_TYPE=github-oidc and
DATABRICKS_CLIENT_ID: databricks-sdk-go v0.139.0, config/config.go `env:` tags and config/auth_oidc.go, the SDK of
databricks provider 1.116.0): their job has no Databricks secret. GitHub has no OIDC sign-in for its provider, so
every job needs the deployer's GitHub token (DEPLOYER_GITHUB_TOKEN: GitHub refuses secret names starting GITHUB_).
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..config import LocalBackend
from ..errors import EXIT_CONFIG_ERROR, UserError, usage_error
from ..fleet import Fleet, StackRef
from ..synthesized import DEFAULT_OUTPUT, required_variables, resources
from .commented_yaml import Commented, dump
from .preflight import GITHUB_OIDC, backend_variables

WORKFLOW_FILE = "mlops-cicd-redeploy.yml"
DEFAULT_DIRECTORY = ".github/workflows"
DEFAULT_CRON = "17 4 * * *"
"""Daily at 04:17 UTC: off the full hour, when GitHub delays scheduled runs most."""
DEPLOY_ENVIRONMENT_PREFIX = "mlops-cicd-"
DEPLOYER_GITHUB_SECRET = "DEPLOYER_GITHUB_TOKEN"
PLAN_FILE = "redeploy.tfplan"
RUNNER = "ubuntu-24.04"
PYTHON_VERSION = "3.11"
NODE_VERSION = "22"
TERRAFORM_VERSION = "1.11.4"
"""The Terraform the stacks are tested with here (README: a fresh machine needs >= 1.7)."""

ACTIONS = {
    # Pinned by full commit SHA (a tag can be moved; a commit cannot); the tag each one is, in the comment beside
    # it. Read from each repository's tags: git rev-list -n1 <tag>.
    "checkout": ("actions/checkout", "3d3c42e5aac5ba805825da76410c181273ba90b1", "v7.0.1"),
    "python": ("actions/setup-python", "5fda3b95a4ea91299a34e894583c3862153e4b97", "v7.0.0"),
    "node": ("actions/setup-node", "820762786026740c76f36085b0efc47a31fe5020", "v7.0.0"),
    "terraform": ("hashicorp/setup-terraform", "dfe3c3f87815947d99a8997f908cb6525fc44e9e", "v4.0.1"),
}
DATABRICKS_SECRETS = ("DATABRICKS_TOKEN", "DATABRICKS_CLIENT_ID", "DATABRICKS_CLIENT_SECRET")
"""A deployer signing in with secrets: a token, or an OAuth service principal (what account-level stacks need).
The environment holds the one it uses; an empty one is no setting to the SDK (v0.139.0, config/config_attribute.go
ReadEnv skips ""), and `mlops-cicd preflight` fails the job, naming what is missing."""
_CRON_FIELD = re.compile(r"[0-9A-Za-z*/,-]+")


@dataclass(frozen=True)
class StackTarget:
    """One stack as the workflow deploys it."""

    name: str
    environment: str
    """The GitHub environment of this repository that holds the stack's deployer secrets and gates its job."""
    oidc: bool
    """The deployer signs in with GitHub OIDC (no Databricks secret)."""
    secrets: tuple[str, ...]
    """The secrets its job reads beyond the deployer's own: TF_VAR_* and the state backend's credentials."""
    audience: str | None = None
    """With `oidc`: the audience of the OIDC token the deployer asks GitHub for, the Databricks account id. Without
    it the SDK asks for the workspace's token endpoint as audience (databricks-sdk-go, config/experimental/auth/oidc
    tokensource.go determineAudience), which a federation policy with the default audience (the account id) refuses;
    the projects' own jobs get it likewise (constructs/oidc_federation.py)."""


def deploy_environment(stack: str) -> str:
    return DEPLOY_ENVIRONMENT_PREFIX + stack


def stack_targets(fleet: Fleet, documents: dict[str, dict]) -> list[StackTarget]:
    """Every stack of the configuration (single project: named after its environment; platform repository:
    `<project>-<env>`), with what its job needs; `documents` are the synthesized stacks by name."""
    return [
        StackTarget(stack.name, deploy_environment(stack.name), stack.env.credential_mode == "oidc",
                    tuple(f"TF_VAR_{name}" for name in required_variables(documents[stack.name]))
                    + backend_variables(documents[stack.name]),
                    stack.env.account.account_id if stack.env.credential_mode == "oidc" and stack.env.account else None)
        for stack in fleet.stacks
    ]


def refuse_unschedulable(fleet: Fleet, source: str) -> None:
    """A stack whose state is a local file cannot be re-deployed by GitHub's runners, which start with an empty
    disk: each run would plan every resource anew (a second service principal, token, secret scope...). And a
    deploy environment must not be one of the projects' own environments (their jobs would get the deployer's
    credentials)."""
    local = [stack.name for stack in fleet.stacks if isinstance(stack.env.backend, LocalBackend)]
    if local:
        raise UserError(f"{source}: {', '.join(local)} keep their state in a local file (backend.type = \"local\"): "
                        "a GitHub-hosted runner starts with an empty disk, so each scheduled run would create every "
                        "resource again; no workflow was written",
                        "give each of them a remote [environments.backend] (s3, azurerm, gcs, pg or cloud), move the "
                        "state there (`terraform init -migrate-state` in its stack directory), then run this again",
                        EXIT_CONFIG_ERROR)
    taken = {stack.env.github_environment_name.casefold() for stack in fleet.stacks}  # GitHub ignores case
    clashes = sorted(deploy_environment(stack.name) for stack in fleet.stacks
                     if deploy_environment(stack.name).casefold() in taken)
    if clashes:
        raise UserError(f"{source}: the GitHub environment(s) {', '.join(clashes)} are a project's own, and also "
                        "where this workflow would keep a stack's deployer credentials; no workflow was written",
                        "rename the project's environment ([environments.github_environment] name)", EXIT_CONFIG_ERROR)


def shadowing(fleet: Fleet, documents: dict[str, dict], targets: list[StackTarget]) -> list[str]:
    """Warnings: in a single project's repository the stacks write into this workflow's repository, and a
    repository-level secret or variable named like one a deploy job reads is what the job gets wherever its
    environment lacks that name (GitHub takes the environment's, else the repository's): the job would sign in
    with the project's credential instead (a `github_names` rename such as DATABRICKS_TOKEN does it)."""
    if fleet.platform:  # the projects' repositories are others
        return []
    secrets = {*DATABRICKS_SECRETS, DEPLOYER_GITHUB_SECRET, *(s for t in targets for s in t.secrets)}
    variables = {"DATABRICKS_CLIENT_ID"} if any(t.oidc for t in targets) else set()
    found = []
    for kind, field, read in (("github_actions_secret", "secret_name", secrets),
                              ("github_actions_variable", "variable_name", variables)):
        written = {body.get(field) for document in documents.values() for _, body in resources(document, kind)}
        found += [f"the stacks write the repository {field.split('_')[0]} {name}, which a deploy job reads: set "
                  f"{name} in every mlops-cicd-<stack> environment, or rename the stacks' one (github_names)"
                  for name in sorted(written & read)]
    return found


def checked_cron(cron: str) -> str:
    fields = cron.split()
    if len(fields) != 5 or not all(_CRON_FIELD.fullmatch(field) for field in fields):
        raise usage_error(f"--cron {cron!r} is not a cron schedule of 5 fields",
                          f"e.g. --cron '{DEFAULT_CRON}' (minute hour day-of-month month day-of-week, in UTC)")
    return " ".join(fields)


def _uses(action: str) -> str:
    repository, sha, _ = ACTIONS[action]
    return f"{repository}@{sha}"


def _step(name: str, comment: str, **body: object) -> Commented:
    return Commented({"name": name, **body}, comment)


def _action(action: str, name: str, with_: dict) -> Commented:
    return _step(name, f"{ACTIONS[action][2]} of {ACTIONS[action][0]}, pinned by commit", uses=_uses(action),
                 **{"with": with_})


ROTATED_TYPES = ("databricks_obo_token", "databricks_service_principal_secret", "time_rotating", "time_static",
                 "github_actions_secret", "github_actions_environment_secret", "databricks_secret")
"""What a rotation deletes or replaces: the credential, its schedule, and the copies holding it (a GitHub secret is
replaced where its value is ForceNew, github 6.9.0; the CD scope's secrets where theirs is). A scheduled plan that
deletes anything else (a service principal, a scope, a directory, a GitHub environment: a configuration change
merged, a manual change, a provider upgrade) waits for a person: the workflow run by hand with allow_replace."""
UNEXPECTED_DELETES = ('[.resource_changes[]? | select(.change.actions | index("delete")) '
                      '| select(.type as $t | $rotated | index($t) | not) | .address] | join(" ")')
"""jq over `terraform show -json <plan>`: the addresses the plan deletes or replaces outside ROTATED_TYPES."""

PLAN_SCRIPT = f"""\
# An assignment, so that a failing `state list` (the backend refused) fails the step as itself.
resources="$(terraform -chdir="$STACK_DIR" state list)"
if [ -z "$resources" ]; then
  echo "::error::$STACK has no resources in its state: the schedule re-deploys, it never deploys a stack the first time (a wrong backend would create everything again). Deploy it once by hand: cdktf deploy $STACK"
  exit 1
fi
set +e
terraform -chdir="$STACK_DIR" plan -input=false -no-color -lock-timeout=10m -detailed-exitcode -out={PLAN_FILE}
code=$?
set -e
case "$code" in
  0) echo "changes=false" >> "$GITHUB_OUTPUT" ;;
  2) unexpected="$(terraform -chdir="$STACK_DIR" show -json {PLAN_FILE} | jq -r --argjson rotated '{json.dumps(list(ROTATED_TYPES))}' '{UNEXPECTED_DELETES}')"
     if [ -n "$unexpected" ] && [ "$ALLOW_REPLACE" != "true" ]; then
       echo "::error::the plan of $STACK deletes or replaces more than a due rotation does: $unexpected. Review the plan above; if it is meant, run this workflow by hand for $STACK with allow_replace"
       exit 1
     fi
     echo "changes=true" >> "$GITHUB_OUTPUT" ;;
  *) exit "$code" ;;
esac
"""

INSTALL_SCRIPT = """\
python -m pip install --disable-pip-version-check -r requirements.txt
# A repository that is itself a Python package (mlops-cicd's own) is installed as well.
if [ -f pyproject.toml ]; then python -m pip install --disable-pip-version-check --no-deps -e .; fi
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; fi
mlops-cicd --version
"""


def _check_script(options: str) -> str:
    # GITHUB_WORKFLOW_REF is owner/repo/<path of this file>@<ref>.
    return f"""\
workflow="${{GITHUB_WORKFLOW_REF#"$GITHUB_REPOSITORY"/}}"
mlops-cicd workflow --check "${{workflow%@*}}"{options}
"""


def _steps(options: str, secrets: dict) -> list:
    """The job's steps; `secrets` (the deployer's credentials, TF_VAR_*, the backend's) reach only the steps that run
    terraform or read its state: never the set-up and install steps, whose packages' scripts could read them."""
    return [
        _action("checkout", "Check out the configuration", {"persist-credentials": False}),
        _action("python", "Set up Python", {"python-version": PYTHON_VERSION}),
        _action("node", "Set up Node (jsii runs on it)", {"node-version": NODE_VERSION}),
        _action("terraform", "Set up Terraform",
                {"terraform_version": TERRAFORM_VERSION,
                 # The wrapper would print and capture terraform's output; the plan step reads the exit code itself.
                 "terraform_wrapper": False}),
        _step("Install mlops-cicd and the project", "The pinned packages of this repository.", run=INSTALL_SCRIPT),
        _step("Check this workflow matches the configuration",
              "A stack added to the configuration after this file was generated would never be re-deployed: fail "
              "until it is generated again.", run=_check_script(options)),
        _step("Preflight", "Names every secret this stack's environment lacks (never a value).",
              env=dict(secrets), run='mlops-cicd preflight "$STACK"'),
        _step("Synthesize", "Every stack, with the synth-time checks.", run="mlops-cicd synth"),
        _step("Terraform init", "Opens the stack's remote state.",
              env=dict(secrets), run='terraform -chdir="$STACK_DIR" init -input=false -no-color'),
        _step("Status before", "What is due, for the log; warnings do not fail the job yet: the apply may fix them.",
              env=dict(secrets), run='mlops-cicd status "$STACK"'),
        _step("Plan", "Exit code 2 of -detailed-exitcode: changes, among them a due rotation (its schedule is "
                      "planned anew). A plan deleting or replacing anything else stops here unless run by hand "
                      "with allow_replace.", id="plan",
              env={**secrets, "ALLOW_REPLACE": "${{ inputs.allow_replace || false }}"}, run=PLAN_SCRIPT),
        _step("Apply", "Only the saved plan, and only when it has changes.",
              **{"if": "steps.plan.outputs.changes == 'true'"}, env=dict(secrets),
              run=f'terraform -chdir="$STACK_DIR" apply -input=false -no-color -lock-timeout=10m {PLAN_FILE}'),
        _step("Remove the saved plan", "It holds the stack's secrets in plain text.", **{"if": "always()"},
              run=f'rm -f "$STACK_DIR/{PLAN_FILE}"'),
        _step("Status after", "Fails loudly when a credential is still within the warning window (or any other "
                              "warning) after the apply.", env=dict(secrets),
              run='mlops-cicd status "$STACK" --fail-on-warning'),
    ]


def _job_env(oidc: bool, config: str) -> dict:
    """What every step sees: the stack, and how the deployer signs in when that takes no secret."""
    env: dict[str, object] = {
        "MLOPS_CICD_CONFIG": config,
        "STACK": "${{ matrix.stack.name }}",
        "STACK_DIR": f"{DEFAULT_OUTPUT}/stacks/${{{{ matrix.stack.name }}}}",
        "CHECKPOINT_DISABLE": "1",
    }
    if oidc:
        env["DATABRICKS_AUTH_TYPE"] = Commented(GITHUB_OIDC, "The deployer signs in with this job's OIDC token: no "
                                                "Databricks secret.")
        env["DATABRICKS_CLIENT_ID"] = "${{ vars.DATABRICKS_CLIENT_ID }}"
        env["DATABRICKS_TOKEN_AUDIENCE"] = Commented("${{ matrix.stack.audience }}", "The Databricks account id: the "
                                                     "audience the deployer's federation policy accepts.")
    return env


def _secret_env(targets: list[StackTarget], oidc: bool) -> dict:
    """The secrets the terraform steps read: the deployer's, TF_VAR_* and the state backend's."""
    env: dict[str, object] = {}
    if not oidc:
        for name in DATABRICKS_SECRETS:
            env[name] = f"${{{{ secrets.{name} }}}}"
    env["GITHUB_TOKEN"] = f"${{{{ secrets.{DEPLOYER_GITHUB_SECRET} }}}}"
    for name in sorted({secret for target in targets for secret in target.secrets}):
        env[name] = f"${{{{ secrets.{name} }}}}"
    return env


def _job(targets: list[StackTarget], oidc: bool, config: str, options: str, output: str) -> dict:
    job: dict[str, object] = {
        "name": "Re-deploy ${{ matrix.stack.name }}",
        "needs": "stacks",
        "if": f"needs.stacks.outputs.{output} != '[]'",
        "runs-on": RUNNER,
        "timeout-minutes": 60,
    }
    if oidc:
        job["permissions"] = Commented({"contents": "read", "id-token": "write"},
                                       "id-token: write lets the job ask GitHub for its OIDC token.")
    job["environment"] = Commented("${{ matrix.stack.environment }}",
                                   "Releases the stack's deployer secrets, after the environment's protection rules.")
    job["concurrency"] = Commented({"group": "mlops-cicd-redeploy-${{ matrix.stack.name }}",
                                    "cancel-in-progress": False},
                                   "One run at a time per stack; an apply in progress is never cancelled.")
    job["strategy"] = {"fail-fast": False, "matrix": {"stack": f"${{{{ fromJSON(needs.stacks.outputs.{output}) }}}}"}}
    job["env"] = _job_env(oidc, config)
    job["steps"] = _steps(options, _secret_env(targets, oidc))
    return job


MATRIX_LIMIT = 256
"""GitHub runs at most 256 jobs of one matrix ("Using a matrix for your jobs": "A matrix will generate a maximum of
256 jobs per workflow run"): a larger fleet gets one matrix job per 256 stacks."""


@dataclass(frozen=True)
class MatrixGroup:
    """Stacks deployed by one matrix job: its id, the list job's output naming them, the variable holding them."""

    job: str
    output: str
    oidc: bool
    targets: tuple[StackTarget, ...]

    @property
    def variable(self) -> str:
        return f"{self.output.upper()}_STACKS"


def matrix_groups(targets: list[StackTarget]) -> list[MatrixGroup]:
    groups = []
    for oidc, job, output in ((False, "redeploy", "secrets"), (True, "redeploy-oidc", "oidc")):
        kind = [t for t in targets if t.oidc == oidc]
        for index in range(0, max(len(kind), 1), MATRIX_LIMIT):  # one group of each kind, if empty (selects none)
            part = index // MATRIX_LIMIT + 1
            suffix = "" if part == 1 else f"-{part}"
            groups.append(MatrixGroup(job + suffix, output + suffix.replace("-", "_"), oidc,
                                      tuple(kind[index:index + MATRIX_LIMIT])))
    return groups


def _select_script(groups: list[MatrixGroup]) -> str:
    lines = ["pick() { jq -c --arg chosen \"$CHOSEN\" '[.[] | select($chosen == \"all\" or .name == $chosen)]' <<<\"$1\"; }",
             "# Assignments, so that a failing jq fails the step (inside echo's arguments it would not)."]
    for group in groups:
        lines += [f'{group.output}="$(pick "${group.variable}")"', f'echo "{group.output}=${group.output}" >> "$GITHUB_OUTPUT"']
    return "\n".join(lines) + "\n"


def _matrix(targets: tuple[StackTarget, ...]) -> str:
    return json.dumps([{"name": t.name, "environment": t.environment, **({"audience": t.audience} if t.audience else {})}
                       for t in targets], separators=(",", ":"))


def _list_job(groups: list[MatrixGroup]) -> dict:
    return {
        "name": "List the stacks",
        "runs-on": RUNNER,
        "outputs": {group.output: f"${{{{ steps.select.outputs.{group.output} }}}}" for group in groups},
        "steps": [_step("Select", "Every stack on the schedule; the one picked when run by hand.", id="select",
                        env={"CHOSEN": "${{ inputs.stack || 'all' }}",
                             **{group.variable: _matrix(group.targets) for group in groups}},
                        run=_select_script(groups))],
    }


def _header(targets: list[StackTarget], command: str) -> str:
    lines = [f"Generated by `{command}` from the mlops-cicd configuration: do not edit, generate it again.",
             "Re-deploys every stack on a schedule (credentials due for rotation are replaced) and fails when a",
             "credential is within the warning window. Each stack's job runs in a GitHub environment of this",
             "repository holding its deployer's secrets (limit it to the default branch):"]
    for target in targets:
        databricks = "variable DATABRICKS_CLIENT_ID (GitHub OIDC)" if target.oidc else \
            "DATABRICKS_TOKEN, or DATABRICKS_CLIENT_ID + DATABRICKS_CLIENT_SECRET"
        lines.append(f"  {target.environment}: {databricks}; {', '.join((DEPLOYER_GITHUB_SECRET, *target.secrets))}")
    return "\n".join(lines)


def workflow_text(targets: list[StackTarget], *, config: str, cron: str = DEFAULT_CRON) -> str:
    """The workflow for `targets`; `config` is the configuration file's path from the repository's root."""
    options = "" if cron == DEFAULT_CRON else f" --cron {shlex.quote(cron)}"
    groups = matrix_groups(targets)
    jobs: dict[str, object] = {"stacks": _list_job(groups)}
    for group in groups:
        if group.targets:
            how = "GitHub OIDC" if group.oidc else "secrets of its environment"
            jobs[group.job] = Commented(_job(list(group.targets), group.oidc, config, options, group.output),
                                        f"Stacks whose deployer signs in with {how}.")
    document = {
        "name": "mlops-cicd re-deploy",
        "on": {
            "schedule": [{"cron": cron}],
            "workflow_dispatch": {"inputs": {
                "stack": {"description": "The stack to re-deploy", "type": "choice", "default": "all",
                          "options": ["all", *(t.name for t in targets)]},
                "allow_replace": {"description": "Apply a plan that deletes or replaces more than a due rotation "
                                                 "(reviewed in a previous run's plan)", "type": "boolean",
                                  "default": False}}},
        },
        "permissions": {"contents": "read"},
        "defaults": Commented({"run": {"shell": "bash"}}, "bash -eo pipefail: a failing command fails its step."),
        "jobs": jobs,
    }
    return dump(document, _header(targets, f"mlops-cicd workflow{options}"))


def repository_path(path: str, root: str) -> str:
    """`path` (a file inside the repository at `root`) as the workflow names it: relative, with `/`."""
    absolute, base = Path(path).resolve(), Path(root).resolve()
    if not absolute.is_relative_to(base):
        raise usage_error(f"the configuration {path} is outside {base}, where the workflow runs from",
                          "run `mlops-cicd workflow` from the root of the repository that holds the configuration")
    return str(PurePosixPath(*absolute.relative_to(base).parts))
