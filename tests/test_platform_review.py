"""Platform mode under review (issue 11): each test states what a user should see where an independent review of
dbbf541 found a project's deploy able to harm another's, or the tool silently doing the wrong thing; each failed
on that commit."""

from __future__ import annotations

import json

import pytest

from helpers.cli import run_cli
from test_platform import _errors, pat_project, platform_copy, synthesized

from mlops_cicd.checks import run_checks
from mlops_cicd.checks.run import ChecksFailed
from mlops_cicd.config import ConfigError
from mlops_cicd.errors import UserError
from mlops_cicd.fleet import load_fleet
from mlops_cicd.operations.rotate_environment import rotate_environment

PERMISSION = 'token_usage = { mode = "permission", keep_can_use = ["group:data-engineers"] }'


def test_one_project_s_suppression_cannot_hide_that_it_revokes_another_project_s_tokens(tmp_path):
    """churn-model manages staging's token permission and suppresses MLOPS007 in its own file; pricing, on the same
    workspace, uses tokens through its group, which the permission does not list: its CI tokens are revoked."""
    suppress = '\n[[checks.suppress]]\nid = "MLOPS007"\nreason = "we own the token permission of staging"\nenvironment = "staging"\n'
    config = platform_copy(tmp_path, **{"churn-model": pat_project("churn-model", "churn-model", extra=PERMISSION) + suppress,
                                        "pricing": pat_project("pricing", "pricing")})
    # reported where pricing can see it (its own stack), or not suppressible by churn-model alone
    assert "MLOPS007" in _errors(config, tmp_path / "out")


def _deployed_looking(config, tmp_path, stack: str):
    output = tmp_path / "out"
    (output / "stacks" / stack / ".terraform").mkdir(parents=True)  # as after `cdktf deploy`
    return output


def test_rotate_checks_the_stack_against_every_project_as_synth_does(tmp_path, monkeypatch):
    """rotate applies the whole stack after checking it: it must refuse what synth refuses (here MLOPS007: the
    permission revokes pricing's tokens), not only what the project's own stacks show."""
    monkeypatch.delenv("TF_VAR_git_read_token", raising=False)
    config = platform_copy(tmp_path, **{"churn-model": pat_project("churn-model", "churn-model", extra=PERMISSION),
                                        "pricing": pat_project("pricing", "pricing")})
    stack = load_fleet(config).select(["churn-model-staging"])[0]
    with pytest.raises(ChecksFailed, match="MLOPS007"):  # was: UserError, TF_VAR_* not set (the checks passed)
        rotate_environment(stack.config, stack.name, output=_deployed_looking(config, tmp_path, stack.name),
                           rehearsal_dir=None, fleet=load_fleet(config))


def test_rotate_honours_the_project_s_suppressions(tmp_path, monkeypatch):
    """A finding the project suppressed for its `prod` (stack pricing-prod) passes synth; rotate must not refuse it
    (the suppression was matched against a stack `prod`, not `pricing-prod`)."""
    monkeypatch.delenv("TF_VAR_git_read_token", raising=False)
    suppress = '\n[[checks.suppress]]\nid = "MLOPS013"\nreason = "alice approves alone until a second lead joins"\nenvironment = "prod"\n'
    one_reviewer = 'github_environment = { reviewers = { teams = [], users = ["alice-ml"] } }'
    pricing = pat_project("pricing", "pricing").replace('name = "prod"', f'name = "prod"\n{one_reviewer}')
    config = platform_copy(tmp_path, pricing=pricing)
    assert "MLOPS013" in _errors(config, tmp_path / "unsuppressed")  # the finding exists...
    config = platform_copy(tmp_path / "suppressed", pricing=pricing + suppress)
    assert not _errors(config, tmp_path / "synth")  # ...and synth accepts it suppressed
    stack = load_fleet(config).select(["pricing-prod"])[0]
    with pytest.raises(UserError, match="TF_VAR_"):  # past the checks, stopped by the missing deploy variables
        rotate_environment(stack.config, stack.name, output=_deployed_looking(config, tmp_path, stack.name),
                           rehearsal_dir=None, fleet=load_fleet(config))


def test_rotate_of_a_stack_reads_that_stack_s_environment(capsys, tmp_path):
    """Project `eu` with environments `eu-prod` (oidc) and `prod` (pat): stack `eu-prod` is the pat one. rotate must
    not answer "nothing to rotate (oidc)" for it (nor status read another workspace for it)."""
    oidc = ('credential_mode = "oidc"\nworkspace_host = "https://acme-ml-eu.cloud.databricks.com"\naccount = { host = '
            '"https://accounts.cloud.databricks.com", account_id = "0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6" }')
    eu = pat_project("eu", "eu").replace('name = "staging"', f'name = "eu-prod"\n{oidc}')
    eu = eu.replace('repository = "eu"', 'repository = "eu"\noidc_subject = "names"')
    config = platform_copy(tmp_path, eu=eu)
    assert [s.name for s in load_fleet(config).stacks if s.project == "eu"] == ["eu-eu-prod", "eu-prod"]
    code, out, err = run_cli(capsys, "--config", str(config), "rotate", "eu-prod", "--output", str(tmp_path / "out"))
    assert "nothing to rotate" not in out and code != 0 and "never deployed" in err


