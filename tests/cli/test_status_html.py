"""`mlops-cicd status --html FILE`: the fleet report, opened in a real headless Chromium. It loads with no console
error, page error or request beyond its own file, and shows every credential of the status document, by its stack
and address, in both the table and the timeline, where the marks sit as the dates say."""

from __future__ import annotations

import json
import math
from datetime import datetime

import pytest

from mlops_cicd.fleet_report import write_html

from helpers.browser import headless_chromium, open_file
from helpers.cli import run_cli, show_json, write_config

AS_OF = "2026-06-01T00:00:00Z"
HOSTILE = '<script>alert("project")</script>'
"""A project name that would run as a script if the report did not escape the document's text."""

TABLE_ROWS = """() => [...document.querySelectorAll('#credentials tbody tr:not(.quiet)')].map(tr => ({
  stack: tr.querySelector('th').textContent, address: tr.querySelector('td.address').textContent,
  days: tr.querySelector('td.days').textContent, status: tr.querySelector('.pill').textContent,
  height: tr.getBoundingClientRect().height}))"""

TIMELINE_ROWS = """() => {
  const centre = el => { if (!el) return null; const b = el.getBoundingClientRect(); return (b.left + b.right) / 2; };
  const svg = document.querySelector('svg.timeline').getBoundingClientRect();
  const chart = document.querySelector('svg.timeline line.axis').getBoundingClientRect().left;
  return [...document.querySelectorAll('svg.timeline g.credential')].map(g => {
    const stack = g.querySelector('text.row-stack'), address = g.querySelector('text.row-address');
    const row = g.querySelector('rect.row-bg').getBoundingClientRect();
    const labels = [stack, address].map(t => t.getBoundingClientRect());
    return {stack: stack.firstChild.textContent, address: address.textContent,
            days: g.querySelector('text.days').textContent,
            top: row.top, middle: (row.top + row.bottom) / 2,
            clear: labels.every(b => b.width > 0 && b.left >= svg.left && b.right <= chart),
            created: centre(g.querySelector('circle.created')), rotation: centre(g.querySelector('path.rotation')),
            expires: centre(g.querySelector('rect.expiry'))};
  });
}"""

TIMELINE_FRAME = """() => ({
  today: (b => (b.left + b.right) / 2)(document.querySelector('svg.timeline line.today').getBoundingClientRect()),
  bands: [...document.querySelectorAll('svg.timeline rect.window')].map(r => r.getBoundingClientRect())
    .map(b => ({left: b.left, right: b.right, top: b.top, bottom: b.bottom})),
  groups: [...document.querySelectorAll('svg.timeline text.group-name')].map(t => t.firstChild.textContent),
  scripts: document.querySelectorAll('script').length})"""


def _credential(address: str, created: str | None, next_rotation: str | None, expires: str | None,
                days_left: int | None, *warnings: str, estimated: bool = False) -> dict:
    type_ = address.split(".")[0]
    kinds = {"databricks_obo_token": "workspace token", "databricks_service_principal_secret": "OAuth secret",
             "time_rotating": "rotation schedule"}
    return {"address": address, "type": type_, "kind": kinds[type_], "created": created, "created_estimated": estimated,
            "expires": expires, "next_rotation": next_rotation,
            "rotation": None if type_ == "time_rotating" else "time_rotating.rotation_1",
            "days_left": days_left, "warnings": list(warnings)}


def _stack(project: str, env: str, warning_days: int, *credentials: dict, deployed: bool | None = True,
           unread: dict | None = None, orphans: tuple[dict, ...] = ()) -> dict:
    return {"name": f"{project}-{env}", "deployed": deployed, "unread": unread, "credentials": list(credentials),
            "orphans": list(orphans), "project": project, "warning_days": warning_days}


