"""Limits at their boundary: the last accepted value and the first refused one, for the rotation schedule,
the configuration's field patterns and minimum lengths, and the defaults a user gets by leaving a field out.

Refusals assert only which field is named (the words are pinned in test_config.py); acceptance asserts
the value a user wrote is the one that reaches Terraform.
"""

from __future__ import annotations

import copy
import json

import pytest

from helpers import env_of, only
from mlops_cicd.config import ConfigError, parse_config
from mlops_cicd.constructs import CicdServicePrincipal, OAuthSecret, WorkspaceToken
from mlops_cicd.framework import core, databricks

# the framework's classes (mlops_cicd/framework.py chooses CDKTF or CDK Terrain)
TerraformStack = core.TerraformStack
CdktfTesting = core.Testing  # aliased: pytest would try to collect `Testing`
DatabricksProvider = databricks.provider.DatabricksProvider

DAY = 86400


def synth_stack(build) -> dict:
    stack = TerraformStack(CdktfTesting.app(), "test")
    DatabricksProvider(stack, "databricks", host="https://example.cloud.databricks.com")
    build(stack)
    return json.loads(CdktfTesting.synth(stack))


def build_token(stack, **kwargs) -> WorkspaceToken:
    cicd = CicdServicePrincipal(stack, "cicd", display_name="ci", project_directory="/p")
    return WorkspaceToken(stack, "token", application_id=cicd.service_principal.application_id,
                          depends_on=[cicd.token_grant], **kwargs)


def build_oauth_secret(stack, **kwargs) -> OAuthSecret:
    cicd = CicdServicePrincipal(stack, "cicd", display_name="ci", project_directory="/p", token_usage=None)
    return OAuthSecret(stack, "oauth", service_principal_id=cicd.service_principal.id, **kwargs)


def refused_fields(raw: dict) -> set[str]:
    with pytest.raises(ConfigError) as caught:
        parse_config(raw)
    return {p.field for p in caught.value.problems}


def with_env(raw: dict, name: str, **fields) -> dict:
    env_of(raw, name).update(fields)
    return raw


# --- Rotation: 1 <= rotation_days < token_lifetime_days <= 730 -------------------------------------------

@pytest.mark.parametrize("lifetime, rotation", [(2, 1), (730, 729), (730, 1), (90, 89)])
def test_rotation_schedules_at_the_limits_are_accepted(raw_config, lifetime, rotation):
    prod = parse_config(with_env(raw_config, "prod", token_lifetime_days=lifetime, rotation_days=rotation)).environment("prod")
    assert (prod.token_lifetime_days, prod.rotation_days) == (lifetime, rotation)


@pytest.mark.parametrize("lifetime, rotation, field", [
    (731, 60, "token_lifetime_days"),  # above the workspace maximum (maxTokenLifetimeDays 1-730)
    (60, 60, "rotation_days"),  # replaced only as it expires: CI breaks
    (60, 61, "rotation_days"),
    (1, 1, "rotation_days"),  # a one-day token leaves no shorter schedule
    (0, 1, "token_lifetime_days"),
    (90, 0, "rotation_days"),
])
def test_rotation_schedules_past_the_limits_are_refused(raw_config, lifetime, rotation, field):
    fields = refused_fields(with_env(raw_config, "prod", token_lifetime_days=lifetime, rotation_days=rotation))
    assert f"environments[prod].{field}" in fields


def test_token_lifetime_and_rotation_default_to_90_and_60_days(raw_config):
    for env in raw_config["environments"]:
        del env["token_lifetime_days"], env["rotation_days"]
    config = parse_config(raw_config)
    assert {(e.token_lifetime_days, e.rotation_days) for e in config.environments} == {(90, 60)}


def test_one_day_rotation_of_a_two_day_token_reaches_terraform():
    doc = synth_stack(lambda s: build_token(s, lifetime_days=2, rotation_days=1))
    assert only(doc, "databricks_obo_token")["lifetime_seconds"] == 2 * DAY
    assert only(doc, "time_rotating")["rotation_days"] == 1


