"""Platform mode: one repository holds many projects (projects/*.toml over [defaults]), each project's stacks are
named `<project>-<env>`, and the checks that compare stacks compare every project's (mlops_cicd/fleet.py)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from helpers import ROOT, shared
from helpers.browser import headless_chromium, open_file
from helpers.cli import run_cli
from cli.test_status_html import _assert_every_credential_shown

from mlops_cicd.checks import run_checks
from mlops_cicd.config import ConfigError
from mlops_cicd.fleet import load_fleet, merged_project
from mlops_cicd.operations import rehearsal as rehearsal_operations

EXAMPLE = ROOT / "examples" / "platform"
EXAMPLE_STACKS = ["churn-model-staging", "churn-model-prod", "demand-forecast-staging", "demand-forecast-prod",
                  "fraud-scoring-staging", "fraud-scoring-prod"]


def platform_copy(tmp_path: Path, **project_files: str) -> Path:
    """The example platform repository in `tmp_path`, with project files replaced or added (name -> text; an empty
    text removes the file); returns its mlops-cicd.toml."""
    root = tmp_path / "platform"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("cdktf.out", ".cdktf.out.lock"))
    for name, text in project_files.items():
        path = root / "projects" / f"{name}.toml"
        path.unlink(missing_ok=True) if not text else path.write_text(text)
    return root / "mlops-cicd.toml"


def synthesized(config_file: Path, outdir: Path) -> dict[str, dict]:
    from mlops_cicd.app import synth_into
    from mlops_cicd.synthesized import load_stacks

    synth_into(load_fleet(config_file), outdir, enforce_checks=False)
    return load_stacks(outdir)


@pytest.fixture(scope=shared("module"))
def example_stacks(tmp_path_factory) -> dict[str, dict]:
    return synthesized(EXAMPLE / "mlops-cicd.toml", tmp_path_factory.mktemp("platform-synth"))


def pat_project(name: str, repository: str, *, sp_suffix: str = "cicd", extra: str = "") -> str:
    """A pat-mode project file whose environments come from the example's defaults (staging, prod)."""
    return f"""
[project]
name = "{name}"
[github]
repository = "{repository}"
[[environments]]
name = "staging"
project_directory = "/Shared/mlops/{name}"
project_directory_grants = []
service_principal_name = "{name}-staging-{sp_suffix}"
{extra}
[[environments]]
name = "prod"
project_directory = "/Shared/mlops/{name}"
project_directory_grants = []
service_principal_name = "{name}-prod-{sp_suffix}"
"""


def test_the_example_describes_three_projects_with_stacks_named_project_env():
    fleet = load_fleet(EXAMPLE / "mlops-cicd.toml")
    assert fleet.platform
    assert [p.project.name for p in fleet.projects] == ["churn-model", "demand-forecast", "fraud-scoring"]
    assert fleet.stack_names == EXAMPLE_STACKS
    assert {p.environments[0].credential_mode for p in fleet.projects} == {"pat", "oauth", "oidc"}


def test_defaults_lie_under_every_project_and_the_project_wins():
    defaults = {"github": {"owner": "acme", "server_url": "https://github.com"},
                "environment": {"cloud": "aws", "rotation_days": 30},
                "environments": {"staging": {"workspace_host": "https://s.example.com"},
                                 "prod": {"workspace_host": "https://p.example.com", "rotation_days": 45}}}
    own = {"github": {"repository": "r", "owner": "other"}, "environments": [{"name": "prod", "rotation_days": 20}]}
    merged = merged_project(own, defaults)
    assert "project" not in merged  # a project file names its project itself (test_platform_review.py)
    assert merged["github"] == {"owner": "other", "server_url": "https://github.com", "repository": "r"}
    assert merged["environments"] == [{"cloud": "aws", "rotation_days": 20, "workspace_host": "https://p.example.com",
                                       "name": "prod"}]
    # no [[environments]]: one per [defaults.environments.<name>], in order
    assert [e["name"] for e in merged_project({}, defaults)["environments"]] == ["staging", "prod"]
    assert merged_project({}, defaults)["environments"][1]["rotation_days"] == 45
    # a backend of another type replaces the default's instead of inheriting its fields
    backend = {"environment": {"backend": {"type": "s3", "bucket": "b", "region": "eu-west-1"}}}
    assert merged_project({"environments": [{"name": "x", "backend": {"type": "pg"}}]}, backend)["environments"] == [
        {"backend": {"type": "pg"}, "name": "x"}]


