"""`mlops-cicd preflight ENV`: before terraform runs, names every missing variable and credential (never a value)
and says when the Terraform registry is unreachable and how to use a provider mirror instead."""

from __future__ import annotations

import time
import urllib.request

import pytest

from mlops_cicd.operations import preflight as checks_before_deploy

from helpers.cli import run_cli, run_json, write_config

SECRET = "ghp_" + "a1B2c3D4e5F6g7H8i9J0" * 2
DEPLOY_VARIABLES = ("TF_VAR_git_read_token", "TF_VAR_trigger_workflows_github_token")
CREDENTIALS = ("DATABRICKS_TOKEN", "DATABRICKS_CLIENT_ID", "DATABRICKS_CLIENT_SECRET", "DATABRICKS_CONFIG_PROFILE",
               "DATABRICKS_CONFIG_FILE", "GITHUB_TOKEN", "GITHUB_APP_ID", "PG_CONN_STR", "TF_CLI_CONFIG_FILE")


@pytest.fixture
def bare(monkeypatch, tmp_path):
    """An environment with nothing a deploy needs: no deploy variables, no credentials, no `gh`, an empty home."""
    for name in (*DEPLOY_VARIABLES, *CREDENTIALS):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PATH", "/nonexistent")
    return monkeypatch


@pytest.fixture
def reachable_registry(monkeypatch):
    """The registry answering (this machine cannot reach the real one), so only the environment is judged."""
    monkeypatch.setattr(checks_before_deploy, "registry_requirement",
                        lambda environ, *a, **k: checks_before_deploy.Requirement("Terraform registry", "ok", "reachable"))


def test_names_every_missing_variable_and_credential(capsys, tmp_path, bare, reachable_registry):
    code, report = run_json(capsys, "preflight", "staging", "--json", "--config", str(write_config(tmp_path)))
    assert code == 1 and report["ok"] is False and report["environment"] == "staging"
    errors = {r["what"]: r for r in report["requirements"] if r["severity"] == "error"}
    assert set(errors) == {*DEPLOY_VARIABLES, "Databricks deployer", "GitHub deployer"}
    assert "DATABRICKS_TOKEN" in errors["Databricks deployer"]["message"]
    assert "GITHUB_TOKEN" in errors["GitHub deployer"]["fix"]


def test_ready_when_everything_is_set_and_no_value_is_printed(capsys, tmp_path, bare, reachable_registry):
    for name in (*DEPLOY_VARIABLES, "DATABRICKS_TOKEN", "GITHUB_TOKEN"):
        bare.setenv(name, SECRET)
    code, out, err = run_cli(capsys, "preflight", "prod", "--config", str(write_config(tmp_path)))
    assert code == 0, out + err
    assert "preflight prod: ready to deploy" in out
    assert SECRET not in out + err


def test_a_pg_backend_needs_its_connection_string(capsys, tmp_path, bare, reachable_registry):
    config = write_config(tmp_path)
    config.write_text(config.read_text().replace('[environments.backend]\ntype = "local"',
                                                 '[environments.backend]\ntype = "pg"', 1))
    for name in (*DEPLOY_VARIABLES, "DATABRICKS_TOKEN", "GITHUB_TOKEN"):
        bare.setenv(name, SECRET)
    code, report = run_json(capsys, "preflight", "staging", "--json", "--config", str(config))
    (error,) = [r for r in report["requirements"] if r["severity"] == "error"]
    assert code == 1 and error["what"] == "state backend (pg)" and "PG_CONN_STR" in error["message"]
    bare.setenv("PG_CONN_STR", "postgres://deployer:" + SECRET + "@db/state")
    code, out, err = run_cli(capsys, "preflight", "staging", "--config", str(config))
    assert code == 0 and SECRET not in out + err


