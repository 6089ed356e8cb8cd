"""Suppressions: only from the config, only with a written reason, printed on every run."""

from __future__ import annotations

import pytest

from mlops_cicd.checks import as_json, render_text
from mlops_cicd.config import ConfigError, parse_config

from .check_helpers import first

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
