"""A large fleet is composed in several processes and merged into one cdktf output (mlops_cicd/synth_parts.py):
the same output as one app's, byte for byte."""

from __future__ import annotations

import json

import pytest

from test_platform import EXAMPLE, EXAMPLE_STACKS, example_stacks  # noqa: F401 - the fixture

from mlops_cicd import synth_parts
from mlops_cicd.fleet import load_fleet


def _fleet():
    return load_fleet(EXAMPLE / "mlops-cicd.toml")


def test_a_small_fleet_or_one_core_is_one_part():
    fleet = _fleet()
    assert synth_parts.split(fleet, cores=8) == [fleet]  # 6 stacks: below SPLIT_FROM_STACKS
    assert len(synth_parts.split(fleet, cores=1)) == 1


def test_parts_hold_whole_projects_of_about_as_many_stacks(monkeypatch):
    monkeypatch.setattr(synth_parts, "SPLIT_FROM_STACKS", 2)
    parts = synth_parts.split(_fleet(), cores=2)
    names = [[p.project.name for p in part.projects] for part in parts]
    assert sorted(sum(names, [])) == ["churn-model", "demand-forecast", "fraud-scoring"]
    assert sorted(len(part.stack_names) for part in parts) == [2, 4]
    assert all(part.platform and part.source == _fleet().source for part in parts)
    assert len(synth_parts.split(_fleet(), cores=8)) == 3  # never more parts than projects


@pytest.mark.slow
def test_the_parts_merge_into_the_output_one_app_writes(monkeypatch, tmp_path, example_stacks):
    monkeypatch.setattr(synth_parts, "SPLIT_FROM_STACKS", 2)
    monkeypatch.setattr(synth_parts, "_cores", lambda: 2)
    synth_parts.compose(_fleet(), tmp_path)  # two processes of their own
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert list(manifest["stacks"]) == EXAMPLE_STACKS  # in configuration order, as one app lists them
    assert sorted(p.name for p in tmp_path.iterdir()) == ["manifest.json", "stacks"]  # no part left behind
    for name in EXAMPLE_STACKS:
        assert json.loads((tmp_path / manifest["stacks"][name]["synthesizedStackPath"]).read_text()) == example_stacks[name]


class _Refusal(RuntimeError):
    def __init__(self, construct: str, why: str):  # not constructible from its message alone
        super().__init__(f"{construct}: {why}")


@pytest.mark.parametrize("raised, expected", [
    (_Refusal("EnvironmentStack", "There is already a Construct with name 'x'"), RuntimeError),
    (ValueError("GitHubDeploymentEnvironment: reviewer_users has 7 entries"), ValueError),
])
def test_a_part_s_refusal_comes_back_as_the_plain_error_the_caller_maps(monkeypatch, raised, expected):
    def refuse(fleet, directory):
        raise raised

    monkeypatch.setattr(synth_parts, "synthesize_part", refuse)
    with pytest.raises(expected) as caught:
        synth_parts._synthesize_in_worker(_fleet(), "unused")
    assert type(caught.value) is expected and str(caught.value) == str(raised)
