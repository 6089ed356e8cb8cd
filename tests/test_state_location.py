"""Local state lives beside the configuration file (`.mlops-cicd/state/<project>/<env>.tfstate`), outside every
generated directory, in a directory only its owner can read; synth moves state out of the output
directory, never deletes any, and leaves no stack of an environment that is no longer configured.
The terraform tests run what users run: terraform in the stack directory, `cdktf deploy`, `make clean`.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from mlops_cicd.app import synth
from mlops_cicd.errors import UserError
from mlops_cicd.config import ConfigError, load_config

from helpers import ROOT

STAGING_HOST = "https://mlops-demo-staging.cloud.databricks.com"
PROJECT = "mlops-demo-classifier"  # the shipped configuration's project
MAKEFILE = ROOT / "Makefile"
CDKTF = ROOT / "node_modules" / ".bin" / "cdktf"


@pytest.fixture
def project(tmp_path) -> Path:
    """A user's project: the shipped configuration in a directory of its own."""
    directory = tmp_path / "project"
    directory.mkdir()
    shutil.copy(ROOT / "mlops-cicd.toml", directory / "mlops-cicd.toml")
    return directory


def configure(project: Path, extra: str) -> None:
    """Append TOML to the staging environment's table (it is the first one in the shipped file)."""
    path = project / "mlops-cicd.toml"
    text = path.read_text()
    marker = "[environments.backend]\ntype = \"local\"\n"
    assert marker in text, "the shipped config changed: update this helper"
    path.write_text(text.replace(marker, marker + extra, 1))


def synth_project(project: Path, outdir: Path | None = None, config: str = "mlops-cicd.toml") -> Path:
    return synth(load_config(project / config), outdir or project / "cdktf.out")


def state_file(project: Path, env: str = "staging", name: str = PROJECT) -> Path:
    return project / ".mlops-cicd" / "state" / name / f"{env}.tfstate"


def another_configuration(project: Path, file: str, name: str) -> Path:
    """A second configuration file beside the shipped one, for project `name`."""
    text = (project / "mlops-cicd.toml").read_text()
    assert f'name = "{PROJECT}"' in text
    (project / file).write_text(text.replace(f'name = "{PROJECT}"', f'name = "{name}"', 1))
    return project / file


def backend_path(outdir: Path, env: str = "staging") -> str:
    return json.loads((outdir / "stacks" / env / "cdk.tf.json").read_text())["terraform"]["backend"]["local"]["path"]


def state_document(serial: int) -> str:
    return json.dumps({"version": 4, "serial": serial, "lineage": "l-1", "resources": []})


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- where state lives -------------------------------------------------------------------------------

def test_state_is_written_beside_the_configuration_as_an_absolute_path(project):
    outdir = synth_project(project)
    expected = project.resolve() / ".mlops-cicd" / "state" / PROJECT
    assert backend_path(outdir) == str(expected / "staging.tfstate")
    assert backend_path(outdir, "prod") == str(expected / "prod.tfstate")


def test_two_configurations_in_one_directory_get_two_states(project):
    """alpha.toml and beta.toml beside each other: one state each, or beta's deploy replaces alpha's objects."""
    another_configuration(project, "alpha.toml", "alpha")
    another_configuration(project, "beta.toml", "beta")
    alpha = backend_path(synth_project(project, project / "out-alpha", "alpha.toml"))
    beta = backend_path(synth_project(project, project / "out-beta", "beta.toml"))
    assert alpha == str(state_file(project.resolve(), name="alpha"))
    assert beta == str(state_file(project.resolve(), name="beta"))
    owner = json.loads(Path(f"{alpha}.owner.json").read_text())
    assert owner == {"project": "alpha", "config": str((project / "alpha.toml").resolve()), "environment": "staging"}


def test_a_state_recorded_as_another_configuration_files_is_refused_naming_both(project):
    """Two configuration files with one project name in one directory: the second must not take the state."""
    synth_project(project, project / "out-1")
    copy = another_configuration(project, "copy.toml", PROJECT)
    with pytest.raises(UserError) as caught:
        synth_project(project, project / "out-2", "copy.toml")
    message = str(caught.value)
    assert str((project / "mlops-cicd.toml").resolve()) in message and str(copy.resolve()) in message
    assert str(state_file(project.resolve())) in message and "[project] name" in caught.value.fix
    assert not (project / "out-2").exists()


