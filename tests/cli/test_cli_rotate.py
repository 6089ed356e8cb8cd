"""`mlops-cicd rotate` outside a rehearsal: refuses clearly when the stack cannot be rotated from here."""

from __future__ import annotations

import json

from .cli_helpers import run_cli, write_config


def test_rotate_of_a_never_deployed_stack_is_one_line_with_the_fix(capsys, tmp_path):
    code, _, err = run_cli(capsys, "rotate", "staging", "--config", str(write_config(tmp_path)),
                           "--outdir", str(tmp_path / "out"))
    assert code == 3
    assert "has not been initialized" in err and "fix: deploy it first (`cdktf deploy staging`)" in err
    assert "Traceback" not in err


def test_rotate_unknown_environment_exits_2(capsys, tmp_path):
    code, _, err = run_cli(capsys, "rotate", "qa", "--config", str(write_config(tmp_path)))
    assert code == 2 and "unknown environment(s): qa" in err and "staging, prod" in err


def _document(mode: str = "pat") -> dict:
    """The parts of a synthesized stack the rotation reads: credential, schedule, trigger, copies, SP provider."""
    credential = ("databricks_obo_token", "tok", "${databricks_obo_token.tok.token_value}") if mode == "pat" else \
        ("databricks_service_principal_secret", "sec", "${databricks_service_principal_secret.sec.secret}")
    kind, name, value = credential
    sp_config = {"token": value} if mode == "pat" else {"client_id": "${databricks_service_principal.sp.application_id}",
                                                       "client_secret": value}
    return {
        "provider": {"databricks": [{"host": "h"}, {"alias": "service_principal", "host": "h", **sp_config}]},
        "resource": {
            "time_rotating": {"sched": {"rotation_days": 60}},
            "time_static": {"trig": {"rfc3339": "${time_rotating.sched.rfc3339}"}},
            kind: {name: {"lifecycle": {"create_before_destroy": True, "replace_triggered_by": ["time_static.trig"]}}},
            "github_actions_secret": {"copy": {"plaintext_value": value}},
            "databricks_secret": {"in_scope": {"provider": "databricks.service_principal", "string_value": value}},
            "databricks_git_credential": {"git": {"provider": "databricks.service_principal", "force": True}},
        },
    }


def test_rotation_targets_the_credential_and_its_copies_but_nothing_managed_as_the_sp():
    from mlops_cicd.commands.rotation import rotation_targets

    for mode, credential in (("pat", "databricks_obo_token.tok"), ("oauth", "databricks_service_principal_secret.sec")):
        targets = rotation_targets(_document(mode))
        assert targets.replace == [credential, "time_rotating.sched"]
        assert targets.target == [credential, "time_rotating.sched", "time_static.trig", "github_actions_secret.copy"]


def test_rotate_runs_a_targeted_apply_then_a_full_one(tmp_path):
    from mlops_cicd.commands.rotation import PLAN_FILE, rotate

    calls: list[list[str]] = []
    plans = iter([
        {"resource_changes": [{"address": "databricks_obo_token.tok", "change": {"actions": ["create", "delete"]}},
                              {"address": "github_actions_secret.copy", "change": {"actions": ["delete", "create"]}}]},
        {"resource_changes": [{"address": "databricks_git_credential.git", "change": {"actions": ["no-op"]}}]},
    ])

    def terraform(args, fix):
        calls.append(list(args))
        return json.dumps(next(plans)) if args[0] == "show" else ""

    changes = rotate("staging", _document("pat"), tmp_path, terraform)
    assert [(c.address, c.phase) for c in changes] == [("databricks_obo_token.tok", 1), ("github_actions_secret.copy", 1)]
    first_plan, _, first_apply, second_plan, _ = calls  # phase 2 planned no change: no second apply
    assert "-target=github_actions_secret.copy" in first_plan and "-replace=databricks_obo_token.tok" in first_plan
    assert not any("git_credential" in a or "databricks_secret." in a for a in first_plan)
    assert first_apply[-1] == PLAN_FILE
    assert not any(a.startswith(("-target", "-replace")) for a in second_plan)
    assert not (tmp_path / PLAN_FILE).exists()
