"""What terraform and the stand-in providers inherit from the calling shell: none of its real credentials."""

from __future__ import annotations

import pytest

from mlops_cicd_offline.world.databricks.auth import DEPLOYER_TOKEN
from mlops_cicd_offline.world.base import digest
from mlops_cicd_offline.harness.terraform import Harness
from mlops_cicd_offline.harness.world import World

from helpers.offline import deployed, fixture_stack, initialized

HOST = "https://fixture-ws.cloud.databricks.com"

REAL_CREDENTIALS = {
    "GITHUB_TOKEN": "ghp_real-user-token", "GH_TOKEN": "gho_real-cli-token",
    "TF_VAR_git_read_token": "ghp_real-variable", "TF_VAR_unrelated": "real-value",
    "AWS_ACCESS_KEY_ID": "AKIAREAL", "AWS_SECRET_ACCESS_KEY": "real-aws-secret", "AWS_PROFILE": "prod",
    "ARM_CLIENT_SECRET": "real-azure-secret", "GOOGLE_CREDENTIALS": "{real gcp key}",
    "PG_CONN_STR": "postgres://real:secret@db.example/state",
    "DATABRICKS_HOST": "https://real.cloud.databricks.com", "DATABRICKS_TOKEN": "dapi-real",
}


def test_real_credentials_of_the_calling_shell_are_not_inherited(harness, monkeypatch):
    for name, value in REAL_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("MLOPS_UNRELATED_SETTING", "kept")
    env = harness.prepare("minimal", fixture_stack("minimal")).env
    assert not set(REAL_CREDENTIALS.values()) & set(env.values())
    assert {k for k in env if k.startswith("TF_VAR_")} == {"TF_VAR_git_read_token"}  # the harness's dummy
    assert env["TF_VAR_git_read_token"].startswith("offline-dummy-")
    assert env["DATABRICKS_TOKEN"] == DEPLOYER_TOKEN and "DATABRICKS_HOST" not in env
    assert env["MLOPS_UNRELATED_SETTING"] == "kept" and "PATH" in env


def test_a_caller_passes_what_it_needs_explicitly(harness, offline_build, monkeypatch):
    monkeypatch.setenv("PG_CONN_STR", "postgres://real:secret@db.example/state")
    explicit = Harness(harness.work_root, harness.state_dir, offline_build.root,
                       extra_env={"PG_CONN_STR": "postgres://throwaway@localhost/test", "TF_VAR_extra": "x"})
    env = explicit.base_env()
    assert env["PG_CONN_STR"] == "postgres://throwaway@localhost/test" and env["TF_VAR_extra"] == "x"


@pytest.mark.terraform
def test_the_providers_do_not_see_the_shells_github_token(either_harness, monkeypatch, tmp_path):
    """Without personal_access_token the git credential falls back to GITHUB_TOKEN of the provider's
    environment (as the real provider does): the shell's one never gets there, only one passed explicitly;
    whether terraform launched the provider or it serves from the pool (which reads each command's
    environment from a file)."""
    harness = either_harness
    config = fixture_stack("minimal")
    (credential,) = config["resource"]["databricks_git_credential"].values()
    del credential["personal_access_token"]
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_real-user-token")
    stack = initialized(harness, "minimal", config)
    result = stack.apply()
    assert result.exit_code != 0 and result.mentions("GITHUB_TOKEN is not in the environment")

    explicit = Harness(tmp_path / "work-explicit", tmp_path / "state-explicit", harness.build.root,
                       extra_env={"GITHUB_TOKEN": "ghp_explicit-test-token"}, pool=harness.pool)
    deployed(explicit, "minimal", config)
    (stored,) = World(explicit.state_dir).git_credentials(HOST).values()
    assert stored["token_sha256"] == digest("ghp_explicit-test-token")
