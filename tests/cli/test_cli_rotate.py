"""`mlops-cicd rotate` outside a rehearsal: one apply replacing each credential and its schedule; refuses
clearly, and writes nothing to the output directory, when the stack cannot be rotated from here."""

from __future__ import annotations

import json

import pytest

from helpers.cli import run_cli, run_json, write_config

OIDC_ACCOUNT = '[environments.account]\nhost = "https://accounts.cloud.databricks.com"\n' \
               'account_id = "0d6a1b2c-1111-2222-3333-444455556666"\n'


def _files(directory) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def test_rotate_of_a_never_deployed_stack_is_one_line_with_the_fix_and_writes_nothing(capsys, tmp_path):
    out = tmp_path / "out"
    code, _, err = run_cli(capsys, "rotate", "staging", "--config", str(write_config(tmp_path)), "--output", str(out))
    assert code == 3
    assert "has not been initialized" in err and "fix: deploy it first (`cdktf deploy staging`)" in err
    assert "Traceback" not in err
    assert not out.exists()


def test_rotate_unknown_environment_exits_2(capsys, tmp_path):
    code, _, err = run_cli(capsys, "rotate", "qa", "--config", str(write_config(tmp_path)))
    assert code == 2 and "unknown environment(s): qa" in err and "staging, prod" in err


def test_rotate_in_oidc_mode_has_nothing_to_rotate(capsys, tmp_path):
    text = write_config(tmp_path).read_text().replace('credential_mode = "pat"', 'credential_mode = "oidc"', 1).replace(
        'secret_placement = "repository"', 'secret_placement = "environment"\n' + OIDC_ACCOUNT, 1).replace(
        'server_url = "https://github.com"', 'server_url = "https://github.com"\noidc_subject = "names"', 1)
    config = tmp_path / "mlops-cicd.toml"
    config.write_text(text)
    out = tmp_path / "out"
    code, stdout, err = run_cli(capsys, "rotate", "staging", "--config", str(config), "--output", str(out))
    assert code == 0, err
    assert stdout.startswith("nothing to rotate in staging:") and "oidc" in stdout
    code, report = run_json(capsys, "rotate", "staging", "--json", "--config", str(config), "--output", str(out))
    assert code == 0 and report["rotated"] is False and report["changes"] == []
    assert not out.exists()


@pytest.fixture
def deployed_dir(tmp_path):
    """An output dir whose staging stack looks deployed (initialized) with an older cdk.tf.json."""
    stack = tmp_path / "out" / "stacks" / "staging"
    (stack / ".terraform").mkdir(parents=True)
    (stack / "cdk.tf.json").write_text('{"deployed": "before"}')
    return tmp_path / "out"


def test_rotate_without_the_deploy_variables_writes_nothing(capsys, tmp_path, deployed_dir, monkeypatch):
    monkeypatch.delenv("TF_VAR_git_read_token", raising=False)
    monkeypatch.delenv("TF_VAR_trigger_workflows_github_token", raising=False)
    before = _files(deployed_dir)
    code, _, err = run_cli(capsys, "rotate", "staging", "--config", str(write_config(tmp_path)), "--output", str(deployed_dir))
    assert code == 3 and "TF_VAR_git_read_token" in err and "not set" in err
    assert _files(deployed_dir) == before


@pytest.mark.terraform
def test_a_failing_terraform_leaves_the_output_directory_as_it_was(capsys, tmp_path, deployed_dir, monkeypatch):
    monkeypatch.setenv("TF_VAR_git_read_token", "offline-dummy-read")
    monkeypatch.setenv("TF_VAR_trigger_workflows_github_token", "offline-dummy-write")
    monkeypatch.setenv("TF_CLI_CONFIG_FILE", str(tmp_path / "no-such-terraformrc"))
    before = _files(deployed_dir)
    code, _, err = run_cli(capsys, "rotate", "staging", "--config", str(write_config(tmp_path)), "--output", str(deployed_dir))
    assert code == 3 and "terraform plan in" in err and "failed" in err  # no providers installed there
    assert _files(deployed_dir) == before


def _document(mode: str = "pat") -> dict:
    """The parts of a synthesized stack the rotation reads: credential, schedule, trigger, copies."""
    credential = ("databricks_obo_token", "tok", "${databricks_obo_token.tok.token_value}") if mode == "pat" else \
        ("databricks_service_principal_secret", "sec", "${databricks_service_principal_secret.sec.secret}")
    kind, name, value = credential
    return {
        "resource": {
            "time_rotating": {"sched": {"rotation_days": 60}},
            "time_static": {"trig": {"rfc3339": "${time_rotating.sched.rfc3339}"}},
            kind: {name: {"lifecycle": {"create_before_destroy": True, "replace_triggered_by": ["time_static.trig"]}}},
            "github_actions_secret": {"copy": {"plaintext_value": value}},
            "databricks_git_credential": {"git": {"force": True}},
        },
    }


