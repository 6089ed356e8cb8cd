"""Configuration validation: every bad field is named with its fix, and nothing is synthesized."""

from __future__ import annotations

import copy
import tomllib

import pytest

from helpers import SHIPPED_CONFIG, env_of
from mlops_cicd.cli import EXIT_CONFIG_ERROR, main
from mlops_cicd.config import ConfigError, load_config, parse_config


def problems_of(raw: dict) -> dict[str, str]:
    with pytest.raises(ConfigError) as caught:
        parse_config(raw)
    return {p.field: p.message for p in caught.value.problems}


def test_shipped_configuration_is_the_seed_project():
    config = load_config(SHIPPED_CONFIG)
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
    assert message.startswith("unknown field") and "(the fields here: owner, repository" in message


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
    assert token not in message and "holds a Databricks personal access token" in message


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


def test_an_unknown_field_lists_the_fields_of_its_own_table(raw_config):
    """Inside a list item (an environment), the hint lists the nested table's fields, not the environment's."""
    env_of(raw_config, "prod")["github_environment"]["reviewers"] = {"users": ["alice"], "group": ["ml"]}
    message = problems_of(raw_config)["environments[prod].github_environment.reviewers.group"]
    assert "(the fields here: users, teams)" in message


def test_a_structural_problem_and_an_unknown_shared_secrets_stack_in_one_round(raw_config):
    """Every environment is valid, so `shared_secrets_stack` is checked against all of them in the same round."""
    raw_config["colour"] = "blue"
    raw_config["github"]["shared_secrets_stack"] = "qa"
    problems = problems_of(raw_config)
    assert "unknown field" in problems["colour"]
    assert "qa" in problems["github.shared_secrets_stack"]


def test_bad_config_exits_non_zero_and_writes_nothing(tmp_path, capsys):
    text = SHIPPED_CONFIG.read_text().replace("rotation_days = 60", "rotation_days = 120", 1)
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


# --- Names and hosts: one accepted and one refused value at each rule's boundary -------------------------

def accepted(raw: dict) -> None:
    parse_config(raw, environ={})


def refusal(raw: dict, field: str) -> str:
    """The message for `field`, which must be the only field refused."""
    with pytest.raises(ConfigError) as caught:
        parse_config(raw, environ={})
    problems = {p.field: p.message for p in caught.value.problems}
    assert list(problems) == [field], problems
    return problems[field]


def set_field(raw: dict, path: str, value) -> dict:
    """`set_field(raw, "environments[prod].github_environment.name", "x")`: set one field as a user would."""
    node = raw
    *parents, leaf = path.split(".")
    for part in parents:
        name, _, env = part.partition("[")
        node = node.setdefault(name, {}) if not env else env_of(node, env.rstrip("]"))
    node[leaf] = value
    return raw


LOGIN_39 = "a" + "-b" * 19  # 39 characters, single hyphens
NAME_RULES = [
    # (field, accepted value, refused value, words of the refusal)
    ("github.owner", LOGIN_39, LOGIN_39 + "c", "at most 39"),
    ("github.owner", "mona-lisa_octo", "mona--lisa", "single hyphens"),
    ("github.owner", "x1", "-x1", "single hyphens"),
    ("github.repository", "r" * 100, "r" * 101, "at most 100"),
    ("github.repository", "my_repo.v2-x", "ryuta-databricks/mlops-demo-classifier", "put the owner in github.owner"),
    ("github.repository", "..x", "..", "not a GitHub repository name"),
    ("environments[prod].github_environment.name", "e" * 255, "e" * 256, "at most 255"),
    ("environments[prod].github_environment.name", "Prod (EU)", "prod ", "white space"),
    ("environments[prod].project_directory", "/Shared/mlops", "/Shared/mlops/", "trailing '/'"),
    ("environments[prod].project_directory", "/Users/a@b.com/p", "/Users/../p", "'..'"),
    ("environments[prod].project_directory", "/Shared/x", "Shared/x", "absolute"),
    ("environments[prod].service_principal_name", "ci cd (prod)", " ci", "white space"),
    ("environments[prod].service_principal_name", "ci", "ci\ncd", "control character"),
    ("environments[prod].token_usage.group", "ci-token-users", "", "must not be empty"),
    ("environments[prod].token_usage.group", "admins-readonly", "admins", "workspace administrator"),
    ("environments[prod].token_usage.group", "Data Eng.ci@x", "Admins", "workspace administrator"),
    # The provider pastes the name into a SCIM filter `displayName eq "%s"`: a quote would rewrite it.
    ("environments[prod].token_usage.group", "x or admins", 'x" or displayName eq "admins', "letters, digits"),
    ("environments[prod].token_usage.group", "ci-users", "ci\\users", "letters, digits"),
    ("environments[prod].git_username", "ci-bot", "ci bot\t", "white space"),
]


