"""Real terraform against the stand-in providers, on a small hand-written stack."""

from __future__ import annotations

import json

import pytest

from mlops_cicd_offline.harness.terraform import Harness, dummy_variables

from helpers.offline import FIXTURES, deployed, fixture_stack, initialized

HOST = "https://fixture-ws.cloud.databricks.com"
REPO = "fixture-org/fixture-repo"


@pytest.mark.terraform
def test_apply_then_no_changes_and_emulated_objects(harness, world):
    stack = deployed(harness, "minimal", fixture_stack("minimal"))
    replan = stack.plan()
    assert replan.no_changes, replan.output
    sps = world.service_principals(HOST)
    assert [sp["display_name"] for sp in sps] == ["fixture-cicd"]
    assert len(world.tokens(HOST)) == 1
    # the git credential was created by the SP itself (the aliased provider's OBO token)
    assert list(world.git_credentials(HOST)) == [sps[0]["application_id"]]
    state = {r["address"]: r["values"] for r in stack.resources()}
    token_value = state["databricks_obo_token.token"]["token_value"]
    assert world.reveal_secret(REPO, "FIXTURE_WORKSPACE_TOKEN") == token_value
    assert token_value not in str(world.snapshot())  # only sealed boxes and digests are stored


def test_backend_is_replaced_by_a_local_one(harness):
    stack = harness.prepare("minimal", fixture_stack("minimal"))
    assert list(stack.config()["terraform"]["backend"]) == ["local"]


def test_write_config_keeps_a_real_backend_for_callers_that_want_it(harness):
    stack = harness.prepare("minimal", fixture_stack("minimal"))
    stack.write_config(fixture_stack("minimal"))
    assert list(stack.config()["terraform"]["backend"]) == ["s3"]


@pytest.mark.terraform
def test_rehearse_reports_each_step_and_keeps_its_work_dir(tmp_path, offline_build):
    from mlops_cicd_offline.harness.rehearse import rehearse

    stacks = tmp_path / "stacks"
    (stacks / "minimal").mkdir(parents=True)
    (stacks / "minimal" / "cdk.tf.json").write_text((FIXTURES / "minimal" / "cdk.tf.json").read_text())
    printed = []
    (report,) = rehearse(stacks, tmp_path / "out", echo=printed.append)
    assert report.ok and report.resources_created == 7
    assert [s["step"] for s in report.steps] == ["init", "validate", "plan", "apply", "replan"]
    assert printed[-1].endswith("No changes.")
    assert (tmp_path / "out" / "summary.json").exists()
    assert (tmp_path / "out" / "work" / "minimal" / "terraform.tfstate").exists()


@pytest.mark.terraform
def test_a_failed_rehearsal_prints_the_log_tail_but_no_dummy_variable_value(tmp_path, offline_build):
    """On failure the report prints the failing step's log tail; the dummy TF_VAR_* values, which terraform
    gets for the stack's variables, are not in it (here the failure is about such a variable)."""
    from mlops_cicd_offline.harness.rehearse import rehearse

    config = fixture_stack("minimal")
    config["output"] = {"git_read_token": {"value": "${var.git_read_token}"}}  # not marked sensitive: refused
    (tmp_path / "stacks" / "minimal").mkdir(parents=True)
    (tmp_path / "stacks" / "minimal" / "cdk.tf.json").write_text(json.dumps(config))
    printed = []
    (report,) = rehearse(tmp_path / "stacks", tmp_path / "out", echo=printed.append)
    assert not report.ok and report.failed_step in ("validate", "plan")
    text = "\n".join(printed)
    assert f"FAILED at {report.failed_step}" in text and "Output refers to sensitive values" in text
    values = dummy_variables(config, str((tmp_path / "out" / "state").resolve()))
    assert list(values) == ["TF_VAR_git_read_token"]
    # these are the values terraform was given (the rehearsal's harness, re-opened on the same dirs)
    reopened = Harness(tmp_path / "out" / "work", tmp_path / "out" / "state", offline_build.root)
    stack = reopened.prepare("minimal", tmp_path / "out" / "work" / "minimal", fresh=False)
    assert {k: v for k, v in stack.env.items() if k.startswith("TF_VAR_")} == values
    for value in values.values():
        assert value not in text


@pytest.mark.terraform
def test_a_rehearsal_whose_apply_breaks_an_invariant_fails_and_names_it(tmp_path, offline_build):
    """Terraform succeeds, yet the world is wrong (two live SPs named alike): the rehearsal fails and says so."""
    from mlops_cicd_offline.harness.rehearse import rehearse

    config = fixture_stack("minimal")
    config["resource"]["databricks_service_principal"]["twin"] = {"display_name": "fixture-cicd"}
    (tmp_path / "stacks" / "minimal").mkdir(parents=True)
    (tmp_path / "stacks" / "minimal" / "cdk.tf.json").write_text(json.dumps(config))
    printed = []
    (report,) = rehearse(tmp_path / "stacks", tmp_path / "out", echo=printed.append)
    assert not report.ok and report.failed_step == "invariants"
    assert [s["step"] for s in report.steps] == ["init", "validate", "plan", "apply"]
    text = "\n".join(printed)
    assert "FAILED: the apply left the emulated world broken" in text and "invariant 'unique SP name'" in text
    assert "fixture-cicd" in text
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary[0]["invariants_broken"] == report.invariants_broken != []


@pytest.mark.terraform
def test_token_lifetime_beyond_the_workspace_maximum_is_refused(harness):
    config = fixture_stack("minimal")
    config["resource"]["databricks_obo_token"]["token"]["lifetime_seconds"] = 731 * 86400
    stack = initialized(harness, "minimal", config)
    result = stack.apply()
    assert result.exit_code != 0 and result.mentions("maximum token lifetime")


@pytest.mark.terraform
def test_validate_catches_a_bad_attribute_in_any_type_even_deep_in_blocks(harness):
    config = fixture_stack("minimal")
    config["resource"]["databricks_job"] = {"nightly": {
        "name": "nightly", "task": [{"task_key": "train", "notebook_task": {"notebook_pathh": "/Repos/x/train"}}]}}
    stack = initialized(harness, "minimal", config)
    result = stack.validate()
    assert result.exit_code != 0 and result.mentions('No argument or block type is named "notebook_pathh"')