def test_a_relative_configured_path_is_relative_to_the_configuration_file(project, tmp_path, monkeypatch):
    configure(project, 'path = "state/staging.tfstate"\n')
    monkeypatch.chdir(tmp_path)  # not the project: the path must not depend on where synth runs
    outdir = synth_project(project)
    assert backend_path(outdir) == str(project.resolve() / "state" / "staging.tfstate")


def test_the_state_directory_is_owner_only_even_with_a_permissive_umask(project):
    previous = os.umask(0o002)
    try:
        synth_project(project)
    finally:
        os.umask(previous)
    assert mode(state_file(project).parent) == 0o700
    assert mode(project / ".mlops-cicd" / "state") == 0o700
    assert mode(project / ".mlops-cicd") == 0o700


def test_an_existing_readable_state_directory_is_tightened(project):
    state_dir = state_file(project).parent
    state_dir.mkdir(parents=True)
    for directory in (state_dir, state_dir.parent, state_dir.parent.parent):
        directory.chmod(0o755)
    synth_project(project)
    assert [mode(d) for d in (state_dir, state_dir.parent, state_dir.parent.parent)] == [0o700] * 3


def test_a_configured_path_inside_the_output_directory_is_refused(project):
    configure(project, 'path = "cdktf.out/state/staging.tfstate"\n')
    with pytest.raises(ConfigError) as caught:
        synth_project(project)
    assert [p.field for p in caught.value.problems] == ["environments[staging].backend.path"]
    assert "make clean" in caught.value.problems[0].message
    assert not (project / "cdktf.out").exists()


# --- the old place: moved, or refused with both named -----------------------------------------------

def test_state_at_the_old_place_is_moved_out_with_its_backup(project, capsys):
    old = project / "cdktf.out" / "stacks" / "staging" / "terraform.staging.tfstate"
    old.parent.mkdir(parents=True)
    old.write_text(state_document(7))
    Path(f"{old}.backup").write_text(state_document(6))

    synth_project(project)

    new = state_file(project)
    assert json.loads(new.read_text())["serial"] == 7 and json.loads(Path(f"{new}.backup").read_text())["serial"] == 6
    assert not old.exists() and not Path(f"{old}.backup").exists()
    moved = [line for line in capsys.readouterr().err.splitlines() if "moved the state" in line]
    assert moved == [f"mlops-cicd: moved the state of staging from the old place, in the output directory: "
                     f"{old.resolve()} -> {new.resolve()}"]


def test_state_at_an_old_relative_configured_path_is_moved_to_where_that_path_now_points(project):
    configure(project, 'path = "staging.tfstate"\n')
    old = project / "cdktf.out" / "stacks" / "staging" / "staging.tfstate"
    old.parent.mkdir(parents=True)
    old.write_text(state_document(3))
    synth_project(project)
    assert json.loads((project / "staging.tfstate").read_text())["serial"] == 3 and not old.exists()


def test_state_in_both_places_is_refused_naming_both_and_nothing_is_synthesized(project):
    old = project / "cdktf.out" / "stacks" / "staging" / "terraform.staging.tfstate"
    old.parent.mkdir(parents=True)
    old.write_text(state_document(4))
    new = state_file(project)
    new.parent.mkdir(parents=True)
    new.write_text(state_document(9))

    with pytest.raises(UserError) as caught:
        synth_project(project)

    message, fix = str(caught.value), caught.value.fix
    assert str(old.resolve()) in message and str(new.resolve()) in message
    assert "serial 4" in message and "serial 9" in message
    assert f"`mv {old.resolve()} {new.resolve()}`" in fix and f"`rm {old.resolve()}`" in fix
    assert json.loads(old.read_text())["serial"] == 4 and json.loads(new.read_text())["serial"] == 9
    assert not (project / "cdktf.out" / "manifest.json").exists()


def previous_default(project: Path, serial: int, owner: Path | None = None) -> Path:
    """A state where the previous version kept it, `.mlops-cicd/state/<env>.tfstate`, recorded as `owner`'s."""
    old = project / ".mlops-cicd" / "state" / "staging.tfstate"
    old.parent.mkdir(parents=True, exist_ok=True)
    old.write_text(state_document(serial))
    Path(f"{old}.backup").write_text(state_document(serial - 1))
    if owner is not None:
        Path(f"{old}.owner.json").write_text(json.dumps({"project": PROJECT, "config": str(owner.resolve())}))
    return old


