"""MLOPS005 token lifetime and rotation, MLOPS006 bare replace_triggered_by addresses."""

from __future__ import annotations

from helpers import first


def test_token_without_create_before_destroy_is_an_error(docs, findings):
    first(docs["staging"], "databricks_obo_token")["lifecycle"]["create_before_destroy"] = False
    active, report = findings(docs)
    assert active == {("MLOPS005", "staging")}
    assert "create_before_destroy" in report.errors[0].message


def test_token_without_lifetime_is_an_error(docs, findings):
    del first(docs["prod"], "databricks_obo_token")["lifetime_seconds"]
    active, report = findings(docs)
    assert active == {("MLOPS005", "prod")}
    assert "token_lifetime_days" in report.errors[0].fix


def test_token_not_tied_to_a_rotation_is_an_error(docs, findings):
    token = first(docs["prod"], "databricks_obo_token")
    del token["lifecycle"]["replace_triggered_by"]
    token["comment"] = "CI/CD token"
    active, report = findings(docs)
    assert active == {("MLOPS005", "prod")}
    assert "time_rotating" in report.errors[0].message


def test_rotation_longer_than_lifetime_is_an_error(docs, findings):
    first(docs["staging"], "time_rotating")["rotation_days"] = 120  # token lives 90 days
    active, report = findings(docs)
    assert active == {("MLOPS005", "staging")}
    assert "expires before it is replaced" in report.errors[0].message


def _oauth_secret(lifetime: str) -> dict:
    return {
        "service_principal_id": "${databricks_service_principal.sp.id}",
        "lifetime": lifetime,
        "time_rotating": "rotation ${time_rotating.r.rfc3339}",
        "lifecycle": {"create_before_destroy": True},
    }


def test_oauth_secret_rotated_by_its_time_rotating_argument(docs, findings):
    resources = docs["staging"]["resource"]
    resources["time_rotating"]["r"] = {"rotation_days": 30}
    resources["databricks_service_principal_secret"] = {"ok": _oauth_secret("3888000s")}  # 45 days
    assert findings(docs)[0] == set()
    resources["databricks_service_principal_secret"] = {"short": _oauth_secret("240h")}  # 10 days
    active, report = findings(docs)
    assert active == {("MLOPS005", "staging")}
    assert "databricks_service_principal_secret.short" in report.errors[0].message


def test_interpolated_replace_trigger_is_an_error_with_the_bare_address_as_fix(docs, findings):
    lifecycle = first(docs["prod"], "databricks_obo_token")["lifecycle"]
    (bare,) = lifecycle["replace_triggered_by"]
    lifecycle["replace_triggered_by"] = ["${" + bare + "}"]
    active, report = findings(docs)
    assert ("MLOPS006", "prod") in active
    (finding,) = [f for f in report.errors if f.check_id == "MLOPS006"]
    assert repr(bare) in finding.fix


def test_replace_triggers_of_any_resource_must_be_bare(docs, findings):
    """MLOPS006 looks at every resource, not only credentials: a bare address passes, an interpolation not."""
    git = first(docs["prod"], "databricks_git_credential")
    (token,) = docs["prod"]["resource"]["databricks_obo_token"]
    git["lifecycle"] = {"replace_triggered_by": [f"databricks_obo_token.{token}"]}
    assert findings(docs)[0] == set()

    git["lifecycle"]["replace_triggered_by"] = [f"${{databricks_obo_token.{token}}}"]
    active, report = findings(docs)
    assert active == {("MLOPS006", "prod")}
    (finding,) = report.errors
    assert finding.address.startswith("databricks_git_credential.") and repr(f"databricks_obo_token.{token}") in finding.fix


def _schedule_address(stack: dict) -> str:
    (name,) = stack["resource"]["time_rotating"]
    return f"time_rotating.{name}"


def test_token_tied_to_its_schedule_only_by_replace_triggered_by_is_a_warning(docs, findings):
    token = first(docs["staging"], "databricks_obo_token")
    token["lifecycle"]["replace_triggered_by"] = [_schedule_address(docs["staging"])]
    token["comment"] = "CI/CD token"  # no schedule in an argument that forces a new token either
    active, report = findings(docs)
    assert active == {("MLOPS010", "staging")}
    (warning,) = report.warnings
    assert report.ok and warning.severity == "warning"
    assert "only through replace_triggered_by" in warning.message and "time_static" in warning.fix


def test_token_replaced_through_a_copy_fed_by_triggers_passes_and_an_unfed_copy_does_not(docs, findings):
    """A time_static copies the schedule through either forcing argument: `triggers` as well as `rfc3339`.
    One fed by neither ties the token to no schedule at all."""
    token = first(docs["prod"], "databricks_obo_token")
    (trigger,) = token["lifecycle"]["replace_triggered_by"]
    static = first(docs["prod"], "time_static")
    del static["rfc3339"]
    static["triggers"] = {"rotation": f"${{{_schedule_address(docs['prod'])}.id}}"}
    assert trigger.startswith("time_static.") and findings(docs)[0] == set()

    del static["triggers"]
    static["rfc3339"] = "2026-01-01T00:00:00Z"
    active, report = findings(docs)
    assert ("MLOPS005", "prod") in active
    assert any("not tied to a time_rotating" in f.message for f in report.errors if f.check_id == "MLOPS005")


def test_token_with_its_schedule_in_a_replacing_argument_passes(docs, findings):
    token = first(docs["prod"], "databricks_obo_token")
    schedule = _schedule_address(docs["prod"])
    token["lifecycle"]["replace_triggered_by"] = [schedule]
    token["comment"] = f"CI/CD token (rotation ${{{schedule}.rfc3339}})"
    assert findings(docs)[0] == set()
