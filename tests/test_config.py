"""Configuration validation: every bad field is named with its fix, and nothing is synthesized."""

from __future__ import annotations

import tomllib

import pytest

from conftest import DEFAULT_CONFIG, env_of
from mlops_cicd.cli import EXIT_CONFIG_ERROR, main
from mlops_cicd.config import ConfigError, load_config, parse_config


def problems_of(raw: dict) -> dict[str, str]:
    with pytest.raises(ConfigError) as caught:
        parse_config(raw)
    return {p.field: p.message for p in caught.value.problems}


def test_shipped_configuration_is_the_seed_project():
    config = load_config(DEFAULT_CONFIG)
    assert config.project.name == "mlops-demo-classifier"
    assert (config.github.owner, config.github.repository) == ("ryuta-databricks", "mlops-demo-classifier")
    assert [e.name for e in config.environments] == ["staging", "prod"]
    staging = config.environment("staging")
    assert staging.project_directory == "/Users/ryuta.yoshimatsu@databricks.com/mlops-demo-classifier"
    assert staging.token_usage.mode == "group" and staging.token_usage.group == "mlops-service-principals"


def test_missing_field_is_named(raw_config):
    del env_of(raw_config, "prod")["workspace_host"]
    problems = problems_of(raw_config)
    assert "missing" in problems["environments[prod].workspace_host"]


def test_unknown_field_is_named(raw_config):
    env_of(raw_config, "staging")["workspace_hots"] = "https://x.cloud.databricks.com"
    assert "unknown field" in problems_of(raw_config)["environments[staging].workspace_hots"]


def test_secret_in_file_is_refused_with_pointer_to_tf_var(raw_config):
    raw_config["github"]["trigger_token"] = "not-a-real-token"
    message = problems_of(raw_config)["github.trigger_token"]
    assert "TF_VAR_" in message


def test_host_must_be_https(raw_config):
    env_of(raw_config, "staging")["workspace_host"] = "http://insecure.cloud.databricks.com"
    assert "https://" in problems_of(raw_config)["environments[staging].workspace_host"]


def test_rotation_must_be_shorter_than_lifetime(raw_config):
    env_of(raw_config, "prod").update(token_lifetime_days=30, rotation_days=30)
    message = problems_of(raw_config)["environments[prod].rotation_days"]
    assert "shorter than token_lifetime_days" in message and "rotation_days = 20" in message


def test_lifetime_above_databricks_limit(raw_config):
    env_of(raw_config, "prod").update(token_lifetime_days=731, rotation_days=60)
    assert "730" in problems_of(raw_config)["environments[prod].token_lifetime_days"]


def test_azure_with_workspace_pats(raw_config):
    env_of(raw_config, "staging")["cloud"] = "azure"
    assert "oauth" in problems_of(raw_config)["environments[staging].credential_mode"]


def test_admins_group_in_token_permission_is_refused(raw_config):
    env_of(raw_config, "staging")["token_usage"] = {"mode": "permission", "keep_can_use": ["group:admins"]}
    assert "admins always keep" in problems_of(raw_config)["environments[staging].token_usage.keep_can_use"]


def test_a_token_pasted_into_a_field_is_not_echoed(raw_config):
    token = "dapi" + "0123456789abcdef" * 2
    env_of(raw_config, "staging")["workspace_host"] = token
    env_of(raw_config, "prod")["credential_mode"] = token
    with pytest.raises(ConfigError) as caught:
        parse_config(raw_config)
    message = str(caught.value)
    assert "environments[staging].workspace_host" in message and "environments[prod].credential_mode" in message
    assert token not in message and "looks like a credential" in message


def test_duplicate_environment_names(raw_config):
    raw_config["environments"][1]["name"] = "staging"
    assert "duplicate" in problems_of(raw_config)["environments[staging].name"]


def test_oidc_needs_account_settings(raw_config):
    env_of(raw_config, "staging").update(credential_mode="oidc", secret_placement="environment")
    assert "account" in problems_of(raw_config)["environments[staging].account"]


def test_authoritative_token_permission_must_list_who_keeps_access(raw_config):
    env_of(raw_config, "staging")["token_usage"] = {"mode": "permission"}
    assert "every principal that must keep CAN_USE" in problems_of(raw_config)["environments[staging].token_usage.keep_can_use"]


def test_every_problem_is_reported_at_once(raw_config):
    staging, prod = env_of(raw_config, "staging"), env_of(raw_config, "prod")
    staging["workspace_host"] = "ftp://x"
    staging["colour"] = "blue"
    del prod["cloud"]
    assert set(problems_of(raw_config)) >= {
        "environments[staging].workspace_host", "environments[staging].colour", "environments[prod].cloud",
    }


def test_shared_secrets_stack_must_be_an_environment(raw_config):
    raw_config["github"]["shared_secrets_stack"] = "qa"
    assert "qa" in problems_of(raw_config)["github.shared_secrets_stack"]


def test_bad_config_exits_non_zero_and_writes_nothing(tmp_path, capsys):
    text = DEFAULT_CONFIG.read_text().replace("rotation_days = 60", "rotation_days = 120", 1)
    bad = tmp_path / "bad.toml"
    bad.write_text(text)
    tomllib.loads(text)  # still valid TOML: the error is the configuration's, not the parser's
    out = tmp_path / "out"
    assert main(["--config", str(bad), "synth", "--output", str(out)]) == EXIT_CONFIG_ERROR
    assert not out.exists()
    err = capsys.readouterr().err
    assert "environments[staging].rotation_days" in err and "nothing was synthesized" in err
    assert "Traceback" not in err


def test_missing_config_file_is_one_clear_line(tmp_path, capsys):
    assert main(["--config", str(tmp_path / "nope.toml"), "synth", "--output", str(tmp_path / "o")]) == EXIT_CONFIG_ERROR
    assert "not found" in capsys.readouterr().err