def test_a_state_at_the_previous_default_place_recorded_as_this_configurations_is_moved(project):
    old = previous_default(project, 5, owner=project / "mlops-cicd.toml")
    synth_project(project)
    new = state_file(project)
    assert json.loads(new.read_text())["serial"] == 5 and json.loads(Path(f"{new}.backup").read_text())["serial"] == 4
    assert not old.exists() and not Path(f"{old}.backup").exists()


def test_a_state_at_the_previous_default_place_recorded_as_another_configurations_is_left_alone(project):
    old = previous_default(project, 5, owner=project / "other.toml")
    synth_project(project)
    assert json.loads(old.read_text())["serial"] == 5 and not state_file(project).exists()


def test_an_unrecorded_state_at_the_previous_default_place_is_refused_with_the_command_to_move_it(project):
    old = previous_default(project, 5)
    with pytest.raises(UserError) as caught:
        synth_project(project)
    new = state_file(project)
    assert str(old.resolve()) in str(caught.value) and PROJECT in str(caught.value)
    assert f"mv {old.resolve()} {new.resolve()} && mv {old.resolve()}.backup {new.resolve()}.backup" in caught.value.fix
    assert old.exists() and not new.exists() and not (project / "cdktf.out").exists()


def test_a_backup_left_at_the_old_place_without_its_state_is_refused_not_deleted(project):
    backup = project / "cdktf.out" / "stacks" / "staging" / "terraform.staging.tfstate.backup"
    backup.parent.mkdir(parents=True)
    backup.write_text(state_document(5))  # the last good state, perhaps: never deleted unseen
    with pytest.raises(UserError) as caught:
        synth_project(project)
    assert str(backup) in str(caught.value) and backup.exists()


# --- leftovers -------------------------------------------------------------------------------------------

def test_stacks_of_environments_no_longer_configured_are_removed(project):
    outdir = synth_project(project)
    qa = outdir / "stacks" / "qa"
    shutil.copytree(outdir / "stacks" / "staging", qa)
    synth_project(project)
    assert sorted(p.name for p in (outdir / "stacks").iterdir()) == ["prod", "staging"]


def test_an_unrelated_directory_under_the_output_s_stacks_is_never_deleted(project, capsys):
    """`--output DIR` naming a directory that already holds the user's files: synth writes its stacks
    beside them and deletes nothing it did not make."""
    user_file = project / "shared" / "stacks" / "important" / "data.txt"
    user_file.parent.mkdir(parents=True)
    user_file.write_text("precious")
    synth_project(project, project / "shared")
    assert user_file.read_text() == "precious"
    assert "left " in capsys.readouterr().err
    synth_project(project, project / "shared")  # now recorded as this configuration's output: still kept
    assert user_file.read_text() == "precious"
    assert f"left {user_file.parent.resolve()} as it is" in capsys.readouterr().err


def test_cdktf_outdir_holding_user_files_in_a_stack_directory_keeps_them(project, monkeypatch):
    outdir = project / "elsewhere"
    monkeypatch.setenv("CDKTF_OUTDIR", str(outdir))
    synth(load_config(project / "mlops-cicd.toml"))
    notes = outdir / "stacks" / "qa" / "notes.md"
    notes.parent.mkdir()
    (notes.parent / "cdk.tf.json").write_text("{}")
    notes.write_text("mine")
    synth(load_config(project / "mlops-cicd.toml"))
    assert notes.read_text() == "mine"


def test_a_state_file_in_a_stack_no_longer_configured_is_refused_and_kept(project):
    outdir = synth_project(project)
    qa_state = outdir / "stacks" / "qa" / "terraform.qa.tfstate"
    qa_state.parent.mkdir()
    qa_state.write_text(state_document(2))
    staging_before = (outdir / "stacks" / "staging" / "cdk.tf.json").stat().st_mtime_ns

    with pytest.raises(UserError) as caught:
        synth_project(project)

    assert str(qa_state) in str(caught.value) and "no longer configured" in str(caught.value)
    assert "mv " in caught.value.fix
    assert qa_state.exists() and (outdir / "stacks" / "staging" / "cdk.tf.json").stat().st_mtime_ns == staging_before


def test_make_clean_refuses_while_state_is_in_the_output_directory(project):
    stray = project / "cdktf.out" / "stacks" / "staging" / "terraform.staging.tfstate"
    stray.parent.mkdir(parents=True)
    stray.write_text(state_document(1))
    result = subprocess.run(["make", "-s", "-f", str(MAKEFILE), "-C", str(project), "clean"], capture_output=True, text=True)
    assert result.returncode != 0
    assert "cdktf.out/stacks/staging/terraform.staging.tfstate" in result.stdout + result.stderr
    assert stray.exists()