# No backslash in an id: pytest cannot select such a test by its node id, which `make mutation` does.
@pytest.mark.parametrize("field, good, bad, words", NAME_RULES,
                         ids=[f"{r[0]}={r[2]!r}"[:60].replace("\\", "^") for r in NAME_RULES])
def test_name_rules_at_their_boundary(raw_config, field, good, bad, words):
    accepted(set_field(copy.deepcopy(raw_config), field, good))
    assert words in refusal(set_field(raw_config, field, bad), field)


REVIEWER_RULES = [
    ("users", ["Mona-Lisa", "octo_corp"], ["mona lisa"], "GitHub login"),
    ("users", ["a"], ["a@example.com"], "e-mail address"),
    ("teams", ["ml-reviewers", "data_eng"], ["acme/ml-reviewers"], "slug only"),
    ("teams", ["ml-reviewers"], ["ML-Reviewers"], "lower case"),
    ("teams", ["a-b"], ["-a"], "not a team slug"),
]


@pytest.mark.parametrize("kind, good, bad, words", REVIEWER_RULES)
def test_reviewer_names_are_logins_and_slugs(raw_config, kind, good, bad, words):
    reviewers = env_of(raw_config, "prod").setdefault("github_environment", {}).setdefault("reviewers", {})
    reviewers[kind] = good
    accepted(copy.deepcopy(raw_config))
    reviewers[kind] = bad
    assert words in refusal(raw_config, f"environments[prod].github_environment.reviewers.{kind}[0]")


def test_at_most_six_reviewers_and_each_once(raw_config):
    reviewers = env_of(raw_config, "prod")["github_environment"]["reviewers"]
    reviewers.update(users=["u1", "u2", "u3", "u4"], teams=["t1", "t2"])
    accepted(copy.deepcopy(raw_config))
    reviewers["teams"].append("t3")
    assert "at most 6" in refusal(copy.deepcopy(raw_config), "environments[prod].github_environment.reviewers")
    reviewers.update(users=["Mona", "u2", "mona"], teams=[])
    message = refusal(raw_config, "environments[prod].github_environment.reviewers.users")
    assert "reviewers.users[2] repeat(s) an earlier entry" in message and "ignore case" in message


def test_secret_scope_name_fits_databricks_limit(raw_config):
    # the scope is <env>-<project>-cd-credentials: 16 characters besides the two names, 128 at most
    raw_config["project"]["name"] = "p" * (128 - 16 - len("staging"))
    accepted(copy.deepcopy(raw_config))
    raw_config["project"]["name"] += "p"
    raw_config["environments"] = [env_of(raw_config, "staging")]
    raw_config.pop("checks", None)  # its suppression names prod, now no environment
    message = refusal(raw_config, "environments[staging].name")
    assert "129 characters" in message and "at most 128" in message and "by 1 character" in message


def test_environment_name_cannot_make_reserved_github_secret_names(raw_config):
    env_of(raw_config, "staging")["name"] = "githubby"
    raw_config["github"]["shared_secrets_stack"] = "githubby"
    accepted(copy.deepcopy(raw_config))
    env_of(raw_config, "githubby")["name"] = "github-ci"
    raw_config["github"]["shared_secrets_stack"] = "github-ci"
    assert "GITHUB_" in refusal(raw_config, "environments[github-ci].name")


