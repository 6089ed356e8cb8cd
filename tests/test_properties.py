"""Property-based tests (hypothesis) over generated configurations, through the real `mlops-cicd` CLI.

- Valid configurations synthesize with no check error or warning; the stacks never share a state, a
  GitHub environment, secret or variable, nor (on one workspace) a service principal name, a secret
  scope or a project directory, compared by the real names in the synthesized JSON; and no TF_VAR_*
  secret reaches any written file or the output.
- Valid configurations made to conflict (two stacks, one object) or unsafe exit 1 naming the check
  and write nothing.
- Invalid configurations exit 2 with one message naming a broken field, no traceback, nothing written,
  and no secret or TF_VAR_* value repeated.

Settings profiles: `ci` (default) is derandomized, so every run tries the same examples and CI cannot
flake; `HYPOTHESIS_PROFILE=explore` draws new, more examples each run. Neither keeps an example
database (it would land in the repository); a failure prints the minimal example and a
`@reproduce_failure` blob to replay it.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, Phase, event, example, given, settings
from hypothesis import strategies as st

from helpers.config_strategies import (
    CONFLICTS,
    MUTATION_KINDS,
    PG_IDENTIFIER_BYTES,
    Mutation,
    conflicting_configs,
    invalid_configs,
    passed_in_environ,
    secret_values,
    slugs,
    to_toml,
    valid_configs,
)
from helpers import shipped_raw
from mlops_cicd.cli import main
from mlops_cicd.errors import EXIT_CHECKS_FAILED, EXIT_CONFIG_ERROR, EXIT_OK
from mlops_cicd.config import ConfigError, parse_config

settings.register_profile(
    "ci", derandomize=True, database=None, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "explore", derandomize=False, database=None, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
BASE = settings.get_profile(PROFILE)
EXPLORING = PROFILE == "explore"
# A synthesis costs 0.5-2 s (jsii): few examples in CI, many when exploring.
SYNTH_EXAMPLES = 100 if EXPLORING else 12
VALIDATION_EXAMPLES_PER_KIND = 200 if EXPLORING else 15
CLI_EXAMPLES = 300 if EXPLORING else 40
SUBPROCESS_EXAMPLES = 10 if EXPLORING else 1
CONFLICT_EXAMPLES_PER_KIND = 20 if EXPLORING else 1
# Shrinking a failing synthesis takes minutes (each try synthesizes): CI reports the example as found,
# with the blob to replay it; exploring shrinks it to a minimal one.
SYNTH_PHASES = tuple(Phase) if EXPLORING else (Phase.explicit, Phase.generate)

SECRET_VARIABLES = ("TF_VAR_git_read_token", "TF_VAR_trigger_workflows_github_token")


# ---------------------------------------------------------------- running the CLI

def run_cli(argv: list[str]) -> tuple[int, str, str]:
    """`mlops-cicd <argv>` in this process, as a user runs it: exit code, stdout, stderr.

    pytest's capsys is function-scoped, which hypothesis refuses across examples; redirect instead.
    """
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def write_config(directory: Path, raw: dict) -> Path:
    directory.mkdir(parents=True)
    path = directory / "mlops-cicd.toml"
    path.write_text(to_toml(raw))
    return path


# ---------------------------------------------------------------- real names in the synthesized JSON

def state_location(stack_dir: Path, terraform: dict) -> tuple:
    """Where a stack's state lives, as the backend resolves it: two stacks with one location share state."""
    if "cloud" in terraform:  # HCP Terraform: one workspace per stack
        cloud = terraform["cloud"]
        return ("cloud", cloud.get("hostname", "app.terraform.io"), cloud["organization"], json.dumps(cloud["workspaces"], sort_keys=True))
    (kind, backend), = terraform["backend"].items()
    if kind == "local":
        # A relative path resolves in the stack's directory (where terraform runs).
        return ("local", os.path.normpath(stack_dir / backend.get("path", "terraform.tfstate")))
    if kind == "s3":
        return ("s3", backend["bucket"], backend["key"])
    if kind == "azurerm":
        return ("azurerm", backend["storage_account_name"], backend["container_name"], backend["key"])
    if kind == "gcs":
        return ("gcs", backend["bucket"], backend.get("prefix", ""))
    if kind == "pg":
        # PostgreSQL keeps only the first 63 bytes of an identifier (NAMEDATALEN - 1): longer schema
        # names that share those bytes are one schema (issue 8, item 4: tried on a real server).
        return ("pg", backend.get("schema_name", "terraform_remote_state").encode()[:PG_IDENTIFIER_BYTES])
    raise AssertionError(f"backend {kind} has no state location rule here: add one")


