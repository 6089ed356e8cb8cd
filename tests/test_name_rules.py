"""The single-value rules of names.py and backend_names.py at their exact boundaries: the longest accepted
value and one character more, each character class, and the words of the refusal a user reads.

The configuration tests (test_config.py) show that each rule is wired to its field; these pin the rules
themselves, without building a configuration, so each is a few microseconds.
"""

from __future__ import annotations

import pytest

from mlops_cicd import backend_names, names


def refused(problem, value: str, words: str) -> None:
    why = problem(value)
    assert why is not None, f"{value!r} was accepted"
    assert words in why
    if len(value) >= 3:
        assert value not in why  # a refusal names the rule, never the value (it may be a pasted secret)


# --- GitHub ------------------------------------------------------------------------------------------

def test_github_login_rules():
    assert names.github_login_problem("a" * 39) is None
    refused(names.github_login_problem, "a" * 40, "40 characters; GitHub logins have at most 39")
    refused(names.github_login_problem, "mona@example.com", "e-mail address")
    for good in ("a", "Mona-Lisa", "a-b-c", "octo_corp", "mona-lisa_corp1"):
        assert names.github_login_problem(good) is None, good
    for bad in ("-a", "a-", "a--b", "a_b_c", "_a", "a_", "mona lisa", ""):
        refused(names.github_login_problem, bad, "is not a GitHub login")


def test_github_repository_rules():
    assert names.github_repository_problem("r" * 100) is None
    refused(names.github_repository_problem, "r" * 101, "101 characters; GitHub repository names have at most 100")
    refused(names.github_repository_problem, "o/r", "contains '/'")
    for good in ("a", "A-b_c.d", "..x", "x.."):
        assert names.github_repository_problem(good) is None, good
    for bad in (".", "..", "", "a b", "a+b"):
        refused(names.github_repository_problem, bad, "is not a GitHub repository name")


def test_github_team_slug_rules():
    for good in ("a", "ml-reviewers", "data_eng", "a--b", "_a", "a_"):
        assert names.github_team_slug_problem(good) is None, good
    refused(names.github_team_slug_problem, "acme/ml", "contains '/'")
    refused(names.github_team_slug_problem, "ML-Reviewers", "lower case")
    for bad in ("-a", "a-", "", "a b", "a.b"):
        refused(names.github_team_slug_problem, bad, "is not a team slug")


def test_github_environment_name_rules():
    assert names.github_environment_problem("e" * 255) is None
    refused(names.github_environment_problem, "e" * 256, "256 characters; GitHub environment names have at most 255")
    refused(names.github_environment_problem, "", "must not be empty")
    refused(names.github_environment_problem, "prod ", "white space")


def test_github_server_is_neither_the_api_nor_www_host():
    assert names.github_server_problem(names.GITHUB_COM) is None
    assert names.github_server_problem("https://github.example.com") is None
    refused(names.github_server_problem, "https://api.github.com", "is not a GitHub server: for github.com write https://github.com")
    refused(names.github_server_problem, "https://www.github.com", "is not a GitHub server")


# --- Databricks ----------------------------------------------------------------------------------------

def test_git_provider_follows_the_server():
    assert names.git_provider_for("https://github.com") == "gitHub"
    assert names.git_provider_for("https://github.example.com") == "gitHubEnterprise"


def test_git_provider_values():
    assert names.git_provider_problem("gitHub") is None
    assert names.git_provider_problem("gitHubEnterprise") is None
    refused(names.git_provider_problem, "gitLab", "the repository is on GitHub")
    refused(names.git_provider_problem, "bitbucketCloud", "the repository is on GitHub")
    refused(names.git_provider_problem, "GITHUBENTERPRISE", 'did you mean "gitHubEnterprise"?')
    refused(names.git_provider_problem, "gitHubb", 'did you mean "gitHub"?')
    why = names.git_provider_problem("svn")
    assert "is not a Databricks git provider" in why and "did you mean" not in why


def test_secret_scope_name_rules():
    assert names.secret_scope_problem("s" * 128) is None
    refused(names.secret_scope_problem, "s" * 129, "129 characters; Databricks secret scope names have at most 128")
    assert names.secret_scope_problem("a-Z_0.@/b") is None
    for bad in ("", "a b", "a:b", "é-scope"):  # \w is ASCII only here
        refused(names.secret_scope_problem, bad, "is not a Databricks secret scope name")