HOSTS = [
    ("https://dbc-1.cloud.databricks.com/", "https://dbc-1.cloud.databricks.com"),
    ("HTTPS://DBC-1.Cloud.Databricks.com", "https://dbc-1.cloud.databricks.com"),
    ("https://dbc-1.cloud.databricks.com:443", "https://dbc-1.cloud.databricks.com"),
    ("https://dbc-1.cloud.databricks.com:8443", "https://dbc-1.cloud.databricks.com:8443"),
]
BAD_HOSTS = [
    ("https://dbc-1.cloud.databricks.com/?o=123", "query"),
    ("https://dbc-1.cloud.databricks.com/#x", "query or fragment"),
    ("https://dbc-1.cloud.databricks.com/?", "query or fragment"),
    ("https://dbc-1.cloud.databricks.com/login", "without a path"),
    ("https://dbc-1.cloud.databricks.com ", "white space"),
    ("https://user:hunter2@dbc-1.cloud.databricks.com", "user name or password"),
    ("https://dbc-1.cloud.databricks.com:0", "invalid port"),
    ("https://dbc-1.cloud.databricks.com:65536", "invalid port"),
    ("https://dbc-1.cloud.databricks.com:", "invalid port"),
    ("https://dbc_1.cloud.databricks.com", "does not name a host"),
    ("https://localhost", "does not name a host"),
    ("http://dbc-1.cloud.databricks.com", "https:// URL"),
]


@pytest.mark.parametrize("given, stored", HOSTS)
def test_hosts_are_stored_as_https_origins(raw_config, given, stored):
    env_of(raw_config, "staging")["workspace_host"] = given
    assert parse_config(raw_config, environ={}).environment("staging").workspace_host == stored


@pytest.mark.parametrize("given, words", BAD_HOSTS)
def test_hosts_with_anything_but_an_origin_are_refused_without_echo(raw_config, given, words):
    env_of(raw_config, "staging")["workspace_host"] = given
    message = refusal(raw_config, "environments[staging].workspace_host")
    assert words in message and given.strip() not in message and "hunter2" not in message


@pytest.mark.parametrize("server, words", [
    ("https://ghe.example.com/api/v3", "the API path is added by the provider"),
    ("https://api.github.com", "not a GitHub server"),
    ("https://www.github.com", "not a GitHub server"),
])
def test_github_server_is_the_server_root(raw_config, server, words):
    raw_config["github"]["server_url"] = server
    assert words in refusal(raw_config, "github.server_url")


# --- git_provider (databricks provider 1.99.0 docs/resources/git_credential.md) ----------------------------

def test_git_provider_defaults_to_the_repository_server(raw_config):
    assert {parse_config(raw_config, environ={}).git_provider_of(e) for e in load_config(SHIPPED_CONFIG).environments} == {"gitHub"}
    raw_config["github"]["server_url"] = "https://GHE.example.com/"
    config = parse_config(raw_config, environ={})
    assert config.github.server_url == "https://ghe.example.com"
    assert [config.git_provider_of(e) for e in config.environments] == ["gitHubEnterprise", "gitHubEnterprise"]


def test_enterprise_server_stack_stores_git_credential_as_github_enterprise(raw_config, synth_raw):
    raw_config["github"]["server_url"] = "https://ghe.example.com"
    stacks = synth_raw(raw_config)
    (credential,) = stacks["staging"]["resource"]["databricks_git_credential"].values()
    assert credential["git_provider"] == "gitHubEnterprise"


@pytest.mark.parametrize("value, words", [
    ("github", 'did you mean "gitHub"'),
    ("gitHubEnterprize", 'did you mean "gitHubEnterprise"'),
    ("gitLab", "the repository is on GitHub"),
    ("svn", "is not a Databricks git provider"),
])
def test_git_provider_is_one_of_the_documented_values(raw_config, value, words):
    env_of(raw_config, "prod")["git_provider"] = value
    assert words in refusal(raw_config, "environments[prod].git_provider")