def databricks_hosts(document: dict) -> dict[str | None, str]:
    """Workspace host by provider alias (None: the default provider)."""
    configs = document.get("provider", {}).get("databricks") or []
    return {config.get("alias"): config.get("host", "").rstrip("/") for config in configs if "account_id" not in config}


def workspace_names(document: dict, kind: str, attribute: str) -> list[tuple[str, str]]:
    """(workspace host, name) of every `kind` resource: names are unique per workspace."""
    hosts = databricks_hosts(document)
    names = []
    for body in (document.get("resource", {}).get(kind) or {}).values():
        alias = (body.get("provider") or "databricks").partition(".")[2] or None
        names.append((hosts[alias], body[attribute]))
    return names


_ATTRIBUTE_REFERENCE = re.compile(r"^\$\{([a-z_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)\}$")


def resolved(document: dict, value: object) -> object:
    """A value, or the literal attribute of another resource of the stack it refers to
    (`${github_repository_environment.x.environment}` -> that environment's name)."""
    match = _ATTRIBUTE_REFERENCE.match(value) if isinstance(value, str) else None
    if match is None:
        return value
    kind, name, attribute = match.groups()
    return resolved(document, document["resource"][kind][name][attribute])


def github_names(document: dict, kind: str, *attributes: str) -> list[tuple]:
    """GitHub compares repository, environment, secret and variable names without case."""
    return [tuple(str(resolved(document, body.get(a))).casefold() for a in attributes)
            for body in (document.get("resource", {}).get(kind) or {}).values()]


def real_names(stack_dir: Path, document: dict) -> dict[str, list]:
    """What one stack owns, by what a second owner would clobber."""
    return {
        "state": [state_location(stack_dir, document["terraform"])],
        "GitHub environment": github_names(document, "github_repository_environment", "repository", "environment"),
        "repository secret": github_names(document, "github_actions_secret", "repository", "secret_name"),
        "repository variable": github_names(document, "github_actions_variable", "repository", "variable_name"),
        "environment secret": github_names(document, "github_actions_environment_secret", "repository", "environment", "secret_name"),
        "environment variable": github_names(document, "github_actions_environment_variable", "repository", "environment", "variable_name"),
        "service principal": workspace_names(document, "databricks_service_principal", "display_name"),
        "secret scope": workspace_names(document, "databricks_secret_scope", "name"),
        "project directory": workspace_names(document, "databricks_directory", "path"),
    }


def shared_names(stacks: dict[str, tuple[Path, dict]]) -> dict[str, dict]:
    owners: dict[str, dict] = defaultdict(lambda: defaultdict(list))
    for stack, (stack_dir, document) in stacks.items():
        for what, names in real_names(stack_dir, document).items():
            for name in names:
                owners[what][name].append(stack)
    return {what: {name: who for name, who in by_name.items() if len(who) > 1} for what, by_name in owners.items()
            if any(len(who) > 1 for who in by_name.values())}


def test_real_name_comparison_finds_what_two_stacks_share(tmp_path):
    """The comparison the valid-configuration property relies on, on two hand-written stacks: pg schemas
    equal in their first 63 bytes, one GitHub environment named in two cases (and an environment secret
    that refers to it), one secret scope on one workspace; different directories stay apart."""
    def stack(schema: str, environment: str, directory: str) -> dict:
        return {
            "terraform": {"backend": {"pg": {"schema_name": schema}}},
            "provider": {"databricks": [{"host": "https://dbc-1.cloud.databricks.com/"}]},
            "resource": {
                "github_repository_environment": {"env": {"repository": "repo", "environment": environment}},
                "github_actions_environment_secret": {"token": {
                    "repository": "repo", "environment": "${github_repository_environment.env.environment}",
                    "secret_name": "DATABRICKS_TOKEN"}},
                "databricks_secret_scope": {"scope": {"name": "cd-credentials"}},
                "databricks_directory": {"dir": {"path": directory}},
            },
        }

    prefix = "p" * PG_IDENTIFIER_BYTES
    stacks = {"a": (tmp_path / "a", stack(prefix + "_a", "Prod", "/Shared/a")),
              "b": (tmp_path / "b", stack(prefix + "_b", "prod", "/Shared/b"))}
    assert set(shared_names(stacks)) == {"state", "GitHub environment", "environment secret", "secret scope"}


