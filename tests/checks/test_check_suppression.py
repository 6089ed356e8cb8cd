"""Suppressions: only from the config, only with a written reason, printed on every run."""

from __future__ import annotations

import pytest

from pydantic import ValidationError

from mlops_cicd.checks import CHECK_IDS, as_json, render_text, run_checks
from mlops_cicd.config import NEVER_SUPPRESSED, ConfigError, Suppression, parse_config

from helpers import first, shipped_raw
from helpers.cli import run_cli, write_config
from helpers.cli import suppression as cli_suppression

REASON = "reviewers are enforced by the organization ruleset until Q3"


@pytest.fixture
def prod_without_reviewers(docs):
    first(docs["prod"], "github_repository_environment")["reviewers"] = []
    return docs


def _suppress(raw: dict, **entry) -> dict:
    raw.setdefault("checks", {}).setdefault("suppress", []).append(entry)
    return raw


def _refusal(raw: dict, **entry):
    """The one problem parse_config reports for the shipped config plus the suppression `entry`."""
    with pytest.raises(ConfigError) as error:
        parse_config(_suppress(raw, **entry))
    (problem,) = error.value.problems
    return problem


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


def test_a_literal_secret_finding_names_the_resource_it_is_in(docs, findings):
    first(docs["prod"], "databricks_obo_token")["comment"] = DATABRICKS_TOKEN
    _, report = findings(docs)
    (token,) = docs["prod"]["resource"]["databricks_obo_token"]
    by_address = {f.address: f for f in report.findings if f.check_id == "MLOPS001"}
    assert f"databricks_obo_token.{token}" in by_address
    assert f"resource.databricks_obo_token.{token}.comment" in by_address[f"databricks_obo_token.{token}"].message


def _interpolate_triggers(document: dict) -> None:
    """An interpolated replace_triggered_by entry (MLOPS006) on the workspace token and on a secret."""
    token = first(document, "databricks_obo_token")
    trigger = "${" + token["lifecycle"]["replace_triggered_by"][0] + "}"
    token["lifecycle"]["replace_triggered_by"] = [trigger]
    first(document, "databricks_secret")["lifecycle"] = {"replace_triggered_by": [trigger]}


@pytest.fixture
def interpolated_triggers(docs):
    """MLOPS006 twice in each stack, at the same addresses in both: the workspace token and a secret."""
    for document in docs.values():
        _interpolate_triggers(document)
    return docs


def test_suppression_naming_a_resource_silences_only_findings_about_matching_addresses(interpolated_triggers, findings, raw):
    suppression = dict(id="MLOPS006", reason=REASON, environment="prod", resource="databricks_obo_token.*")
    _, report = findings(interpolated_triggers, _suppress(raw, **suppression))
    assert [(s.finding.stack, s.finding.address.split(".")[0]) for s in report.suppressed
            if s.finding.check_id == "MLOPS006"] == [("prod", "databricks_obo_token")]
    assert sorted((f.stack, f.address.split(".")[0]) for f in report.findings) == [
        ("prod", "databricks_secret"), ("staging", "databricks_obo_token"), ("staging", "databricks_secret")]
    assert f"suppressed: MLOPS006 in prod on databricks_obo_token.*: 1 finding; reason: {REASON}" in render_text(report)
    entry = as_json(report)["suppressions"][-1]
    assert entry == {"id": "MLOPS006", "environment": "prod", "resource": "databricks_obo_token.*", "reason": REASON,
                     "matched": 1}