def test_a_single_project_file_is_a_fleet_of_one_with_stacks_named_after_environments():
    fleet = load_fleet(ROOT / "mlops-cicd.toml")
    assert not fleet.platform and fleet.stack_names == ["staging", "prod"]


def test_every_project_file_s_problems_come_in_one_round_naming_the_file(tmp_path):
    config = platform_copy(tmp_path, **{
        "churn-model": pat_project("churn-model", "churn-model", extra='credential_mode = "pta"'),
        "demand-forecast": pat_project("demand-forecast", "demand/forecast"),
    })
    with pytest.raises(ConfigError) as raised:
        load_fleet(config)
    fields = [p.field for p in raised.value.problems]
    assert "projects/churn-model.toml: environments[staging].credential_mode" in fields
    assert "projects/demand-forecast.toml: github.repository" in fields


@pytest.mark.parametrize("files, field, words", [
    ({"twin": pat_project("churn-model", "twin")}, "projects/twin.toml: project.name", "also the name of projects/churn-model.toml"),
    # project `churn` + env `model-staging` is the stack of project `churn-model` + env `staging`
    ({"churn": pat_project("churn", "churn").replace(
        'name = "staging"', 'name = "model-staging"\nworkspace_host = "https://acme-ml-staging.cloud.databricks.com"')},
     "projects/churn.toml: environments", "'churn-model-staging' (<project>-<env>) is also a stack of"),
])
def test_two_projects_cannot_share_a_name_or_a_stack(tmp_path, files, field, words):
    with pytest.raises(ConfigError) as raised:
        load_fleet(platform_copy(tmp_path, **files))
    assert any(p.field == field and words in p.message for p in raised.value.problems), raised.value


def test_a_platform_file_with_a_project_table_or_no_project_files_is_refused(tmp_path):
    config = platform_copy(tmp_path)
    config.write_text(config.read_text() + '\n[project]\nname = "x"\n')
    with pytest.raises(ConfigError, match=r"project: a platform repository's file holds only \[platform\]"):
        load_fleet(config)
    config = platform_copy(tmp_path / "empty", **{name: "" for name in ("churn-model", "demand-forecast", "fraud-scoring")})
    with pytest.raises(ConfigError, match="holds no project file: add one per project"):
        load_fleet(config)


def test_stacks_are_named_project_env_and_keep_their_own_state_key(example_stacks):
    assert sorted(example_stacks) == sorted(EXAMPLE_STACKS)
    keys = {name: doc["terraform"]["backend"]["s3"]["key"] for name, doc in example_stacks.items()}
    assert keys["demand-forecast-prod"] == "demand-forecast/prod/terraform.tfstate"
    assert len(set(keys.values())) == len(keys)


def test_github_names_rename_what_an_environment_writes(example_stacks):
    secrets = example_stacks["demand-forecast-staging"]["resource"]["github_actions_secret"]
    names = {body["secret_name"] for body in secrets.values()}
    assert "STAGING_SP_SECRET" in names and "STAGING_DATABRICKS_CLIENT_SECRET" not in names
    # the address follows the default name: renaming replaces the secret where it is
    assert secrets["github_secret_staging_databricks_client_secret"]["secret_name"] == "STAGING_SP_SECRET"


def test_the_example_passes_its_checks(example_stacks):
    report = run_checks(load_fleet(EXAMPLE / "mlops-cicd.toml"), example_stacks)
    assert report.ok and not report.findings, [f.as_dict() for f in report.findings]