def fleet_document() -> dict:
    """A platform repository's status: three projects with their own warning windows; credentials fine, in the
    window, expired, overdue, estimated and without dates; stacks not deployed, unreadable and OIDC (none kept);
    and a project whose name and addresses are markup."""
    token, schedule = "databricks_obo_token.workspace_token_9CE72CD4", "time_rotating.rotation_1"
    secret = "databricks_service_principal_secret.oauth_secret_59586BC7"
    stacks = [
        _stack("churn-model", "staging", 14,
               _credential(token, "2026-04-03T00:00:00Z", "2026-06-12T00:00:00Z", "2026-06-23T00:00:00Z", 22),
               _credential(schedule, "2026-04-03T00:00:00Z", "2026-06-12T00:00:00Z", None, 11)),
        _stack("churn-model", "prod", 14,
               _credential(token, "2026-03-08T00:00:00Z", "2026-05-07T00:00:00Z", "2026-06-06T00:00:00Z", 5,
                           "expires in 5 day(s), on 2026-06-06", estimated=True),
               _credential(schedule, "2026-03-08T00:00:00Z", "2026-05-07T00:00:00Z", None, -25,
                           "rotation due since 2026-05-07")),
        _stack("fraud-scoring", "staging", 30,
               _credential(secret, "2026-04-22T00:00:00Z", "2026-06-20T00:00:00Z", "2026-06-21T00:00:00Z", 20,
                           "expires in 20 day(s), on 2026-06-21"),
               _credential(schedule, "2026-04-21T00:00:00Z", "2026-06-20T00:00:00Z", None, 19)),
        _stack("fraud-scoring", "prod", 30, deployed=False),
        _stack("fraud-scoring", "qa", 30, deployed=None,
               unread={"message": "fraud-scoring-qa: its s3 backend may hold a state", "fix": "terraform init"}),
        _stack("demand-forecast", "staging", 14,
               _credential(token, "2026-02-01T00:00:00Z", "2026-04-02T00:00:00Z", "2026-05-02T00:00:00Z", -31,
                           "expired on 2026-05-02"),
               _credential(secret, None, None, None, None)),
        _stack(HOSTILE, "staging", 14,
               _credential("databricks_obo_token.t\"'&<img src=x onerror=alert(2)>", "2026-05-01T00:00:00Z",
                           "2026-06-30T00:00:00Z", "2026-09-28T00:00:00Z", 119),
               orphans=({"label": "<b>databricks_secret_scope.x</b>",
                         "message": "not in state <script>alert(3)</script>",
                         "address": "databricks_secret_scope.x", "import_id": "x", "fix": "terraform import"},)),
        _stack(HOSTILE, "prod", 14),  # OIDC: deployed, no stored credential
    ]
    warnings = sum(len(c["warnings"]) for s in stacks for c in s["credentials"]) + 1
    return {"as_of": AS_OF, "clock": "given", "warning_days": 30, "warnings": warnings, "stacks": stacks}


def _pairs(document: dict) -> list[tuple[str, str]]:
    return sorted((stack["name"], c["address"]) for stack in document["stacks"] for c in stack["credentials"])


def _assert_every_credential_shown(loaded, document: dict) -> tuple[list[dict], list[dict]]:
    """Nothing went wrong loading, nothing was fetched, and each credential is a visible row of both views."""
    assert loaded.problems() == []
    assert set(loaded.requests) == {loaded.page.url}  # self-contained: no request beyond the file itself
    table, timeline = loaded.page.evaluate(TABLE_ROWS), loaded.page.evaluate(TIMELINE_ROWS)
    assert sorted((row["stack"], row["address"]) for row in table) == _pairs(document)
    assert sorted((row["stack"], row["address"]) for row in timeline) == _pairs(document)
    assert all(row["height"] > 0 for row in table)
    assert all(row["clear"] for row in timeline), "a label runs into the chart or out of the picture"
    return table, timeline


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _days(text: str) -> float:
    return math.inf if text.strip() in ("-", "") else int(text.split()[0])


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with headless_chromium(tmp_path_factory.mktemp("chromium")) as context:
        yield context