def test_cd_credentials_scope_name():
    assert names.cd_credentials_scope_name("prod", "demo") == "prod-demo-cd-credentials"


def test_admins_group_however_it_is_spelt():
    for spelling in ("admins", "Admins", "ADMINS"):
        assert names.is_admins_group(spelling)
        assert 'joining "admins" makes the service principal a workspace administrator' in names.token_group_problem(spelling)
    assert not names.is_admins_group("admins2")
    assert names.token_group_problem("admins-readonly") is None


def test_group_name_rules():
    assert names.group_name_problem("Data Eng_1.ci@x-y") is None
    refused(names.group_name_problem, "", "must not be empty")
    refused(names.token_group_problem, " ci", "white space")
    for bad in ('x"y', "x\\y", "x/y", "x:y"):
        refused(names.group_name_problem, bad, "is not a group name this tool accepts")


def test_user_and_application_id_rules():
    assert names.user_name_problem("a.b+c@d-e.example.io") is None
    for bad in ("ada", "ada@localhost", "a b@x.io", "@x.io"):
        refused(names.user_name_problem, bad, "is not a user's e-mail address")
    assert names.application_id_problem("01234567-89ab-CDEF-0123-456789abcdef") is None
    for bad in ("11111111-2222-3333-4444-55555555555", "11111111-2222-3333-4444-5555555555555", "ci-bot",
                "11111111222233334444555555555555", "g1111111-2222-3333-4444-555555555555"):
        refused(names.application_id_problem, bad, "is not a service principal's application id")


def test_workspace_path_rules():
    for good in ("/Shared/x", "/Users/a@b.com/p", "/a", "/a/.b/c.", "/x..y"):
        assert names.workspace_path_problem(good) is None, good
    refused(names.workspace_path_problem, "Shared/x", "must be an absolute workspace path")
    refused(names.workspace_path_problem, "/", "has an empty part")
    refused(names.workspace_path_problem, "/Shared/x/", "has an empty part")
    refused(names.workspace_path_problem, "/Shared//x", "has an empty part")
    refused(names.workspace_path_problem, "/Shared/./x", "has a '.' or '..' part")
    refused(names.workspace_path_problem, "/Shared/..", "has a '.' or '..' part")
    refused(names.workspace_path_problem, "/Shared/x ", "white space")


def test_text_rules():
    assert names.text_problem("a b~") is None  # inner space and the last printable character
    refused(names.text_problem, "", "must not be empty")
    refused(names.text_problem, " a", "has leading or trailing white space")
    refused(names.text_problem, "a\n", "has leading or trailing white space")
    for control in ("\x00", "\x1f", "\x7f"):
        refused(names.text_problem, f"a{control}b", "contains a control character")


# --- Hosts ---------------------------------------------------------------------------------------------

EXAMPLE = "https://dbc-1234.cloud.databricks.com"


@pytest.mark.parametrize("value, origin", [
    ("https://dbc-1.cloud.databricks.com", "https://dbc-1.cloud.databricks.com"),
    ("https://DBC-1.Cloud.Databricks.com/", "https://dbc-1.cloud.databricks.com"),
    ("HTTPS://dbc-1.cloud.databricks.com", "https://dbc-1.cloud.databricks.com"),
    ("https://ghe.example.com:443", "https://ghe.example.com"),
    ("https://ghe.example.com:8443", "https://ghe.example.com:8443"),
    ("https://ghe.example.com:65535", "https://ghe.example.com:65535"),
    ("https://ghe.example.com:1", "https://ghe.example.com:1"),
    ("https://" + "a" * 63 + ".io", "https://" + "a" * 63 + ".io"),
])
def test_https_origin_accepts_and_normalizes(value, origin):
    assert names.https_origin(value, EXAMPLE) == origin