def test_suppression_naming_a_resource_that_has_no_finding_is_reported_stale(prod_without_reviewers, findings, raw):
    _, report = findings(prod_without_reviewers, _suppress(raw, id="MLOPS004", reason=REASON, environment="prod",
                                                            resource="databricks_obo_token.*"))
    assert [(f.check_id, f.stack) for f in report.findings] == [("MLOPS004", "prod")]
    assert (f"suppressed: MLOPS004 in prod on databricks_obo_token.*: nothing (stale? remove it); "
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
    problem = _refusal(raw, id="MLOPS006", reason=REASON, environment="prod", resource=glob)
    assert problem.field == "checks.suppress[1].resource"
    assert hint in problem.message


def test_a_misspelt_suppression_field_is_one_config_error_naming_it(raw):
    problem = _refusal(raw, id="MLOPS006", reason=REASON, environment="prod", resources="databricks_obo_token.*")
    assert problem.field == "checks.suppress[1].resources"
    assert "unknown field" in problem.message and "resource" in problem.message


# --- how far a suppression reaches (review of issue 9) -------------------------------------------------------


@pytest.mark.parametrize("glob", ["*.*", "?*.*", "[a-z]*.workspace_token", "databricks_*.*", "data.*.x", "*_token.*"])
def test_a_resource_glob_must_name_its_resource_type_literally(raw, glob):
    """`*.*` would silence the check's every finding: what it looks like it narrows, it does not."""
    problem = _refusal(raw, id="MLOPS006", reason=REASON, environment="prod", resource=glob)
    assert problem.field == "checks.suppress[1].resource"
    assert "resource type" in problem.message and "databricks_obo_token.*" in problem.message


@pytest.mark.parametrize("glob", ["databricks_obo_token.*", "data.databricks_current_user.*", "output.*",
                                  "terraform.backend", "databricks_secret.cd_trigger_secret_?oken_*"])
def test_a_resource_glob_with_a_literal_type_is_accepted(raw, glob):
    parse_config(_suppress(raw, id="MLOPS006", reason=REASON, environment="prod", resource=glob))


def test_a_resource_without_an_environment_is_one_config_error_naming_the_fix(raw):
    """Addresses are the same in every stack: one copied from staging's `at:` line would silence prod too."""
    problem = _refusal(raw, id="MLOPS006", reason=REASON, resource="databricks_obo_token.*")
    assert problem.field == "checks.suppress[1].environment"
    assert "every stack" in problem.message and 'e.g. environment = "staging" (environments: staging, prod)' in problem.message


def test_an_address_copied_from_staging_does_not_silence_prod(interpolated_triggers, findings, raw):
    (token,) = interpolated_triggers["staging"]["resource"]["databricks_obo_token"]
    entry = dict(id="MLOPS006", reason=REASON, environment="staging", resource=f"databricks_obo_token.{token}")
    active, report = findings(interpolated_triggers, _suppress(raw, **entry))
    assert [(s.finding.stack, s.finding.address) for s in report.suppressed
            if s.finding.check_id == "MLOPS006"] == [("staging", f"databricks_obo_token.{token}")]
    assert ("MLOPS006", "prod") in active


def test_an_unknown_environment_is_a_config_error_naming_the_environments(raw):
    problem = _refusal(raw, id="MLOPS004", reason=REASON, environment="prdo")
    assert problem.field == "checks.suppress[1].environment"
    assert "'prdo' is not an environment" in problem.message and "staging, prod" in problem.message


@pytest.mark.parametrize("check_id", sorted(NEVER_SUPPRESSED))
def test_a_check_about_a_secret_already_written_can_never_be_suppressed(check_id):
    for entry in ({}, {"environment": "prod"}, {"environment": "prod", "resource": "output.*"}):
        problem = _refusal(shipped_raw(), id=check_id, reason=REASON, **entry)
        assert problem.field == "checks.suppress[1].id"
        assert f"{check_id} cannot be suppressed" in problem.message and NEVER_SUPPRESSED[check_id] in problem.message
    with pytest.raises(ValidationError):  # nor in code
        Suppression(id=check_id, reason=REASON, environment="prod")


def test_the_checks_never_suppressed_are_the_secret_leaks():
    assert set(NEVER_SUPPRESSED) == {"MLOPS001", "MLOPS008"} and set(NEVER_SUPPRESSED) <= CHECK_IDS


def test_a_literal_secret_stays_an_error_whatever_else_is_suppressed(docs, findings, raw):
    first(docs["prod"], "databricks_obo_token")["comment"] = DATABRICKS_TOKEN
    for check_id in sorted(CHECK_IDS - set(NEVER_SUPPRESSED)):
        _suppress(raw, id=check_id, reason=REASON, environment="prod")
    active, report = findings(docs, raw)
    assert ("MLOPS001", "prod") in active and not report.ok


def test_every_suppression_that_matches_a_finding_counts_it(interpolated_triggers, findings, raw):
    """A broad entry before a narrower one: the narrower one still matches, so it is not stale."""
    _suppress(raw, id="MLOPS006", reason=REASON, environment="prod")
    _suppress(raw, id="MLOPS006", reason="the token's trigger is rewritten by hand (OPS-7)", environment="prod",
              resource="databricks_obo_token.*")
    _, report = findings(interpolated_triggers, raw)
    assert [entry["matched"] for entry in as_json(report)["suppressions"]] == [1, 2, 1]
    assert "stale" not in render_text(report)
    assert sorted(s.finding.address.split(".")[0] for s in report.suppressed if s.finding.stack == "prod"
                  and s.finding.check_id == "MLOPS006") == ["databricks_obo_token", "databricks_secret"]
    assert {s.reason for s in report.suppressed if s.finding.check_id == "MLOPS006"} == {REASON}


def test_suppressions_given_in_code_are_held_to_the_same_rules(docs):
    (token,) = docs["prod"]["resource"]["databricks_obo_token"]
    everywhere = Suppression(id="MLOPS006", reason=REASON, resource=f"databricks_obo_token.{token}")
    with pytest.raises(ValueError, match=r"suppressions\[0\]\.environment: .*every stack"):
        run_checks(None, docs, {}, suppressions=[everywhere])
    misspelt = Suppression(id="MLOPS006", reason=REASON, environment="prdo")
    with pytest.raises(ValueError, match=r"'prdo' is not an environment; use one of: .*prod"):
        run_checks(None, docs, {}, suppressions=[misspelt])
    with pytest.raises(ValidationError):
        Suppression(id="MLOPS006", reason=REASON, environment="prod", resource="*.*")


def test_mlops_cicd_check_exits_4_on_a_suppression_for_a_misspelt_environment(capsys, tmp_path):
    config = write_config(tmp_path, reviewers=False, extra=cli_suppression("MLOPS004", environment="prdo"))
    code, out, err = run_cli(capsys, "check", "--config", str(config))
    assert code == 4 and "suppressed:" not in out
    assert "checks.suppress[1].environment: 'prdo' is not an environment; use one of: staging, prod" in err
