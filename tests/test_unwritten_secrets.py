"""`mlops-cicd status` names a credential secret GitHub did not write in its credential's rotation period
(a failed write the github provider recorded anyway), with the `terraform state rm` that lets the next deploy
write it again (operations/unwritten_secrets.py)."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from mlops_cicd.operations.credential_state import StackState
from mlops_cicd.operations.unwritten_secrets import parse_go_time, unwritten_secrets

TOKEN = "databricks_obo_token.workspace_token"
SECRET = "github_actions_secret.github_secret_staging_workspace_token"
DOCUMENT = {"resource": {
    "databricks_obo_token": {"workspace_token": {"comment": "x rotation ${time_static.trigger.rfc3339}"}},
    "github_actions_secret": {
        "github_secret_staging_workspace_token": {"plaintext_value": "${databricks_obo_token.workspace_token.token_value}"},
        "trigger": {"plaintext_value": "${var.trigger_workflows_github_token}"}}}}


def _state(written: str | None, stamp: str = "2026-03-01T00:00:00Z", trigger_written: str | None = None) -> StackState:
    resources = [
        {"address": TOKEN, "type": "databricks_obo_token", "values": {"comment": f"x rotation {stamp}"}},
        {"address": SECRET, "type": "github_actions_secret",
         "values": {"secret_name": "STAGING_WORKSPACE_TOKEN", "updated_at": written}},
        {"address": "github_actions_secret.trigger", "type": "github_actions_secret",
         "values": {"secret_name": "TRIGGER", "updated_at": trigger_written}},
    ]
    return StackState("staging", {"values": {"root_module": {"resources": resources}}}, DOCUMENT)


@pytest.mark.parametrize("written", [None, "2026-01-01 00:00:00 +0000 UTC", "2026-02-28 22:59:59 +0000 UTC",
                                     "2026-03-01 00:59:59 +0200 +0200"])
def test_a_credential_secret_written_before_its_period_is_named_with_the_state_rm_fix(written):
    (found,) = unwritten_secrets(_state(written), Path("/stacks/staging dir"))
    assert found.label == SECRET and "STAGING_WORKSPACE_TOKEN" in found.message
    assert shlex.split(found.fix) == ["terraform", "-chdir=/stacks/staging dir", "state", "rm", SECRET]
    assert found.message.endswith(found.fix) and found.as_dict()["fix"] == found.fix


@pytest.mark.parametrize("written", ["2026-02-28 23:00:00 +0000 UTC", "2026-03-01 00:00:05.5 +0000 UTC",
                                     "2026-04-01 00:00:00 +0000 UTC"])
def test_a_secret_written_in_its_period_within_an_hour_of_clock_skew_is_fine(written):
    assert unwritten_secrets(_state(written), Path("/s")) == []


def test_secrets_not_holding_a_stamped_credential_and_undocumented_stacks_are_not_judged():
    assert unwritten_secrets(_state("2026-03-01 00:00:00 +0000 UTC", trigger_written=None), Path("/s")) == []
    undocumented = StackState("staging", _state(None).show, None)
    assert unwritten_secrets(undocumented, Path("/s")) == []


def test_go_times_parse_with_their_offset():
    assert parse_go_time("2026-03-01 02:00:00 +0200 +0200") == parse_go_time("2026-03-01 00:00:00 +0000 UTC")
    assert parse_go_time("2026-03-01T00:00:00Z") == parse_go_time("2026-03-01 00:00:00 +0000 UTC")
    assert parse_go_time("yesterday") is None and parse_go_time(None) is None