def test_a_project_s_glob_selects_only_that_project_or_the_names_are_refused(tmp_path):
    """README: `cdktf deploy 'churn-model-*'` deploys one project. With a project `churn-model-v2` beside it, that glob
    (cdktf: minimatch on stack names) also deploys churn-model-v2's staging and prod."""
    config = platform_copy(tmp_path, **{"churn-model-v2": pat_project("churn-model-v2", "churn-model-v2")})
    try:
        fleet = load_fleet(config)
    except ConfigError:
        return  # refused: the names overlap
    assert {s.project for s in fleet.select(["churn-model-*"])} == {"churn-model"}


def test_status_from_saved_states_of_several_projects(capsys, tmp_path):
    config = platform_copy(tmp_path)
    output = tmp_path / "out"
    synthesized(config, output)
    empty = tmp_path / "empty.json"
    empty.write_text(json.dumps({"format_version": "1.0", "values": {"root_module": {"resources": []}}}))
    code, out, err = run_cli(capsys, "--config", str(config), "status", "--output", str(output), "--json",
                             "--from-json", f"churn-model-staging={empty}", "--from-json", f"fraud-scoring-staging={empty}")
    assert code == 0, err  # was: exit 2, "fraud-scoring-staging is not a configured environment"
    assert {s["name"] for s in json.loads(out)["stacks"]} == {"churn-model-staging", "fraud-scoring-staging"}


def test_a_project_may_choose_another_backend_type_than_the_defaults(tmp_path):
    """[defaults.environment.backend] is s3; a project's `backend = { type = "pg" }` inherited bucket and region
    and is refused with "unknown field" for fields the project file does not contain."""
    pricing = pat_project("pricing", "pricing", extra='backend = { type = "pg" }')
    fleet = load_fleet(platform_copy(tmp_path, pricing=pricing))
    staging = fleet.select(["pricing-staging"])[0].env
    assert staging.backend.type == "pg"


def test_an_environment_name_that_is_not_a_string_is_a_config_error(tmp_path):
    broken = pat_project("pricing", "pricing").replace('name = "staging"', 'name = ["staging"]')
    with pytest.raises(ConfigError):  # was: TypeError (unhashable type: 'list'), "unexpected TypeError" in the CLI
        load_fleet(platform_copy(tmp_path, pricing=broken))


def test_run_checks_is_usable_here(tmp_path):
    """Sanity (not a defect): the helpers above see the cross-project findings synth reports."""
    config = platform_copy(tmp_path, **{"churn-model": pat_project("churn-model", "churn-model", extra=PERMISSION),
                                        "pricing": pat_project("pricing", "pricing")})
    report = run_checks(load_fleet(config), synthesized(config, tmp_path / "out"))
    assert any(f.check_id == "MLOPS007" and f.stack == "churn-model-staging" for f in report.errors)


def test_a_project_file_names_its_project(tmp_path):
    """The name keys the project's state (`<project>/<env>` keys, `.mlops-cicd/state/<project>/`): a file renamed
    without `[project]` would silently move every stack to new, empty state, and the next deploy duplicate it all."""
    nameless = pat_project("pricing", "pricing").replace('[project]\nname = "pricing"\n', "")
    with pytest.raises(ConfigError) as raised:
        load_fleet(platform_copy(tmp_path, pricing=nameless))
    assert any(p.field == "projects/pricing.toml: project" and "required field is missing" in p.message
               for p in raised.value.problems), raised.value


def test_a_token_usage_default_applies_to_pat_environments_only(tmp_path):
    """`token_usage` is refused outside pat mode; a default of it must not make every oauth and oidc project fail."""
    config = platform_copy(tmp_path)
    config.write_text(config.read_text().replace("[defaults.environment]\n",
                                                 '[defaults.environment]\ntoken_usage = { group = "ml-token-users" }\n'))
    fleet = load_fleet(config)
    assert {s.env.credential_mode: s.env.token_usage.group for s in fleet.stacks} == {
        "pat": "ml-token-users", "oauth": "mlops-service-principals", "oidc": "mlops-service-principals"}


def test_a_single_project_state_carries_over_into_a_platform_repository(tmp_path):
    """The state's owner record names the single-project file; turned into a platform repository with that file as
    the platform's, the project of that name keeps its state (no second set of resources)."""
    from mlops_cicd.local_state import owner_record, plan

    config = platform_copy(tmp_path, **{"churn-model": pat_project("churn-model", "churn-model").replace(
        'project_directory_grants = []', 'project_directory_grants = []\nbackend = { type = "local" }')})
    project = next(p for p in load_fleet(config).projects if p.project.name == "churn-model")
    state = config.parent / ".mlops-cicd" / "state" / "churn-model" / "staging.tfstate"
    state.parent.mkdir(parents=True)
    state.write_text('{"version": 4, "serial": 3, "resources": []}')
    owner_record(state).write_text(json.dumps({"project": "churn-model", "config": str(config), "environment": "staging"}))
    plan(project, tmp_path / "out")  # accepted: the platform's file with this project's name
    owner_record(state).write_text(json.dumps({"project": "pricing", "config": str(config), "environment": "staging"}))
    with pytest.raises(UserError, match="belongs to"):
        plan(project, tmp_path / "out")