def test_longest_token_the_workspace_allows_reaches_terraform_in_seconds():
    doc = synth_stack(lambda s: build_token(s, lifetime_days=730, rotation_days=729))
    assert only(doc, "databricks_obo_token")["lifetime_seconds"] == 730 * DAY
    assert only(doc, "time_rotating")["rotation_days"] == 729


def test_workspace_token_defaults_rotate_a_90_day_token_every_60_days_new_before_old():
    doc = synth_stack(build_token)
    token = only(doc, "databricks_obo_token")
    assert token["lifetime_seconds"] == 90 * DAY == 7776000
    assert only(doc, "time_rotating")["rotation_days"] == 60
    assert token["lifecycle"]["create_before_destroy"] is True


def test_oauth_secret_defaults_rotate_a_90_day_secret_every_60_days_new_before_old():
    doc = synth_stack(build_oauth_secret)
    secret = only(doc, "databricks_service_principal_secret")
    assert secret["lifetime"] == "7776000s"  # the provider's lifetime is a duration string in seconds
    assert only(doc, "time_rotating")["rotation_days"] == 60
    assert secret["lifecycle"]["create_before_destroy"] is True


def test_oauth_secret_at_the_limits():
    doc = synth_stack(lambda s: build_oauth_secret(s, lifetime_days=2, rotation_days=1))
    assert only(doc, "databricks_service_principal_secret")["lifetime"] == f"{2 * DAY}s"
    assert only(doc, "time_rotating")["rotation_days"] == 1


@pytest.mark.parametrize("build", [build_token, build_oauth_secret], ids=["token", "oauth"])
@pytest.mark.parametrize("lifetime, rotation, words", [
    (0, 1, "lifetime_days must be at least 1, got 0"),
    (1, 1, "rotation_days (1) must be at least 1 and shorter than lifetime_days (1)"),
    (90, 0, "rotation_days (0) must be at least 1"),
    (90, 90, "shorter than lifetime_days (90)"),
])
def test_constructs_refuse_schedules_past_the_limits(build, lifetime, rotation, words):
    with pytest.raises(ValueError) as caught:
        synth_stack(lambda s: build(s, lifetime_days=lifetime, rotation_days=rotation))
    assert words in str(caught.value)


# --- Field patterns and minimum lengths ---------------------------------------------------------------

OIDC_ACCOUNT = {"host": "https://accounts.cloud.databricks.com", "account_id": "0d26daa6-5e44-4c97-a497-ef015f91254a"}

# (where, accepted, refused): `where` sets the value in a copy of the shipped configuration.
SLUGS = [("ab", "a"), ("a-1", "a-"), ("x9", "9x"), ("ml-demo", "ML-demo"), ("a-b", "a_b")]
BACKENDS = [
    # (backend table, field, accepted, refused)
    ({"type": "s3", "bucket": "abc", "region": "eu-west-1"}, "bucket", "abc", "ab"),
    ({"type": "s3", "bucket": "abc", "region": "eu-west-1"}, "region", "eu-west-1", ""),
    ({"type": "azurerm", "resource_group_name": "rg", "storage_account_name": "abc", "container_name": "abc"},
     "storage_account_name", "a" * 24, "a" * 25),
    ({"type": "azurerm", "resource_group_name": "rg", "storage_account_name": "abc", "container_name": "abc"},
     "storage_account_name", "abc", "ab"),
    ({"type": "azurerm", "resource_group_name": "rg", "storage_account_name": "abc", "container_name": "abc"},
     "storage_account_name", "tfstate01", "TFstate01"),
    ({"type": "azurerm", "resource_group_name": "rg", "storage_account_name": "abc", "container_name": "abc"},
     "container_name", "abc", "ab"),
    ({"type": "azurerm", "resource_group_name": "rg", "storage_account_name": "abc", "container_name": "abc"},
     "resource_group_name", "r", ""),
    ({"type": "gcs", "bucket": "abc"}, "bucket", "abc", "ab"),
    ({"type": "cloud", "organization": "acme"}, "organization", "a", ""),
]


