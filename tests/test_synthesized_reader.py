"""The one reader of synthesized Terraform JSON (mlops_cicd/synthesized.py): what the checks, status, rotate and
synth's summary see of a cdktf output directory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlops_cicd.errors import UserError
from mlops_cicd.synthesized import (
    all_resources,
    backend_config,
    backend_kind,
    has_resources,
    load_stacks,
    output_directory,
    required_variables,
    resource,
    resources,
    stack_document,
    stack_files,
)


def _output(tmp_path, stacks: dict[str, dict]):
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "manifest.json").write_text(json.dumps({"version": "0.21.0", "stacks": {
        name: {"name": name, "synthesizedStackPath": f"stacks/{name}/cdk.tf.json"} for name in stacks}}))
    for name, document in stacks.items():
        (tmp_path / "stacks" / name).mkdir(parents=True)
        (tmp_path / "stacks" / name / "cdk.tf.json").write_text(json.dumps(document))
    return tmp_path


def test_stacks_come_from_the_manifest(tmp_path):
    output = _output(tmp_path, {"staging": {"resource": {}}, "prod": {"variable": {"x": {}}}})
    assert stack_files(output) == {"staging": output / "stacks/staging/cdk.tf.json", "prod": output / "stacks/prod/cdk.tf.json"}
    assert load_stacks(output)["prod"] == {"variable": {"x": {}}}
    assert stack_document(output, "prod") == {"variable": {"x": {}}} and stack_document(output, "qa") is None


def test_a_directory_without_a_manifest_or_with_a_broken_stack_says_what_to_do(tmp_path):
    with pytest.raises(UserError) as caught:
        stack_files(tmp_path)
    assert str(caught.value) == f"{tmp_path / 'manifest.json'} does not exist"
    assert f"mlops-cicd synth --output {tmp_path}" in caught.value.fix
    (tmp_path / "manifest.json").write_text('{"stacks": [1]}')
    with pytest.raises(UserError, match="is not a cdktf manifest"):
        stack_files(tmp_path)
    output = _output(tmp_path / "o", {"staging": {}})
    (output / "stacks" / "staging" / "cdk.tf.json").write_text("{")
    with pytest.raises(UserError, match="cdk.tf.json cannot be read as JSON"):
        load_stacks(output)


def test_a_broken_stack_file_names_the_file_and_the_command_that_writes_it_again(tmp_path):
    """What `status` shows when a stack's cdk.tf.json was cut short."""
    output = _output(tmp_path, {"staging": {}})
    (output / "stacks" / "staging" / "cdk.tf.json").write_text("[1]")
    with pytest.raises(UserError) as caught:
        stack_document(output, "staging")
    assert str(caught.value) == f"{output / 'stacks/staging/cdk.tf.json'} is not a JSON object"
    assert "`mlops-cicd synth`" in caught.value.fix


def test_backends(tmp_path):
    assert (backend_kind({}), backend_config({})) == ("local", {})
    s3 = {"terraform": {"backend": {"s3": {"bucket": "b", "key": "k"}}}}
    assert (backend_kind(s3), backend_config(s3)) == ("s3", {"bucket": "b", "key": "k"})
    cloud = {"terraform": {"cloud": {"organization": "acme", "hostname": "tfe.example"}}}
    assert (backend_kind(cloud), backend_config(cloud)["hostname"]) == ("cloud", "tfe.example")


def test_variables_without_a_default_are_required():
    document = {"variable": {"git_read_token": {"sensitive": True}, "region": {"default": "eu"}, "bare": None}}
    assert required_variables(document) == ["git_read_token", "bare"]


def test_resource_by_address():
    document = {"resource": {"databricks_obo_token": {"token": {"comment": "c"}}}}
    assert resource(document, "databricks_obo_token.token") == {"comment": "c"}
    assert resource(document, "databricks_obo_token.other") is None and resource(None, "a.b") is None


def test_a_stack_without_resources_has_none_of_any_kind():
    """cdktf leaves `resource` out of a stack that declares none (e.g. outputs and variables only)."""
    document = {"variable": {"x": {}}}
    assert not has_resources(document, "databricks_obo_token") and not has_resources(None, "databricks_obo_token")
    assert list(resources(document, "databricks_obo_token")) == [] and list(all_resources(document)) == []
    assert resource(document, "databricks_obo_token.token") is None
    assert has_resources({"resource": {"databricks_obo_token": {"token": {}}}}, "databricks_obo_token")


def test_the_output_directory_default_is_cdktf_s(monkeypatch, tmp_path):
    monkeypatch.delenv("CDKTF_OUTDIR", raising=False)
    assert str(output_directory()) == "cdktf.out"
    monkeypatch.setenv("CDKTF_OUTDIR", str(tmp_path))  # what cdktf hands the app
    assert output_directory() == tmp_path and output_directory("explicit") == Path("explicit")