def _errors(config: Path, outdir: Path) -> dict[str, set[str]]:
    report = run_checks(load_fleet(config), synthesized(config, outdir))
    found: dict[str, set[str]] = {}
    for finding in report.errors:
        found.setdefault(finding.check_id, set()).add(finding.stack)
    return found


def test_two_projects_in_one_repository_cannot_write_one_secret_until_renamed(tmp_path):
    """mlops-stacks' monorepo layout: every project would write STAGING_WORKSPACE_TOKEN to the one repository."""
    both = {"churn-model": pat_project("churn-model", "ml-monorepo"),
            "pricing": pat_project("pricing", "ml-monorepo")}
    config = platform_copy(tmp_path, **both)
    errors = _errors(config, tmp_path / "out")
    assert {"churn-model-staging", "pricing-staging"} <= errors.get("MLOPS012", set())
    # prod's GitHub environment of the one repository is written by both as well
    assert {"churn-model-prod", "pricing-prod"} <= errors["MLOPS012"]

    renamed = pat_project("pricing", "ml-monorepo", extra='github_names = { STAGING_WORKSPACE_TOKEN = "PRICING_STAGING_TOKEN", '
                                                          'TRIGGER_WORKFLOWS_GITHUB_TOKEN = "PRICING_TRIGGER_TOKEN" }\n'
                                                          'github_environment = { name = "pricing-staging" }')
    renamed = renamed.replace('name = "prod"', 'name = "prod"\ngithub_environment = { name = "pricing-prod", '
                                               'reviewers = { teams = ["ml-platform-leads"] } }')
    config = platform_copy(tmp_path / "fixed", **{**both, "pricing": renamed})
    assert "MLOPS012" not in _errors(config, tmp_path / "out-fixed")


def test_at_most_one_project_manages_a_workspace_s_token_permission(tmp_path):
    permission = ('token_usage = { mode = "permission", keep_can_use = ["group:data-engineers"] }')
    config = platform_copy(tmp_path, **{
        "churn-model": pat_project("churn-model", "churn-model", extra=permission),
        "pricing": pat_project("pricing", "pricing", extra=permission),
    })
    report = run_checks(load_fleet(config), synthesized(config, tmp_path / "out"))
    found = [f for f in report.errors if f.check_id == "MLOPS007"]
    assert {"churn-model-staging", "pricing-staging"} <= {f.stack for f in found}
    assert all("of a single project" in f.fix for f in found)


def test_a_project_s_suppression_applies_to_its_own_stacks_only(tmp_path):
    shared_sp = pat_project("pricing", "pricing").replace("pricing-staging-cicd", "churn-model-staging-cicd")
    suppress = ('\n[[checks.suppress]]\nid = "MLOPS012"\nreason = "the two projects share one staging principal on purpose"\n')
    config = platform_copy(tmp_path, pricing=shared_sp + suppress)
    errors = _errors(config, tmp_path / "out")
    assert errors["MLOPS012"] == {"churn-model-staging"}  # pricing's is suppressed, churn-model's is not


@pytest.mark.parametrize("rename, words", [
    ('{ PROD_WORKSPACE_TOKEN = "X" }', "this environment writes no secret or variable of that name"),
    ('{ STAGING_WORKSPACE_TOKEN = "GITHUB_TOKEN_X" }', "starts with GITHUB_"),
    ('{ STAGING_WORKSPACE_TOKEN = "9LIVES" }', "not starting with a digit"),
    ('{ STAGING_WORKSPACE_TOKEN = "trigger_workflows_github_token" }', "two secrets or variables would be written as"),
])
def test_github_names_are_checked(tmp_path, rename, words):
    config = platform_copy(tmp_path, **{"churn-model": pat_project("churn-model", "churn-model",
                                                                    extra=f"github_names = {rename}")})
    with pytest.raises(ConfigError) as raised:
        load_fleet(config)
    assert any(p.field.startswith("projects/churn-model.toml: environments[staging].github_names")
               and words in p.message for p in raised.value.problems), raised.value