@pytest.mark.parametrize("value, words", [
    (" https://a.io", "has leading or trailing white space; write it as " + EXAMPLE),
    ("http://a.io", "must be an https:// URL such as " + EXAMPLE),
    ("https://", "must be an https:// URL"),
    ("https://u:p@a.io", "must not carry a user name or password"),
    ("https://a.io/x", "must be the server's root, without a path: write it as " + EXAMPLE),
    ("https://a.io/api/v3", "without a path (the API path is added by the provider)"),
    ("https://a.io/api/v3/", "(the API path is added by the provider)"),
    ("https://a.io?x=1", "must not have a query or fragment"),
    ("https://a.io#x", "must not have a query or fragment"),
    ("https://a.io?", "must not have a query or fragment"),
    ("https://a.io#", "must not have a query or fragment"),
    ("https://a.io:", "has an invalid port"),
    ("https://a.io:0", "has an invalid port"),
    ("https://a.io:08443", "has an invalid port"),
    ("https://a.io:65536", "has an invalid port"),
    ("https://a.io:x1", "has an invalid port"),
    ("https://localhost", "does not name a host"),
    ("https://a_b.io", "does not name a host"),
    ("https://-a.io", "does not name a host"),
    ("https://a-.io", "does not name a host"),
    ("https://a..io", "does not name a host"),
    ("https://" + "a" * 64 + ".io", "does not name a host"),
    ("https://" + "a." * 126 + "io", "does not name a host"),  # 254 characters
])
def test_https_origin_refusals(value, words):
    with pytest.raises(ValueError) as caught:
        names.https_origin(value, EXAMPLE)
    assert words in str(caught.value)


def test_https_origin_at_the_longest_host():
    host = "a." * 125 + "abc"  # 253 characters
    assert names.https_origin(f"https://{host}", EXAMPLE) == f"https://{host}"


# --- State backends ------------------------------------------------------------------------------------

def test_hcp_organization_rules():
    assert backend_names.hcp_organization_problem("Acme_Corp-1") is None
    for bad in ("", "acme corp", "acme.corp"):
        refused(backend_names.hcp_organization_problem, bad, "is not an HCP Terraform organization name")


def test_hcp_hostname_rules():
    for good in ("app.terraform.io", "tfe.example.com:1", "tfe.example.com:65535", "a." * 125 + "abc"):
        assert backend_names.hostname_problem(good) is None, good
    refused(backend_names.hostname_problem, "https://app.terraform.io", "must be a plain host name")
    refused(backend_names.hostname_problem, "app.terraform.io/app", "must be a plain host name")
    for bad in ("localhost", "tfe.example.com:0", "tfe.example.com:65536", "tfe.example.com:x", "Tfe.example.com",
                "a." * 126 + "io", "-a.io", "a..io"):
        refused(backend_names.hostname_problem, bad, "is not a host name")


def test_s3_bucket_rules():
    for good in ("abc", "b" * 63, "a.b-c1", "xn-a", "a-s3alia"):
        assert backend_names.s3_bucket_problem(good) is None, good
    for bad in ("ab", "b" * 64, "Abc", "-abc", "abc-", "a..b", "192.168.1.1", "xn--a", "sthree-a", "amzn-s3-demo-a",
                "a-s3alias", "a--ol-s3", "a.mrap", "a--x-s3", "a--table-s3"):
        refused(backend_names.s3_bucket_problem, bad, "is not an S3 bucket name")


def test_aws_region_rules():
    for good in ("us-east-1", "us-gov-west-1", "us-isob-east-1", "us-iso-east-1", "ap-southeast-5", "eu-west-10"):
        assert backend_names.aws_region_problem(good) is None, good
    for bad in ("us-east-0", "us-east-100", "us-central", "useast-1", "US-EAST-1", "eu-west-1a"):
        refused(backend_names.aws_region_problem, bad, "is not an AWS region code")


def test_azure_container_rules():
    for good in ("abc", "c" * 63, "a-b-c", "9ab"):
        assert backend_names.azure_container_problem(good) is None, good
    for bad in ("ab", "c" * 64, "a--b", "-ab", "ab-", "Abc", "a_b"):
        refused(backend_names.azure_container_problem, bad, "is not an Azure blob container name")


def test_gcs_bucket_rules():
    # With dots: up to 222 characters, each part at most 63 (two parts of 40 are longer than 63 together).
    for good in ("abc", "g" * 63, "a_b.c-d", "a" * 40 + "." + "b" * 40, ".".join(["g" * 55] * 3 + ["g" * 54]), "tf-goog"):
        assert backend_names.gcs_bucket_problem(good) is None, good
    for bad in ("ab", "g" * 64, ".".join(["g" * 64, "a"]), ".".join(["g" * 55] * 4),
                "-abc", "abc-", "Abc", "10.0.0.1", "goog-state", "my-google-state"):
        refused(backend_names.gcs_bucket_problem, bad, "is not a Cloud Storage bucket name")
