"""rehearse, status --rehearsal and rotate --rehearsal against the offline providers. One rehearsal of
both stacks is made for the session (`rehearsed`, tests/cli/conftest.py); every test gets it as rehearsed
(what a test changes, e.g. the emulated clock or a rotation, is undone after it), so the tests do not depend on
their order."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from mlops_cicd.operations.rehearsal import RehearsedStack
from mlops_cicd_offline.world.base import digest
from mlops_cicd_offline.harness.terraform import Harness
from mlops_cicd_offline.harness.world import World

from helpers.cli import run_cli, run_json, write_config

# Under `make test` (pytest-xdist, --dist loadgroup) one worker runs this group: the session's rehearsal is made once.
pytestmark = pytest.mark.xdist_group("cli-rehearsal")

REPO = "ryuta-databricks/mlops-demo-classifier"
STAGING_HOST = "https://mlops-demo-staging.cloud.databricks.com"
PROD_HOST = "https://mlops-demo-prod.cloud.databricks.com"


def _declared_resources(rehearsal, stack: str) -> int:
    document = json.loads((rehearsal[2].parent / "cdktf.out" / "stacks" / stack / "cdk.tf.json").read_text())
    return sum(len(items) for items in document["resource"].values())


def _on(rehearsal, *argv: str) -> list[str]:
    _, config, directory = rehearsal
    return [*argv, "--config", str(config), "--rehearsal-dir", str(directory)]


def _credential(report: dict, stack: str, type_: str) -> dict:
    (entry,) = [s for s in report["stacks"] if s["name"] == stack]
    (credential,) = [c for c in entry["credentials"] if c["type"] == type_]
    return credential


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@pytest.mark.terraform
def test_rehearse_json_reports_each_stack_deployed_cleanly(rehearsal):
    report, _, directory = rehearsal
    assert report["ok"] is True and report["rehearsal_dir"] == str(directory)
    stacks = {s["name"]: s for s in report["stacks"]}
    assert set(stacks) == {"staging", "prod"}
    for stack in stacks.values():
        assert set(stack) == {"name", "steps", "resources_created", "ok", "failed_step", "invariants_broken"}
        assert stack["ok"] is True and stack["failed_step"] is None and stack["invariants_broken"] == []
        assert [s["step"] for s in stack["steps"]] == ["init", "validate", "plan", "apply", "replan"]
    for name, stack in stacks.items():
        assert stack["resources_created"] == _declared_resources(rehearsal, name)


@pytest.mark.terraform
def test_status_after_rehearsal_lists_each_environments_credentials(capsys, rehearsal):
    code, out, _ = run_cli(capsys, *_on(rehearsal, "status", "--rehearsal"))
    assert code == 0
    rows = [line.split() for line in out.splitlines() if "databricks_obo_token." in line]
    assert [row[0] for row in rows] == ["staging", "prod"]
    assert "(emulated clock)" in out and "0 warning(s)" in out

    code, report = run_json(capsys, *_on(rehearsal, "status", "--rehearsal", "--json"))
    assert code == 0 and report["clock"] == "emulated" and report["warnings"] == 0
    for stack in ("staging", "prod"):
        token = _credential(report, stack, "databricks_obo_token")
        created = _time(token["created"])
        assert _time(token["expires"]) - created == timedelta(days=90)
        assert _time(token["next_rotation"]) - created == timedelta(days=60)
        assert token["rotation"].startswith("time_rotating.") and token["warnings"] == []


@pytest.mark.terraform
def test_status_of_deployed_stacks_runs_terraform_show_in_each_stack_dir(capsys, rehearsal, monkeypatch, tmp_path):
    """The default source: `terraform show -json` in <outdir>/stacks/<env>, here the rehearsal's work dirs
    (initialized, local state) with the offline providers standing in for the real ones."""
    _, config, directory = rehearsal
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "stacks").symlink_to(directory / "work")
    for name, value in Harness(directory / "work", directory / "state").base_env().items():
        monkeypatch.setenv(name, value)
    code, report = run_json(capsys, "status", "--json", "--config", str(config), "--output", str(tmp_path / "out"))
    assert code == 0 and report["clock"] == "system"
    for stack in ("staging", "prod"):
        token = _credential(report, stack, "databricks_obo_token")
        assert token["created_estimated"] is False and token["rotation"].startswith("time_rotating.")


@pytest.mark.terraform
def test_status_after_moving_the_emulated_clock_warns(capsys, rehearsal):
    _, _, directory = rehearsal
    before = run_json(capsys, *_on(rehearsal, "status", "--rehearsal", "--json"))[1]
    World(directory / "state").advance_clock(days=80)
    code, after = run_json(capsys, *_on(rehearsal, "status", "--rehearsal", "--json"))
    assert code == 0
    assert _time(after["as_of"]) - _time(before["as_of"]) >= timedelta(days=80)
    token = _credential(after, "staging", "databricks_obo_token")
    assert token["days_left"] < 14
    assert any(w.startswith(f"expires in {token['days_left']} day(s)") for w in token["warnings"])
    schedule = _credential(after, "staging", "time_rotating")
    assert any(w.startswith("rotation due since") for w in schedule["warnings"])
    code, _, _ = run_cli(capsys, *_on(rehearsal, "status", "--rehearsal", "--fail-on-warning"))
    assert code == 1


@pytest.mark.terraform
def test_rotate_staging_yields_a_new_token_and_github_secret_and_leaves_prod(capsys, rehearsal):
    world = World(rehearsal[2] / "state")
    world.advance_clock(days=80)  # both stacks' tokens are close to expiry and their rotation is due
    (old_token,) = world.tokens(STAGING_HOST)
    old_secret = world.reveal_secret(REPO, "STAGING_WORKSPACE_TOKEN")
    prod_tokens = world.tokens(PROD_HOST)

    code, result = run_json(capsys, *_on(rehearsal, "rotate", "staging", "--rehearsal", "--json"))
    assert code == 0 and result["stack"] == "staging" and result["rehearsal"] is True
    actions = {c["address"].split(".")[0]: c["actions"] for c in result["changes"]}
    assert actions["databricks_obo_token"] == ["create", "delete"]  # the new token first, the old one last
    assert actions["github_actions_secret"] == ["update"]  # written in place: never absent
    assert "databricks_git_credential" not in actions  # managed by the deployer: untouched by a rotation
    (sp,) = world.service_principals(STAGING_HOST)
    assert list(world.git_credentials(STAGING_HOST)) == [sp["application_id"]]
    with RehearsedStack(rehearsal[2], "staging") as rehearsed:
        assert rehearsed.stack.plan().no_changes

    (new_token,) = world.tokens(STAGING_HOST)
    new_secret = world.reveal_secret(REPO, "STAGING_WORKSPACE_TOKEN")
    assert new_token["token_id"] != old_token["token_id"]
    assert new_secret != old_secret and digest(new_secret) == new_token["value_sha256"]
    assert world.tokens(PROD_HOST) == prod_tokens

    code, report = run_json(capsys, *_on(rehearsal, "status", "--rehearsal", "--json"))
    token = _credential(report, "staging", "databricks_obo_token")
    assert token["warnings"] == [] and token["days_left"] >= 89
    assert _credential(report, "prod", "databricks_obo_token")["warnings"]  # prod was not rotated


@pytest.mark.terraform
def test_rotate_in_oauth_mode(capsys, tmp_path):
    """A due OAuth secret: the plain plan shows the rotation (nothing authenticates as the SP any more);
    `rotate` applies it in one apply."""
    text = write_config(tmp_path).read_text().replace('credential_mode = "pat"', 'credential_mode = "oauth"', 1)
    (tmp_path / "mlops-cicd.toml").write_text(text)
    on = ["--config", str(tmp_path / "mlops-cicd.toml"), "--rehearsal-dir", str(tmp_path / "rehearsal")]
    code, _, err = run_cli(capsys, "rehearse", "staging", *on, "--output", str(tmp_path / "out"))
    assert code == 0, err
    world = World(tmp_path / "rehearsal" / "state")
    old = world.reveal_secret(REPO, "STAGING_DATABRICKS_CLIENT_SECRET")
    world.advance_clock(days=61)  # the 60-day schedule is due
    rehearsed = RehearsedStack(tmp_path / "rehearsal", "staging")
    stack = rehearsed.stack
    assert stack.plan().mentions("databricks_service_principal_secret.oauth_secret_59586BC7 will be replaced")

    code, result = run_json(capsys, "rotate", "staging", "--rehearsal", "--json", *on)
    assert code == 0
    actions = {c["address"].split(".")[0]: c["actions"] for c in result["changes"]}
    assert actions["databricks_service_principal_secret"] == ["create", "delete"]
    new = world.reveal_secret(REPO, "STAGING_DATABRICKS_CLIENT_SECRET")
    (live,) = world.oauth_secrets(STAGING_HOST)
    assert new != old and digest(new) == live["secret_hash"]
    (sp,) = world.service_principals(STAGING_HOST)
    assert list(world.git_credentials(STAGING_HOST)) == [sp["application_id"]]
    replan = stack.plan()
    rehearsed.own_pool.close()
    assert replan.no_changes, replan.output

    code, out, _ = run_cli(capsys, "rotate", "staging", "--rehearsal", *on)  # text output, rotating again
    assert code == 0 and "rotated staging (offline rehearsal) in one apply:" in out and "databricks_service_principal_secret." in out


@pytest.mark.terraform
def test_failed_rehearsal_exits_1_and_shows_the_failing_step(capsys, tmp_path):
    broken = write_config(tmp_path).read_text().replace(  # staging's token group does not exist
        'secret_placement = "repository"', 'secret_placement = "repository"\n[environments.token_usage]\ngroup = "no-such-group"', 1)
    (tmp_path / "mlops-cicd.toml").write_text(broken)
    code, out, _ = run_cli(capsys, "rehearse", "staging", "--config", str(tmp_path / "mlops-cicd.toml"),
                           "--rehearsal-dir", str(tmp_path / "rehearsal"), "--output", str(tmp_path / "out"))
    assert code == 1
    assert "[staging] FAILED at" in out and "no-such-group" in out


def test_status_and_rotate_without_a_rehearsal_say_to_run_one(capsys, tmp_path):
    config = str(write_config(tmp_path))
    for argv in (["status", "--rehearsal"], ["rotate", "staging", "--rehearsal"]):
        code, _, err = run_cli(capsys, *argv, "--config", config, "--rehearsal-dir", str(tmp_path / "none"))
        assert code == 3
        assert "no rehearsed state for staging" in err and "fix: run `mlops-cicd rehearse`" in err


def test_rehearse_unknown_environment_exits_2(capsys, tmp_path):
    code, _, err = run_cli(capsys, "rehearse", "qa", "--config", str(write_config(tmp_path)))
    assert code == 2 and "unknown environment(s): qa" in err


@pytest.mark.terraform
def test_another_configuration_cannot_rehearse_over_this_rehearsal(rehearsal, capsys, tmp_path):
    _, config, directory = rehearsal
    other = tmp_path / "other" / "mlops-cicd.toml"  # another project's file (here: the same settings)
    other.parent.mkdir()
    other.write_text(config.read_text())
    world = (directory / "state" / "world.json").read_bytes()
    code, _, err = run_cli(capsys, "rehearse", "--config", str(other), "--rehearsal-dir", str(directory),
                           "--output", str(tmp_path / "out"))
    assert code == 3 and f"holds the rehearsal of {config.resolve()}" in err
    assert (directory / "state" / "world.json").read_bytes() == world and not (tmp_path / "out").exists()
