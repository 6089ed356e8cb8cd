"""MLOPS003 as the user reads it: the whole error and warning for prod's token moved to a repository secret
(what is exposed, to whom, and the two ways out), and an encrypted value counts like a plain one."""

from __future__ import annotations

from helpers import env_of

ADDRESS = "github_actions_secret.github_secret_prod_workspace_token"
EXPOSURE = (f"{ADDRESS} stores prod's workspace credential PROD_WORKSPACE_TOKEN as a repository secret, readable by "
            "any workflow run of anyone with write access to the repository, on any branch, without the prod "
            "environment's reviews")


def _repository_level(docs: dict, value_key: str = "plaintext_value") -> None:
    resources = docs["prod"]["resource"]
    secret = resources.pop("github_actions_environment_secret")["github_secret_prod_workspace_token"]
    del secret["environment"]
    secret[value_key] = secret.pop("plaintext_value")
    resources["github_actions_secret"] = {"github_secret_prod_workspace_token": secret}


def test_the_error_names_the_secret_who_can_read_it_and_both_fixes(docs, findings):
    _repository_level(docs)
    _, report = findings(docs)
    (error,) = report.errors
    assert (error.check_id, error.severity, error.stack, error.address) == ("MLOPS003", "error", "prod", ADDRESS)
    assert error.message == EXPOSURE
    assert error.fix == (
        'keep it an environment secret (secret_placement = "environment", the production default) so only jobs '
        "that pass the prod environment's reviews get it; or, if the workflows need it repository-level, say so: "
        'secret_placement = "repository" in [[environments]] prod')


def test_the_warning_says_the_config_chose_it_and_how_to_undo_or_keep_it(docs, findings, raw):
    _repository_level(docs)
    env_of(raw, "prod")["secret_placement"] = "repository"
    _, report = findings(docs, raw)
    assert "MLOPS003" not in {f.check_id for f in report.errors}
    (warning,) = [f for f in report.warnings if f.check_id == "MLOPS003"]
    assert (warning.severity, warning.stack, warning.address) == ("warning", "prod", ADDRESS)
    assert warning.message == EXPOSURE + ' (secret_placement = "repository" is set for this production environment)'
    assert warning.fix == (
        'use secret_placement = "environment" in [[environments]] prod and declare `environment: prod` in the '
        "workflows; or keep it and suppress MLOPS003 for prod with the reason the workflows need it repository-level")


def test_an_encrypted_value_holding_the_token_counts_too(docs, findings):
    """`encrypted_value` is the provider's other way to set a secret (github_actions_secret, v6.11.0)."""
    _repository_level(docs, "encrypted_value")
    active, _ = findings(docs)
    assert active == {("MLOPS003", "prod")}


def test_production_is_checked_whatever_the_stack_order(docs, findings):
    """A non-production stack listed before prod (say `dev`) does not end the check."""
    _repository_level(docs)
    active, _ = findings({"staging": docs["staging"], "prod": docs["prod"]})
    assert active == {("MLOPS003", "prod")}


def test_a_repository_secret_without_a_credential_does_not_hide_the_token_after_it(docs, findings):
    _repository_level(docs)
    secrets = docs["prod"]["resource"]["github_actions_secret"]
    other = {"repository": "mlops-demo-classifier", "secret_name": "MODEL_NAME", "plaintext_value": "classifier"}
    docs["prod"]["resource"]["github_actions_secret"] = {"github_secret_prod_model_name": other, **secrets}
    _, report = findings(docs)
    assert [f.address for f in report.errors if f.check_id == "MLOPS003"] == [ADDRESS]