def test_an_unreachable_registry_is_named_with_the_mirror_fix_after_a_short_wait(capsys, tmp_path, bare):
    # The real registry: this machine cannot reach it (no network), which is exactly the case to report.
    for name in (*DEPLOY_VARIABLES, "DATABRICKS_TOKEN", "GITHUB_TOKEN"):
        bare.setenv(name, SECRET)
    started = time.monotonic()
    requirement = checks_before_deploy.registry_requirement({})
    assert time.monotonic() - started < checks_before_deploy.REGISTRY_TIMEOUT_SECONDS + 1
    assert requirement.severity == "error" and "registry.terraform.io is unreachable" in requirement.message
    assert "providers mirror" in requirement.fix and "filesystem_mirror" in requirement.fix
    code, out, _ = run_cli(capsys, "preflight", "staging", "--config", str(write_config(tmp_path)))
    assert code == 1 and "registry.terraform.io is unreachable" in out and "TF_CLI_CONFIG_FILE" in out


def test_a_configured_provider_mirror_counts_instead_of_the_registry(tmp_path):
    cli_config = tmp_path / "terraform.rc"
    cli_config.write_text('provider_installation {\n  filesystem_mirror { path = "/mirror" }\n}\n')
    requirement = checks_before_deploy.registry_requirement({"TF_CLI_CONFIG_FILE": str(cli_config)},
                                                            url="https://registry.invalid/")
    assert requirement.severity == "ok" and "provider_installation" in requirement.message


def test_hcp_terraform_token_variable_is_derived_from_the_host():
    # terraform v1.11.4 cliconfig: `_` stands for `.`, `__` for `-`
    assert checks_before_deploy._hcp_token_variable("app.terraform.io") == "TF_TOKEN_app_terraform_io"
    assert checks_before_deploy._hcp_token_variable("tfe.my-corp.example") == "TF_TOKEN_tfe_my__corp_example"


def test_unknown_environment_is_a_usage_error(capsys, tmp_path):
    code, _, err = run_cli(capsys, "preflight", "qa", "--config", str(write_config(tmp_path)))
    assert code == 2 and "unknown environment(s): qa" in err


def test_an_account_level_stack_warns_when_only_a_workspace_token_is_set(capsys, tmp_path, bare, reachable_registry):
    from .test_cli_rotate import OIDC_ACCOUNT

    text = write_config(tmp_path).read_text().replace('credential_mode = "pat"', 'credential_mode = "oidc"', 1).replace(
        'secret_placement = "repository"', 'secret_placement = "environment"\n' + OIDC_ACCOUNT, 1).replace(
        'server_url = "https://github.com"', 'server_url = "https://github.com"\noidc_subject = "names"', 1)
    config = tmp_path / "oidc.toml"
    config.write_text(text)
    for name in (*DEPLOY_VARIABLES, "DATABRICKS_TOKEN", "GITHUB_TOKEN"):
        bare.setenv(name, SECRET)
    code, report = run_json(capsys, "preflight", "staging", "--json", "--config", str(config))
    warnings = {r["what"]: r for r in report["requirements"] if r["severity"] == "warning"}
    assert code == 0 and "DATABRICKS_CLIENT_ID" in warnings["Databricks account"]["message"]
    code, report = run_json(capsys, "preflight", "prod", "--json", "--config", str(config))  # prod stays pat
    assert code == 0 and "Databricks account" not in {r["what"] for r in report["requirements"]}


def test_a_malformed_proxy_setting_is_named_without_its_password(monkeypatch):
    # urllib's ValueError quotes the whole proxy URL ("proxy URL with no authority: 'http:/user:...'"),
    # and a bad port is an InvalidURL, which used to escape as an unexpected error.
    for proxy in ("http:/deployer:proxy-password-1@proxy:3128", "http://deployer:proxy-password-1@proxy:3128x"):
        monkeypatch.setenv("HTTPS_PROXY", proxy)
        monkeypatch.setattr(urllib.request, "_opener", None)  # urlopen reads the proxies once, into this opener
        requirement = checks_before_deploy.registry_requirement({}, timeout=1)
        assert requirement.severity == "error" and "HTTPS_PROXY" in requirement.message
        assert "proxy-password-1" not in requirement.message