@pytest.mark.browser
def test_fleet_report_shows_every_credential_by_project_soonest_first(browser, tmp_path):
    document = fleet_document()
    write_html(tmp_path / "report.html", document)
    loaded = open_file(browser, tmp_path / "report.html")
    table, timeline = _assert_every_credential_shown(loaded, document)
    frame = loaded.page.evaluate(TIMELINE_FRAME)
    assert frame["scripts"] == 0  # the markup in the document stayed text

    assert [_days(row["days"]) for row in table] == sorted(_days(row["days"]) for row in table)
    soonest = {}
    for stack in document["stacks"]:
        days = [c["days_left"] for c in stack["credentials"] if c["days_left"] is not None]
        soonest[stack["project"]] = min(days + [soonest.get(stack["project"], math.inf)], default=math.inf)
    assert frame["groups"] == sorted(soonest, key=lambda project: (soonest[project], project))
    assert frame["groups"][0] == "demand-forecast" and HOSTILE in frame["groups"]

    project_of = {stack["name"]: stack for stack in document["stacks"]}
    credentials = {(s["name"], c["address"]): c for s in document["stacks"] for c in s["credentials"]}
    status = {(row["stack"], row["address"]): row["status"] for row in table}
    assert status[("demand-forecast-staging", "databricks_obo_token.workspace_token_9CE72CD4")] == "expired"
    assert status[("churn-model-prod", "time_rotating.rotation_1")] == "overdue"  # a schedule does not expire
    assert status[("churn-model-prod", "databricks_obo_token.workspace_token_9CE72CD4")] == "warning"
    assert status[("churn-model-staging", "databricks_obo_token.workspace_token_9CE72CD4")] == "ok"
    for row in timeline:
        (band,) = [b for b in frame["bands"] if b["top"] <= row["middle"] <= b["bottom"]]  # its project's window
        same_band = [r for r in timeline if band["top"] <= r["middle"] <= band["bottom"]]
        assert [_days(r["days"]) for r in sorted(same_band, key=lambda r: r["top"])] == \
            sorted(_days(r["days"]) for r in same_band)
        credential = credentials[(row["stack"], row["address"])]
        if credential["created"] and credential["expires"]:  # to scale: today cuts the bar where the dates say
            created, expires = _time(credential["created"]), _time(credential["expires"])
            lived = (_time(AS_OF) - created) / (expires - created)
            drawn = (frame["today"] - row["created"]) / (row["expires"] - row["created"])
            assert drawn == pytest.approx(lived, abs=0.01)
        if credential["expires"]:
            assert (row["expires"] > frame["today"]) == (credential["days_left"] >= 0)
            in_window = band["left"] <= row["expires"] <= band["right"]
            assert in_window == (0 <= credential["days_left"] <= project_of[row["stack"]]["warning_days"]), row
        if credential["next_rotation"] and credential["created"]:
            assert row["created"] < row["rotation"]
            if credential["expires"]:
                assert row["rotation"] < row["expires"]

    text = loaded.page.inner_text("body")
    assert "fraud-scoring-prod\tnot deployed" in text and "fraud-scoring-qa\tstate not readable here" in text
    assert f"{HOSTILE}-prod\tno stored credential" in text
    assert "not in state <script>alert(3)</script>" in text  # the orphan's warning, as text


@pytest.mark.browser
@pytest.mark.terraform
@pytest.mark.xdist_group("cli-rehearsal")  # the worker that holds the session's rehearsal (tests/cli/conftest.py)
def test_report_of_the_offline_rehearsal_shows_its_credentials(browser, rehearsal, capsys, tmp_path):
    _, config, directory = rehearsal
    report = tmp_path / "report.html"
    code, out, err = run_cli(capsys, "status", "--rehearsal", "--json", "--html", str(report), "--config", str(config),
                             "--rehearsal-dir", str(directory))
    assert code == 0, err
    document = json.loads(out)
    assert {s["name"] for s in document["stacks"]} == {"staging", "prod"} and _pairs(document)
    loaded = open_file(browser, report)
    table, _ = _assert_every_credential_shown(loaded, document)
    assert loaded.page.evaluate(TIMELINE_FRAME)["groups"] == ["prod", "staging"]  # no project: one group a stack
    assert {row["days"] for row in table} == {str(c["days_left"]) for s in document["stacks"] for c in s["credentials"]}

    # The hand-built document above has the shape `status` gives (a platform stack adds project and warning_days).
    built = fleet_document()["stacks"][0]
    assert set(document["stacks"][0]) == set(built) - {"project", "warning_days"}
    assert set(document["stacks"][0]["credentials"][0]) == set(built["credentials"][0])


def _status_args(tmp_path, *extra: str) -> list[str]:
    state = tmp_path / "staging.json"
    state.write_text(json.dumps(show_json()))
    return ["status", "--config", str(write_config(tmp_path)), "--output", str(tmp_path / "none"),
            "--from-json", f"staging={state}", "--now", "2026-01-11T00:00:00Z", *extra]


def test_html_into_a_missing_directory_fails_before_reading_any_state(capsys, tmp_path):
    args = _status_args(tmp_path, "--html", str(tmp_path / "no-such-dir" / "report.html"))
    args[args.index("--from-json") + 1] = f"staging={tmp_path / 'no-such-state.json'}"  # would fail if read
    code, out, err = run_cli(capsys, *args)
    assert code == 2 and out == ""
    assert f"--html {tmp_path / 'no-such-dir' / 'report.html'}: its directory" in err and "fix: name a file" in err
    assert not (tmp_path / "no-such-dir").exists()


def test_html_naming_a_directory_is_a_usage_error(capsys, tmp_path):
    code, _, err = run_cli(capsys, *_status_args(tmp_path, "--html", str(tmp_path)))
    assert code == 2 and f"--html {tmp_path} is a directory" in err


def test_html_writes_the_report_beside_the_usual_output(capsys, tmp_path):
    code, out, _ = run_cli(capsys, *_status_args(tmp_path, "--html", str(tmp_path / "report.html")))
    assert code == 0 and "databricks_obo_token.workspace_token_9CE72CD4" in out  # the table still printed
    page = (tmp_path / "report.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and page.count("workspace_token_9CE72CD4") >= 2