# ---------------------------------------------------------------- property 1: valid configurations

@settings(BASE, max_examples=SYNTH_EXAMPLES, phases=SYNTH_PHASES)
@given(raw=valid_configs(), git_read_token=secret_values(), trigger_token=secret_values())
def test_valid_configuration_synthesizes_with_unique_names_and_no_secret(raw, git_read_token, trigger_token, tmp_path_factory):
    work = tmp_path_factory.mktemp("valid")
    config_path, out_dir = write_config(work / "config", raw), work / "out"
    secrets = {SECRET_VARIABLES[0]: git_read_token, SECRET_VARIABLES[1]: trigger_token}
    with mock.patch.dict(os.environ, secrets):
        code, out, err = run_cli(["synth", "--config", str(config_path), "--output", str(out_dir)])

    for env in raw["environments"]:  # what the run covered: pytest --hypothesis-show-statistics
        event(f"{env['cloud']} {env.get('credential_mode', 'pat')}")
        event(f"backend {env.get('backend', {}).get('type', 'local')}")
    event(f"{len(raw['environments'])} environment(s)")
    assert code == EXIT_OK, f"a valid configuration did not synthesize (exit {code}):\n{err}"
    assert "checks: 0 errors, 0 warnings" in err, err
    stack_files = {path.parent.name: path for path in (out_dir / "stacks").glob("*/cdk.tf.json")}
    assert sorted(stack_files) == sorted(env["name"] for env in raw["environments"])

    stacks = {name: (path.parent, json.loads(path.read_text())) for name, path in stack_files.items()}
    assert shared_names(stacks) == {}, "two stacks own one real object"

    written = [path for path in out_dir.rglob("*") if path.is_file()]
    for name, value in secrets.items():
        leaks = [str(path.relative_to(out_dir)) for path in written if value in path.read_text(errors="replace")]
        assert leaks == [], f"the value of {name} is written to {leaks}"
        assert value not in out + err, f"the value of {name} is printed"


# ---------------------------------------------------------------- configurations the checks must refuse

@pytest.mark.parametrize("what", CONFLICTS)
@settings(BASE, max_examples=CONFLICT_EXAMPLES_PER_KIND, phases=SYNTH_PHASES)
@given(data=st.data())
def test_configuration_the_checks_refuse_writes_nothing(what, data, tmp_path_factory):
    """Two stacks owning one object (by real name), or a stack left unsafe: synth exits 1 naming the check."""
    raw, check_id = data.draw(conflicting_configs(what))
    work = tmp_path_factory.mktemp("refused")
    config_path, out_dir = write_config(work / "config", raw), work / "out"
    code, _, err = run_cli(["synth", "--config", str(config_path), "--output", str(out_dir)])
    assert code == EXIT_CHECKS_FAILED, f"exit {code}, expected {check_id}:\n{err}"
    assert f"error: {check_id} " in err, err
    assert "Traceback" not in err
    assert not out_dir.exists(), "a configuration refused by the checks wrote output"


# ---------------------------------------------------------------- property 2: invalid configurations

def expected_fields(mutations: list[Mutation]) -> set[str]:
    return {m.field for m in mutations}


def assert_rejected_cleanly(text: str, mutations: list[Mutation]) -> None:
    """One message, naming at least one broken field (the first validation stage hides the second's
    problems), never repeating a secret, never a traceback."""
    assert "Traceback" not in text
    assert any(field in text for field in expected_fields(mutations)), f"no mutated field named in:\n{text}"
    for mutation in mutations:
        if mutation.secret is not None:
            assert mutation.secret not in text, f"{mutation.kind}: the secret-looking value is repeated"