def test_commands_take_stack_names_and_globs_and_refuse_unknown_ones(capsys, tmp_path):
    config = str(platform_copy(tmp_path))
    code, _, err = run_cli(capsys, "--config", config, "status", "staging")
    assert code == 2 and "unknown stack(s): staging" in err and "churn-model-staging" in err
    code, _, err = run_cli(capsys, "--config", config, "rotate", "churn-model-*")
    assert code == 2 and "name one stack, without wildcards" in err
    code, _, err = run_cli(capsys, "--config", config, "status", "--project", "nope")
    assert code == 2 and "unknown project(s): nope" in err
    code, _, err = run_cli(capsys, "--config", config, "rehearse", "-j", "0")
    assert code == 2 and "'0' is not a number of stacks at a time" in err


@pytest.mark.terraform
@pytest.mark.slow
@pytest.mark.browser
def test_the_example_rehearses_and_reports_the_fleet(capsys, tmp_path, tmp_path_factory, monkeypatch):
    """The example repository end to end: synth, checks, offline deploy of every stack (two at a time) with "No
    changes" on the re-plan, reported in stack order, then the fleet status: every project, soonest expiry first, filtered and failing within a window."""
    config = platform_copy(tmp_path)
    where = ("--config", str(config), "--rehearsal-dir", str(tmp_path / "rehearsal"))

    def cli(command: str, *args: str) -> tuple[int, str, str]:
        return run_cli(capsys, command, *where, *args)

    code, out, _ = cli("rehearse", "--json", "-j", "2", "--output", str(tmp_path / "cdktf.out"))
    rehearsal = json.loads(out)
    assert code == 0 and [s["name"] for s in rehearsal["stacks"]] == EXAMPLE_STACKS
    assert all(s["ok"] and s["steps"][-1]["step"] == "replan" and s["steps"][-1]["ok"] for s in rehearsal["stacks"])

    report = tmp_path / "fleet.html"
    # the stand-ins reading the states: one pool for every project
    pools, started = [], rehearsal_operations.rehearsal_pool
    monkeypatch.setattr(rehearsal_operations, "rehearsal_pool",
                        lambda directory: pools.append(directory) or started(directory))
    code, out, _ = cli("status", "--rehearsal", "--json", "--html", str(report))
    assert len(pools) == 1
    monkeypatch.undo()
    document = json.loads(out)
    # the fleet report, read by a real browser (its profile under a short path: Chromium's socket path has a limit)
    with headless_chromium(tmp_path_factory.mktemp("chromium")) as browser:
        table, _ = _assert_every_credential_shown(open_file(browser, report), document)
    assert {row["stack"] for row in table} == {"churn-model-staging", "churn-model-prod", "demand-forecast-staging",
                                               "demand-forecast-prod"}
    assert code == 0 and {s["project"] for s in document["stacks"]} == {"churn-model", "demand-forecast", "fraud-scoring"}
    soonest = [min((c["days_left"] for c in s["credentials"] if c["days_left"] is not None), default=None)
               for s in document["stacks"]]
    known = [days for days in soonest if days is not None]
    assert known == sorted(known) and soonest[len(known):] == [None] * (len(soonest) - len(known))
    assert len(known) == 4 and document["warning_days"] == 21  # pat and oauth stacks; [defaults.checks]

    code, out, _ = cli("status", "--rehearsal", "--json", "--env", "prod", "--project", "demand-forecast",
                       "--project", "churn-model")
    assert code == 0 and sorted(s["name"] for s in json.loads(out)["stacks"]) == ["churn-model-prod", "demand-forecast-prod"]

    code, _, err = cli("status", "--rehearsal", "--fail-within", "89")  # the tokens and secrets expire in 89 days
    assert code == 1 and "churn-model-staging databricks_obo_token." in err and "within --fail-within 89" in err
    assert "time_rotating" not in err  # a schedule's next rotation (59 days) is no expiry
    assert cli("status", "--rehearsal", "--fail-within", "88")[0] == 0