def test_git_provider_must_match_the_server(raw_config):
    env_of(raw_config, "prod")["git_provider"] = "gitHub"
    accepted(copy.deepcopy(raw_config))
    raw_config["github"]["server_url"] = "https://ghe.example.com"
    message = refusal(copy.deepcopy(raw_config), "environments[prod].git_provider")
    assert 'set git_provider = "gitHubEnterprise" or remove it' in message
    env_of(raw_config, "prod")["git_provider"] = "gitHubEnterprise"
    accepted(raw_config)


# --- Strict types -------------------------------------------------------------------------------------

@pytest.mark.parametrize("field, good, bad, words", [
    ("environments[prod].allow_cluster_create", False, "yes", "true or false"),
    ("environments[prod].production", True, 1, "true or false"),
    ("environments[prod].github_environment.prevent_self_review", True, "true", "true or false"),
    ("environments[prod].token_lifetime_days", 90, "90", "whole number"),
    ("environments[prod].rotation_days", 60, 60.0, "whole number"),
    ("environments[prod].github_environment.wait_timer_minutes", 43200, True, "whole number"),
    ("checks.expiry_warning_days", 0, "14", "whole number"),
])
def test_booleans_and_numbers_are_not_coerced(raw_config, field, good, bad, words):
    accepted(set_field(copy.deepcopy(raw_config), field, good))
    assert words in refusal(set_field(raw_config, field, bad), field)


def test_wait_timer_upper_bound(raw_config):
    assert "less than or equal to 43200" in refusal(
        set_field(raw_config, "environments[prod].github_environment.wait_timer_minutes", 43201),
        "environments[prod].github_environment.wait_timer_minutes")


# --- Secrets: refused wherever they are, never echoed ------------------------------------------------

GITHUB_TOKEN = "ghp_" + "A1b2C3d4E5" * 3 + "abcdef"  # ghp_ + 36 base62 characters


@pytest.mark.parametrize("field, entry", [
    ("environments[prod].github_environment.reviewers.users", "{}"),
    ("environments[staging].token_usage.keep_can_use", "user:{}@example.com"),
])
def test_tf_var_value_used_as_a_name_is_refused_without_echo(raw_config, field, entry):
    secret = "s3cr3t-Value-not-a-pattern"
    env_of(raw_config, "staging")["token_usage"] = {"mode": "permission", "keep_can_use": ["group:data-eng"]}
    set_field(raw_config, field, [entry.format("mona"), entry.format("octo")])
    parse_config(copy.deepcopy(raw_config), environ={"TF_VAR_git_read_token": secret})
    set_field(raw_config, field, [entry.format("mona"), entry.format(secret)])
    with pytest.raises(ConfigError) as caught:
        parse_config(raw_config, environ={"TF_VAR_git_read_token": secret})
    assert [str(p) for p in caught.value.problems] == [
        f"{field}[1]: holds the value of TF_VAR_git_read_token; secrets never go in this file: write the login, "
        "name or URL this field asks for, and pass secrets as TF_VAR_* variables at deploy time (README)"]
    assert secret not in str(caught.value)


def test_short_tf_var_values_are_not_looked_for(raw_config):
    # "prod" (4 characters) would otherwise refuse every file naming a prod environment
    parse_config(raw_config, environ={"TF_VAR_region": "prod", "HOME": "/x"})


def test_secret_in_an_environment_name_is_not_echoed_in_the_field_either(raw_config):
    env_of(raw_config, "prod")["name"] = GITHUB_TOKEN
    with pytest.raises(ConfigError) as caught:
        parse_config(raw_config, environ={})
    text = str(caught.value)
    assert GITHUB_TOKEN not in text and "environments[1].name: holds a GitHub token" in text


def test_tf_var_value_never_leaves_in_any_message(raw_config):
    secret = "correct-horse-battery"
    raw_config["github"]["shared_secrets_stack"] = secret  # echoed by the "not an environment" rule
    env_of(raw_config, "prod")["cloud"] = secret  # echoed by the literal rule
    with pytest.raises(ConfigError) as caught:
        parse_config(raw_config, environ={"TF_VAR_trigger_workflows_github_token": secret})
    text = str(caught.value)
    assert secret not in text
    assert "github.shared_secrets_stack: holds the value of TF_VAR_trigger_workflows_github_token" in text
    assert "environments[prod].cloud: holds the value of" in text