@pytest.mark.parametrize("mode, credential", [("pat", "databricks_obo_token.tok"),
                                              ("oauth", "databricks_service_principal_secret.sec")])
def test_rotation_replaces_each_credential_and_its_schedule(mode, credential):
    from mlops_cicd.operations.rotation import rotation_targets

    # the schedule too: a new period renews the stamp the credential carries, and status dates it right
    assert rotation_targets(_document(mode)) == [credential, "time_rotating.sched"]


def test_a_stack_without_a_rotating_credential_has_no_targets():
    from mlops_cicd.operations.rotation import rotation_targets

    document = _document()
    del document["resource"]["databricks_obo_token"]
    assert rotation_targets(document) == []


def test_rotate_plans_the_replacement_and_applies_that_plan_once(tmp_path):
    from mlops_cicd.operations.rotation import PLAN_FILE, rotate

    calls: list[list[str]] = []
    plan = {"resource_changes": [
        {"address": "databricks_obo_token.tok", "change": {"actions": ["create", "delete"]}},
        {"address": "github_actions_secret.copy", "change": {"actions": ["update"]}},
        {"address": "databricks_git_credential.git", "change": {"actions": ["no-op"]}},
    ]}

    def terraform(args, fix):
        calls.append(list(args))
        return json.dumps(plan) if args[0] == "show" else ""

    changes = rotate("staging", ["databricks_obo_token.tok", "time_rotating.sched"], tmp_path, terraform)
    assert [(c.address, c.actions) for c in changes] == [("databricks_obo_token.tok", ("create", "delete")),
                                                         ("github_actions_secret.copy", ("update",))]
    assert [c.description for c in changes] == ["replaced: new one stored before the old one was deleted",
                                                "updated in place"]
    planned, shown, applied = calls
    assert planned[0] == "plan" and "-replace=databricks_obo_token.tok" in planned and "-replace=time_rotating.sched" in planned
    assert not any(a.startswith("-target") for a in planned)  # the whole stack, as a deploy
    assert shown[:2] == ["show", "-json"] and applied == ["apply", "-input=false", "-no-color", PLAN_FILE]
    assert not (tmp_path / PLAN_FILE).exists()


# --- rotate goes through synth's claims: this configuration's stacks and state ----------------------------

def test_rotate_refuses_the_stacks_of_another_configuration_file(capsys, tmp_path, deployed_dir):
    (deployed_dir / ".mlops-cicd-config").write_text(f"{tmp_path / 'other' / 'mlops-cicd.toml'}\n")
    before = _files(deployed_dir)
    code, _, err = run_cli(capsys, "rotate", "staging", "--config", str(write_config(tmp_path)), "--output", str(deployed_dir))
    assert code == 3 and f"holds the stacks of {tmp_path / 'other' / 'mlops-cicd.toml'}" in err
    assert _files(deployed_dir) == before


def _state(tmp_path, project: str = "mlops-demo-classifier"):
    return tmp_path / ".mlops-cicd" / "state" / project / "staging.tfstate"


def test_rotate_refuses_a_state_recorded_as_another_configuration_files(capsys, tmp_path, deployed_dir):
    state = _state(tmp_path)
    state.parent.mkdir(parents=True)
    state.write_text('{"version": 4, "serial": 3, "lineage": "l", "resources": []}')
    other = tmp_path / "copy.toml"
    state.with_name("staging.tfstate.owner.json").write_text(json.dumps({"project": "mlops-demo-classifier",
                                                                           "config": str(other)}))
    before = _files(deployed_dir)
    code, _, err = run_cli(capsys, "rotate", "staging", "--config", str(write_config(tmp_path)), "--output", str(deployed_dir))
    assert code == 3 and f"belongs to {other}" in err and str(tmp_path / "mlops-cicd.toml") in err
    assert _files(deployed_dir) == before


def test_rotate_refuses_while_the_state_is_still_at_its_old_place(capsys, tmp_path, deployed_dir):
    old = deployed_dir / "stacks" / "staging" / "terraform.staging.tfstate"
    old.write_text('{"version": 4, "serial": 3, "lineage": "l", "resources": []}')
    code, _, err = run_cli(capsys, "rotate", "staging", "--config", str(write_config(tmp_path)), "--output", str(deployed_dir))
    assert code == 3 and f"still at {old}" in err and "mlops-cicd synth" in err
    assert old.exists() and not _state(tmp_path).exists()