def assert_boundary(raw: dict, set_value, good, bad, field: str) -> None:
    good_raw = copy.deepcopy(raw)
    set_value(good_raw, good)
    parse_config(good_raw)
    set_value(raw, bad)
    assert field in refused_fields(raw)


@pytest.mark.parametrize("good, bad", SLUGS)
def test_project_name_is_a_lower_case_slug(raw_config, good, bad):
    assert_boundary(raw_config, lambda raw, v: raw["project"].update(name=v), good, bad, "project.name")


@pytest.mark.parametrize("good, bad", SLUGS)
def test_environment_name_is_a_lower_case_slug(raw_config, good, bad):
    def rename_staging(raw, value):
        env_of(raw, "staging")["name"] = value
        raw["github"]["shared_secrets_stack"] = value

    good_raw = copy.deepcopy(raw_config)
    rename_staging(good_raw, good)
    parse_config(good_raw)
    rename_staging(raw_config, bad)
    # the field is named by the environment's (refused) name or its index: either way its `.name`
    assert {f for f in refused_fields(raw_config) if f.startswith("environments[")} in ({f"environments[{bad}].name"}, {"environments[0].name"})


@pytest.mark.parametrize("backend, field, good, bad", BACKENDS, ids=[f"{b[0]['type']}.{b[1]}={b[3]!r}" for b in BACKENDS])
def test_backend_fields_at_their_limits(raw_config, backend, field, good, bad):
    assert_boundary(raw_config, lambda raw, v: env_of(raw, "prod").update(backend={**backend, field: v}), good, bad,
                    f"environments[prod].backend.{field}")


@pytest.mark.parametrize("field, good, bad", [
    ("account_id", OIDC_ACCOUNT["account_id"], OIDC_ACCOUNT["account_id"][:-1]),
    ("account_id", OIDC_ACCOUNT["account_id"], OIDC_ACCOUNT["account_id"].upper()),
    ("host", OIDC_ACCOUNT["host"], "http://accounts.cloud.databricks.com"),
])
def test_oidc_account_fields(raw_config, field, good, bad):
    raw_config["github"]["oidc_subject"] = "names"
    env_of(raw_config, "prod")["credential_mode"] = "oidc"
    assert_boundary(raw_config, lambda raw, v: env_of(raw, "prod").update(account={**OIDC_ACCOUNT, field: v}), good, bad,
                    f"environments[prod].account.{field}")


def test_suppression_reason_has_at_least_ten_characters(raw_config):
    assert_boundary(raw_config, lambda raw, v: raw["checks"]["suppress"][0].update(reason=v), "x" * 10, "x" * 9,
                    "checks.suppress[0].reason")


def test_suppression_names_a_check(raw_config):
    assert_boundary(raw_config, lambda raw, v: raw["checks"]["suppress"][0].update(id=v), "MLOPS009", "",
                    "checks.suppress[0].id")


@pytest.mark.parametrize("where, field", [
    (lambda raw, v: raw["checks"].update(expiry_warning_days=v), "checks.expiry_warning_days"),
    (lambda raw, v: env_of(raw, "prod")["github_environment"].update(wait_timer_minutes=v),
     "environments[prod].github_environment.wait_timer_minutes"),
])
def test_day_and_minute_counts_start_at_zero(raw_config, where, field):
    assert_boundary(raw_config, where, 0, -1, field)


def test_at_least_one_environment(raw_config):
    raw_config["environments"] = []
    raw_config["github"].pop("shared_secrets_stack")
    raw_config.pop("checks")
    assert "environments" in refused_fields(raw_config)


# --- Defaults a user gets by leaving a field out -----------------------------------------------------