def test_keep_can_use_entry_that_looks_like_a_token_is_not_echoed(raw_config):
    env_of(raw_config, "staging")["token_usage"] = {"mode": "permission", "keep_can_use": [GITHUB_TOKEN]}
    with pytest.raises(ConfigError) as caught:
        parse_config(raw_config, environ={})
    assert GITHUB_TOKEN not in str(caught.value)
    assert "environments[staging].token_usage.keep_can_use[0]: holds a GitHub token" in str(caught.value)


# --- The file itself --------------------------------------------------------------------------------

def test_non_utf8_file_is_named_with_the_fix(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes(SHIPPED_CONFIG.read_bytes().replace(b"# mlops-cicd", "# mlops-cicd caf\u00e9".encode("latin-1"), 1))
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value).endswith("(file): is not UTF-8 text (byte 0xe9 at offset 16); save it as UTF-8")


def test_directory_given_as_the_file(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert f"(file): is a directory; pass the configuration file itself, e.g. --config {tmp_path / 'mlops-cicd.toml'}" in str(caught.value)


# --- Principals: group names, e-mails, application ids -------------------------------------------------

PRINCIPAL_RULES = [
    # (accepted entry, refused entry, words of the refusal)
    ("group:data-eng", 'group:x" or displayName eq "admins', "letters, digits"),
    ("group:Data Eng", "group:Admins", "admins"),
    ("user:ada.lovelace+ci@example.co.uk", "user:Ada Lovelace", "e-mail address"),
    ("user:a@b.io", 'user:a"@b.io', "e-mail address"),
    ("service_principal:01234567-89ab-CDEF-0123-456789abcdef", "service_principal:ci-bot", "application id"),
]


@pytest.mark.parametrize("good, bad, words", PRINCIPAL_RULES, ids=[r[1][:40] for r in PRINCIPAL_RULES])
def test_keep_can_use_principals_are_well_formed(raw_config, good, bad, words):
    field = "environments[staging].token_usage.keep_can_use"
    env_of(raw_config, "staging")["token_usage"] = {"mode": "permission", "keep_can_use": [good]}
    accepted(copy.deepcopy(raw_config))
    env_of(raw_config, "staging")["token_usage"]["keep_can_use"] = [bad]
    assert words in refusal(raw_config, field)


@pytest.mark.parametrize("good, bad, words", PRINCIPAL_RULES, ids=[r[1][:40] for r in PRINCIPAL_RULES])
def test_directory_grant_principals_are_well_formed(raw_config, good, bad, words):
    env_of(raw_config, "prod")["project_directory_grants"] = [{"principal": good, "level": "CAN_EDIT"}]
    accepted(copy.deepcopy(raw_config))
    env_of(raw_config, "prod")["project_directory_grants"] = [{"principal": bad, "level": "CAN_EDIT"}]
    assert words in refusal(raw_config, "environments[prod].project_directory_grants[0].principal")


# --- Backends: names their services accept ---------------------------------------------------------------

BACKEND_RULES = [
    # (backend settings besides type, field, accepted value, refused value, words of the refusal)
    ({"type": "s3", "region": "eu-west-1"}, "bucket", "team.tf-state-1", "Team_State", "S3 bucket name"),
    ({"type": "s3", "region": "eu-west-1"}, "bucket", "b" * 63, "b" * 64, "S3 bucket name"),
    ({"type": "s3", "region": "eu-west-1"}, "bucket", "abc", "a..b", "S3 bucket name"),
    ({"type": "s3", "region": "eu-west-1"}, "bucket", "state-bucket", "192.168.1.1", "IP address"),
    ({"type": "s3", "region": "eu-west-1"}, "bucket", "xn-state", "xn--state", "reserved prefix"),
    ({"type": "s3", "bucket": "tf-state"}, "region", "us-gov-west-1", "https://s3.eu-west-1.amazonaws.com", "AWS region"),
    ({"type": "s3", "bucket": "tf-state"}, "region", "ap-southeast-5", "EU (Ireland)", "AWS region"),
    ({"type": "azurerm", "resource_group_name": "rg", "storage_account_name": "tfstate1"}, "container_name",
     "tf-state-9", "tf--state", "no '--'"),
    ({"type": "azurerm", "resource_group_name": "rg", "storage_account_name": "tfstate1"}, "container_name",
     "c" * 63, "c" * 64, "3-63"),
    ({"type": "azurerm", "resource_group_name": "rg", "storage_account_name": "tfstate1"}, "container_name",
     "abc", "TFState", "lower-case"),
    ({"type": "gcs"}, "bucket", "team_tf.state-1", "google-tf-state", "google"),
    ({"type": "gcs"}, "bucket", "tf-goog", "goog-state", "goog"),
    ({"type": "gcs"}, "bucket", "abc", "-abc", "Cloud Storage bucket name"),
    ({"type": "gcs"}, "bucket", "g" * 63, "g" * 64, "3-63"),
    ({"type": "cloud"}, "organization", "Acme_Corp-1", "acme corp", "HCP Terraform organization"),
    ({"type": "cloud", "organization": "acme"}, "hostname", "tfe.example.com:8443", "https://app.terraform.io", "plain host name"),
    ({"type": "cloud", "organization": "acme"}, "hostname", "tfe.example.com", "app.terraform.io/app", "plain host name"),
    ({"type": "cloud", "organization": "acme"}, "hostname", "localhost.localdomain", "tfe_host.example.com", "not a host name"),
]


@pytest.mark.parametrize("settings, field, good, bad, words", BACKEND_RULES,
                         ids=[f"{r[0]['type']}.{r[1]}={r[3]!r}"[:60] for r in BACKEND_RULES])
def test_backend_names_follow_their_services_rules(raw_config, settings, field, good, bad, words):
    """Refused when the config is read, not by the backend at deploy time (the prod stack's state only)."""
    env_of(raw_config, "prod")["backend"] = {**settings, field: good}
    raw_config.pop("checks", None)  # the MLOPS009 suppression is about the local backend
    accepted(copy.deepcopy(raw_config))
    env_of(raw_config, "prod")["backend"] = {**settings, field: bad}
    assert words in refusal(raw_config, f"environments[prod].backend.{field}")


def test_expiry_warning_window_is_at_most_the_longest_token_lifetime(raw_config):
    """A window of 10**20 days was accepted, then `status` failed adding it to a date (OverflowError)."""
    accepted(set_field(copy.deepcopy(raw_config), "checks.expiry_warning_days", 730))
    assert "less than or equal to 730" in refusal(set_field(raw_config, "checks.expiry_warning_days", 10**20),
                                                  "checks.expiry_warning_days")


def test_a_deeply_nested_file_is_a_config_error_not_a_crash(tmp_path, capsys):
    path = tmp_path / "deep.toml"
    path.write_text("x = " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert "nested too deeply" in str(caught.value)
    assert main(["check", "--config", str(path)]) == EXIT_CONFIG_ERROR
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("raw", [[], "project = 'x'", 3])
def test_a_configuration_that_is_not_a_table_is_named_as_the_whole_file(raw):
    """parse_config (the API) takes any parsed document: one that is not a table is the file's problem."""
    with pytest.raises(ConfigError) as caught:
        parse_config(raw)
    assert str(caught.value).endswith("1 problem; nothing was synthesized:\n  - (file): must be a table, e.g. [section] with its fields")


@pytest.mark.parametrize("backend", ["local", "s3", "azurerm", "gcs", "pg", "cloud"])
def test_a_backend_fields_problem_is_named_by_the_files_path_not_the_backend_type(raw_config, backend):
    """pydantic locates the error in the union member (`backend.pg.…`); the file has no such level."""
    env_of(raw_config, "prod")["backend"] = {"type": backend, "no_such_field": 1}
    with pytest.raises(ConfigError) as caught:
        parse_config(raw_config)
    assert "environments[prod].backend.no_such_field: unknown field; remove it or fix its spelling (the fields here: type" \
        in str(caught.value)
    assert f"backend.{backend}." not in str(caught.value)
