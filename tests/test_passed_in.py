"""Values passed in as TF_VAR_*: looked for from six characters, and named by their variable only."""

from __future__ import annotations

from mlops_cicd.passed_in import passed_in_values, secret_in, secret_values

GITHUB_TOKEN = "ghp_" + "aZ09" * 9


def test_values_from_six_characters_of_tf_var_variables_only():
    environ = {"TF_VAR_six": "abcdef", "TF_VAR_five": "abcde", "HOME": "/home/someone", "tf_var_low": "abcdefg"}
    assert passed_in_values(environ) == {"TF_VAR_six": "abcdef"}


def test_secret_in_names_every_kind_and_variable_never_the_value():
    passed_in = {"TF_VAR_git_read_token": "correct-horse"}
    assert secret_in("login correct-horse", passed_in) == "the value of TF_VAR_git_read_token"
    both = secret_in(f"{GITHUB_TOKEN} correct-horse", passed_in)
    assert both == "a GitHub token (ghp_, gho_, ghu_, ghs_ or ghr_...) and the value of TF_VAR_git_read_token"
    assert secret_in("a plain name", passed_in) is None


def test_credentials_of_the_environment_from_six_characters_too():
    environ = {"DATABRICKS_TOKEN": "dapi12", "GITHUB_TOKEN": "ghp_1", "TF_TOKEN_app_terraform_io": "abcdef",
               "TF_VAR_six": "abcdef", "HOME": "/home/someone"}
    assert secret_values(environ) == {"DATABRICKS_TOKEN": "dapi12", "TF_TOKEN_app_terraform_io": "abcdef",
                                      "TF_VAR_six": "abcdef"}