# --- through what users run: terraform, cdktf deploy, make clean (offline stand-in providers) ------------

def offline_env(tmp_path: Path, stack_document: dict) -> tuple[dict[str, str], "World"]:
    """The environment of a deploy against the stand-in providers: terraform finds them through the build's
    CLI config, the deployer has the emulator's dummy token, the stack's TF_VAR_* get dummy values."""
    from mlops_cicd_offline.harness.terraform import Harness, dummy_variables
    from mlops_cicd_offline.harness.world import World

    harness = Harness(tmp_path / "work", tmp_path / "world")
    harness.state_dir.mkdir(parents=True, exist_ok=True)
    env = {**harness.base_env(), **dummy_variables(stack_document, "state-location")}
    env["PATH"] = f"{ROOT / 'node_modules' / 'node' / 'bin'}{os.pathsep}{env['PATH']}"  # cdktf on Node 22
    return env, World(harness.state_dir)


def run(argv: list, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"{argv} exited {result.returncode}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def lock_providers(stack_dir: Path, env: dict[str, str]) -> None:
    """`terraform init` writes .terraform.lock.hcl from the local mirror, so cdktf does not run
    `terraform providers lock`, which ignores mirrors and needs the registry."""
    run(["terraform", "init", "-input=false", "-no-color"], stack_dir, env)


@pytest.mark.terraform
@pytest.mark.slow
def test_state_survives_make_clean_and_a_redeploy_creates_no_second_service_principal(project, tmp_path):
    (project / "cdktf.json").write_text(json.dumps({
        "language": "python", "app": f"{sys.executable} {ROOT / 'main.py'}", "projectId": "state-location-test",
        "sendCrashReports": "false", "terraformProviders": [], "terraformModules": [], "context": {}}))
    stack_dir = synth_project(project) / "stacks" / "staging"
    env, world = offline_env(tmp_path, json.loads((stack_dir / "cdk.tf.json").read_text()))
    deploy = [CDKTF, "deploy", "staging", "--auto-approve"]  # synthesizes with main.py, as for users

    lock_providers(stack_dir, env)
    run(deploy, project, env)
    (first,) = world.service_principals(STAGING_HOST)
    state = state_file(project)
    assert state.is_file() and mode(state.parent) == 0o700

    run(["make", "-s", "-f", MAKEFILE, "clean"], project, env)
    assert not (project / "cdktf.out").exists() and state.is_file()

    # The redeploy: synth and terraform, as `cdktf deploy` runs them (its own path is the first deploy's).
    stack_dir = synth_project(project) / "stacks" / "staging"
    lock_providers(stack_dir, env)
    run(["terraform", "apply", "-input=false", "-no-color", "-auto-approve"], stack_dir, env)
    assert [sp["id"] for sp in world.service_principals(STAGING_HOST)] == [first["id"]]
    assert len(world.tokens(STAGING_HOST)) == 1


@pytest.mark.terraform
def test_a_deployment_whose_state_was_at_the_old_place_carries_on_after_synth_moves_it(project, tmp_path):
    stack_dir = synth_project(project) / "stacks" / "staging"
    document = json.loads((stack_dir / "cdk.tf.json").read_text())
    document["terraform"]["backend"]["local"]["path"] = "terraform.staging.tfstate"  # what earlier versions wrote
    (stack_dir / "cdk.tf.json").write_text(json.dumps(document))
    env, world = offline_env(tmp_path, document)
    run(["terraform", "init", "-input=false", "-no-color"], stack_dir, env)
    run(["terraform", "apply", "-input=false", "-no-color", "-auto-approve"], stack_dir, env)
    assert (stack_dir / "terraform.staging.tfstate").is_file() and len(world.service_principals(STAGING_HOST)) == 1

    synth_project(project)

    assert not (stack_dir / "terraform.staging.tfstate").exists()
    # The backend's new path needs no `-migrate-state`, and terraform finds the deployment in the moved state.
    run(["terraform", "init", "-input=false", "-no-color"], stack_dir, env)
    plan = run(["terraform", "plan", "-input=false", "-no-color", "-detailed-exitcode"], stack_dir, env)
    assert "No changes." in plan.stdout
    assert len(world.service_principals(STAGING_HOST)) == 1
