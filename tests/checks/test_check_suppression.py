"""Suppressions: only from the config, only with a written reason, printed on every run."""

from __future__ import annotations

import pytest

from mlops_cicd.checks import as_json, render_text
from mlops_cicd.config import ConfigError, parse_config

from helpers import first

REASON = "reviewers are enforced by the organization ruleset until Q3"


@pytest.fixture
def prod_without_reviewers(docs):
    first(docs["prod"], "github_repository_environment")["reviewers"] = []
    return docs


def _suppress(raw: dict, **entry) -> dict:
    raw.setdefault("checks", {}).setdefault("suppress", []).append(entry)
    return raw


def test_suppression_with_reason_silences_the_finding_and_prints_the_reason(prod_without_reviewers, findings, raw):
    active, report = findings(prod_without_reviewers, _suppress(raw, id="MLOPS004", reason=REASON, environment="prod"))
    assert active == set() and report.ok
    text = render_text(report)
    assert f"suppressed: MLOPS004 in prod: 1 finding; reason: {REASON}" in text
    suppressed = {s["id"]: s["reason"] for s in as_json(report)["suppressed"]}
    assert suppressed["MLOPS004"] == REASON


@pytest.mark.parametrize("reason", [None, "", "because"])
def test_suppression_without_a_real_reason_is_a_config_error(raw, reason):
    entry = {"id": "MLOPS004"} if reason is None else {"id": "MLOPS004", "reason": reason}
    with pytest.raises(ConfigError) as error:
        parse_config(_suppress(raw, **entry))
    assert "checks.suppress[1].reason" in str(error.value)


def test_suppression_for_another_environment_does_not_silence_prod(prod_without_reviewers, findings, raw):
    active, _ = findings(prod_without_reviewers, _suppress(raw, id="MLOPS004", reason=REASON, environment="staging"))
    assert active == {("MLOPS004", "prod")}


def test_suppression_without_environment_applies_to_every_stack(prod_without_reviewers, findings, raw):
    active, _ = findings(prod_without_reviewers, _suppress(raw, id="MLOPS004", reason=REASON))
    assert active == set()


def test_suppressions_are_printed_even_when_they_match_nothing(docs, findings, raw):
    _, report = findings(docs, _suppress(raw, id="MLOPS999", reason=REASON))
    text = render_text(report)
    assert f"suppressed: MLOPS999 in every environment: nothing (stale? remove it); reason: {REASON}" in text
    assert "'MLOPS999' is not a known check" in text
    assert as_json(report)["unknown_suppression_ids"] == ["MLOPS999"]


def test_warnings_are_printed_but_do_not_fail(docs, findings):
    (schedule,) = docs["prod"]["resource"]["time_rotating"]
    token = first(docs["prod"], "databricks_obo_token")
    token["lifecycle"]["replace_triggered_by"] = [f"time_rotating.{schedule}"]
    token["comment"] = "CI/CD token"  # tied to the schedule only weakly: a warning
    _, report = findings(docs)
    assert report.ok and len(report.warnings) == 1
    text = render_text(report)
    assert "warning: MLOPS010 [prod]" in text and "checks: 0 errors, 1 warning," in text


# --- suppressions naming a resource (a Terraform address glob), as cdk-nag's name a construct -----------------

DATABRICKS_TOKEN = "dapi" + "0123456789abcdef" * 2


@pytest.fixture
def token_pasted_twice(docs):
    """A Databricks token literal in prod's workspace token comment and in its trigger scope's secret."""
    first(docs["prod"], "databricks_obo_token")["comment"] = DATABRICKS_TOKEN
    first(docs["prod"], "databricks_secret")["string_value"] = DATABRICKS_TOKEN
    return docs


def test_a_literal_secret_finding_names_the_resource_it_is_in(token_pasted_twice, findings):
    _, report = findings(token_pasted_twice)
    (token,) = token_pasted_twice["prod"]["resource"]["databricks_obo_token"]
    by_address = {f.address: f for f in report.findings if f.check_id == "MLOPS001"}
    assert f"databricks_obo_token.{token}" in by_address
    assert f"resource.databricks_obo_token.{token}.comment" in by_address[f"databricks_obo_token.{token}"].message


def test_suppression_naming_a_resource_silences_only_findings_about_matching_addresses(token_pasted_twice, findings, raw):
    suppression = dict(id="MLOPS001", reason=REASON, environment="prod", resource="databricks_obo_token.*")
    _, report = findings(token_pasted_twice, _suppress(raw, **suppression))
    silenced = [s.finding.address.split(".")[0] for s in report.suppressed if s.finding.check_id == "MLOPS001"]
    assert silenced == ["databricks_obo_token"]
    assert [f.address.split(".")[0] for f in report.findings] == ["databricks_secret"]
    assert f"suppressed: MLOPS001 in prod on databricks_obo_token.*: 1 finding; reason: {REASON}" in render_text(report)
    entry = as_json(report)["suppressions"][-1]
    assert entry == {"id": "MLOPS001", "environment": "prod", "resource": "databricks_obo_token.*", "reason": REASON,
                     "matched": 1}


def test_suppression_naming_a_resource_that_has_no_finding_is_reported_stale(prod_without_reviewers, findings, raw):
    _, report = findings(prod_without_reviewers, _suppress(raw, id="MLOPS004", reason=REASON, resource="databricks_obo_token.*"))
    assert [(f.check_id, f.stack) for f in report.findings] == [("MLOPS004", "prod")]
    assert (f"suppressed: MLOPS004 in every environment on databricks_obo_token.*: nothing (stale? remove it); "
            f"reason: {REASON}") in render_text(report)


def test_every_finding_shows_the_address_a_suppression_can_name(prod_without_reviewers, findings):
    _, report = findings(prod_without_reviewers)
    (finding,) = report.findings
    assert f"  at: {finding.address}" in render_text(report).splitlines()


@pytest.mark.parametrize("glob, hint", [
    ("databricks_obo_token", "databricks_obo_token.*"),
    ("resource.databricks_obo_token.token", "databricks_obo_token.token"),
    ("databricks obo token.*", "databricks_obo_token.*"),
    ("${databricks_obo_token.token}", "databricks_obo_token.*"),
    ("databricks_obo_token.[ab", "databricks_obo_token.*"),
    ("", "databricks_obo_token.*"),
])
def test_a_resource_that_is_not_an_address_glob_is_one_config_error_with_the_fix(raw, glob, hint):
    with pytest.raises(ConfigError) as error:
        parse_config(_suppress(raw, id="MLOPS001", reason=REASON, resource=glob))
    (problem,) = error.value.problems
    assert problem.field == "checks.suppress[1].resource"
    assert hint in problem.message


def test_a_misspelt_suppression_field_is_one_config_error_naming_it(raw):
    with pytest.raises(ConfigError) as error:
        parse_config(_suppress(raw, id="MLOPS001", reason=REASON, resources="databricks_obo_token.*"))
    (problem,) = error.value.problems
    assert problem.field == "checks.suppress[1].resources"
    assert "unknown field" in problem.message and "resource" in problem.message