def test_an_environment_with_only_the_required_fields(raw_config):
    required = ("name", "workspace_host", "cloud", "project_directory", "service_principal_name")
    raw_config["environments"] = [{k: env_of(raw_config, "prod")[k] for k in required}]
    raw_config["github"].pop("shared_secrets_stack")
    raw_config.pop("checks")
    config = parse_config(raw_config)
    prod = config.environment("prod")
    assert (prod.credential_mode, prod.token_lifetime_days, prod.rotation_days) == ("pat", 90, 60)
    assert prod.allow_cluster_create is True
    assert prod.is_production and prod.placement == "environment"  # named prod: production defaults
    assert (prod.token_usage.mode, prod.token_usage.group) == ("group", "mlops-service-principals")
    assert prod.github_environment.wait_timer_minutes == 0 and prod.github_environment_name == "prod"
    assert prod.backend.type == "local"
    assert config.github.server_url == "https://github.com"
    assert config.shared_secrets_stack == "prod"
    assert config.checks.expiry_warning_days == 14


def test_only_the_environment_named_prod_is_production_by_default(raw_config):
    env_of(raw_config, "staging").pop("secret_placement")
    config = parse_config(raw_config)
    staging = config.environment("staging")
    assert not staging.is_production and staging.placement == "repository"
    with_env(raw_config, "staging", production=True)
    assert parse_config(raw_config).environment("staging").placement == "environment"


# --- Rules that span fields ------------------------------------------------------------------------

def test_oidc_secrets_cannot_be_repository_level(raw_config):
    """OIDC tokens are issued to jobs of the GitHub environment: its variables must live there too."""
    raw_config["github"]["oidc_subject"] = "names"
    prod = env_of(with_env(raw_config, "prod", credential_mode="oidc", account=OIDC_ACCOUNT), "prod")
    prod.pop("secret_placement")
    assert parse_config(copy.deepcopy(raw_config)).environment("prod").placement == "environment"
    prod["secret_placement"] = "repository"
    assert refused_fields(raw_config) == {"environments[prod].secret_placement"}


def test_patterns_policy_needs_a_pattern(raw_config):
    gh = env_of(raw_config, "prod")["github_environment"]
    gh.update(branch_policy="patterns", branch_patterns=["main"])
    parse_config(copy.deepcopy(raw_config))
    gh["branch_patterns"] = []
    assert refused_fields(raw_config) == {"environments[prod].github_environment.branch_patterns"}


@pytest.mark.parametrize("policy", ["protected", "any", None])
def test_patterns_are_refused_with_another_policy(raw_config, policy):
    """Unset (None) takes the class default, which ignores patterns: refused too, not a crash in the build."""
    gh = env_of(raw_config, "prod")["github_environment"]
    gh.pop("branch_policy", None)
    gh.update(branch_patterns=["main"], **({"branch_policy": policy} if policy else {}))
    assert refused_fields(raw_config) == {"environments[prod].github_environment.branch_patterns"}


@pytest.mark.parametrize("entry", ["user:", "robot:r2d2", "ops@example.com"])
def test_token_permission_entries_name_a_kind_and_a_principal(raw_config, entry):
    usage = env_of(raw_config, "staging")["token_usage"] = {"mode": "permission", "keep_can_use": ["user:ops@example.com"]}
    parse_config(copy.deepcopy(raw_config))
    usage["keep_can_use"] = [entry]
    assert {f.partition("[0]")[0] for f in refused_fields(raw_config)} == {"environments[staging].token_usage.keep_can_use"}


def test_a_refused_value_that_is_not_a_secret_is_shown_back(raw_config):
    """Only credential-shaped values are hidden: a user must see which value was wrong."""
    env_of(raw_config, "prod")["cloud"] = "mars"
    with pytest.raises(ConfigError) as caught:
        parse_config(raw_config)
    assert "'mars'" in str(caught.value)