@pytest.mark.parametrize("kind", MUTATION_KINDS)
@settings(BASE, max_examples=VALIDATION_EXAMPLES_PER_KIND)
@given(data=st.data())
def test_invalid_configuration_is_refused_with_the_field_named(kind, data):
    """Validation alone (fast): each kind of mutation, first or among others, is refused."""
    raw, mutations = data.draw(invalid_configs(first=kind))
    with mock.patch.dict(os.environ, passed_in_environ(mutations)), pytest.raises(ConfigError) as refused:
        parse_config(copy.deepcopy(raw))
    assert refused.value.problems, "a ConfigError lists at least one problem"
    assert_rejected_cleanly(str(refused.value), mutations)


@settings(BASE, max_examples=CLI_EXAMPLES)
@given(case=invalid_configs())
def test_invalid_configuration_exits_2_through_the_cli_and_writes_nothing(case, tmp_path_factory):
    raw, mutations = case
    work = tmp_path_factory.mktemp("invalid")
    config_path, out_dir = write_config(work / "config", raw), work / "out"
    with mock.patch.dict(os.environ, passed_in_environ(mutations)):
        code, out, err = run_cli(["synth", "--config", str(config_path), "--output", str(out_dir)])
    assert code == EXIT_CONFIG_ERROR, f"exit {code}, expected 2 for {[m.kind for m in mutations]}:\n{err}"
    assert not out_dir.exists(), "an invalid configuration wrote output"
    assert_rejected_cleanly(out + err, mutations)


@settings(BASE, max_examples=SUBPROCESS_EXAMPLES)
@given(case=invalid_configs(max_mutations=1))
def test_invalid_configuration_exits_2_from_the_installed_command(case, tmp_path_factory):
    """The same through a real process: interpreter-level output (warnings, tracebacks) counts too."""
    raw, mutations = case
    work = tmp_path_factory.mktemp("invalid-subprocess")
    config_path, out_dir = write_config(work / "config", raw), work / "out"
    done = subprocess.run(
        [sys.executable, "-m", "mlops_cicd.cli", "synth", "--config", str(config_path), "--output", str(out_dir)],
        capture_output=True, text=True, timeout=120, cwd=work, env={**os.environ, **passed_in_environ(mutations)},
    )
    assert done.returncode == EXIT_CONFIG_ERROR, done.stderr
    assert not out_dir.exists()
    assert_rejected_cleanly(done.stdout + done.stderr, mutations)


def test_the_cli_does_not_start_cdktf_before_it_synthesizes():
    """Found by the subprocess property: importing the CLI started jsii (commands -> credential_state ->
    constructs.rotation -> cdktf), so every configuration error paid cdktf's start-up (about 5 s) and, without
    JSII_NODE, printed the Node 20 end-of-life banner."""
    probe = "import sys, mlops_cicd.cli; print(sorted(m for m in ('jsii', 'cdktf') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


# ---------------------------------------------------------------- names that map to one Terraform address

@settings(BASE, max_examples=3, phases=(Phase.explicit, Phase.generate))
@example(stem="release", separators=["/", "-"])
@given(stem=slugs(2, 12), separators=st.lists(st.sampled_from("/-."), min_size=2, max_size=2, unique=True))
def test_branch_patterns_that_differ_only_in_punctuation_are_refused_cleanly(stem, separators, tmp_path_factory):
    """Found by the valid-configuration property: such patterns get one construct id
    (`branch_<pattern with punctuation as _>`), and the build crashed (exit 3, "unexpected RuntimeError").
    They must be synthesized, or refused as a configuration error that says what to change."""
    raw = shipped_raw()
    prod = next(env for env in raw["environments"] if env["name"] == "prod")
    prod["github_environment"].update(branch_policy="patterns", branch_patterns=[f"{stem}{s}*" for s in separators])
    work = tmp_path_factory.mktemp("patterns")
    code, _, err = run_cli(["synth", "--config", str(write_config(work / "config", raw)), "--output", str(work / "out")])
    assert code in (EXIT_OK, EXIT_CONFIG_ERROR), err
    if code == EXIT_CONFIG_ERROR:
        assert "Traceback" not in err and "'branch_" in err and "fix: make the names" in err, err
        assert not (work / "out").exists()
