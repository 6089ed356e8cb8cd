"""Check behaviour no other test pinned (found by `make mutation`): MLOPS003 in oauth mode, and the length
from which a TF_VAR_* value is looked for in plain text (MLOPS001)."""

from __future__ import annotations

import copy

import pytest

from helpers import shared, synthesize

from helpers import env_of, first
from helpers import shipped_raw


@pytest.fixture(scope=shared("module"))
def oauth_prod(tmp_path_factory) -> tuple[dict, dict[str, dict]]:
    """The shipped configuration with prod in oauth mode, and its synthesized stacks."""
    raw = shipped_raw()
    env_of(raw, "prod")["credential_mode"] = "oauth"
    return raw, synthesize(raw, tmp_path_factory.mktemp("oauth-prod"))


def _repository_level(stack: dict, name: str) -> None:
    """Move the environment secret `name` of a stack to repository level, as a hand edit would."""
    resources = stack["resource"]
    environment_secrets = resources["github_actions_environment_secret"]
    (address,) = [a for a, body in environment_secrets.items() if body["secret_name"] == name]
    body = environment_secrets.pop(address)
    del body["environment"]
    resources.setdefault("github_actions_secret", {})[address] = body


def test_oauth_prod_keeps_its_client_secret_in_the_environment(oauth_prod, findings):
    raw, stacks = oauth_prod
    secrets = {b["secret_name"] for b in stacks["prod"]["resource"]["github_actions_environment_secret"].values()}
    assert secrets == {"DATABRICKS_CLIENT_ID", "DATABRICKS_CLIENT_SECRET"}
    assert findings(stacks, raw)[0] == set()


def test_oauth_client_secret_of_prod_as_repository_secret_is_an_error(oauth_prod, findings):
    raw, stacks = oauth_prod
    docs = copy.deepcopy(stacks)
    _repository_level(docs["prod"], "DATABRICKS_CLIENT_SECRET")
    active, report = findings(docs, raw)
    assert active == {("MLOPS003", "prod")}
    (finding,) = report.errors
    assert "DATABRICKS_CLIENT_SECRET" in finding.message and "repository secret" in finding.message


def test_oauth_client_id_of_prod_as_repository_secret_is_not_a_credential(oauth_prod, findings):
    """The client id alone authenticates nothing: MLOPS003 is about the workspace credential only."""
    raw, stacks = oauth_prod
    docs = copy.deepcopy(stacks)
    _repository_level(docs["prod"], "DATABRICKS_CLIENT_ID")
    assert ("MLOPS003", "prod") not in findings(docs, raw)[0]


@pytest.mark.parametrize("value, found", [("abcdef", True), ("abcde", False)])
def test_tf_var_values_are_looked_for_from_six_characters(docs, findings, value, found):
    """README: the value of a declared TF_VAR_* (6 characters or more) in plain text is an error."""
    first(docs["staging"], "databricks_secret")["string_value"] = f"prefix-{value}-suffix"
    active, _ = findings(docs, environ={"TF_VAR_trigger_workflows_github_token": value})
    assert (("MLOPS001", "staging") in active) is found


def test_secret_findings_point_at_the_place_and_say_what_to_do(docs, findings):
    del first(docs["staging"], "databricks_git_credential")["personal_access_token"]
    first(docs["prod"], "databricks_secret")["string_value"] = "dapi" + "0123456789abcdef" * 2
    _, report = findings(docs)
    by_id = {f.check_id: f for f in report.errors}
    (credential,) = docs["staging"]["resource"]["databricks_git_credential"]
    assert by_id["MLOPS002"].address == f"databricks_git_credential.{credential}"
    assert "TF_VAR_git_read_token" in by_id["MLOPS002"].fix
    (secret,) = [name for name, body in docs["prod"]["resource"]["databricks_secret"].items() if body["string_value"].startswith("dapi")]
    assert by_id["MLOPS001"].address == f"databricks_secret.{secret}" and "TF_VAR_" in by_id["MLOPS001"].fix
    assert f"resource.databricks_secret.{secret}.string_value" in by_id["MLOPS001"].message
