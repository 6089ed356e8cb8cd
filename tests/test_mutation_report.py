"""`make mutation`'s scoring: exclusions match a mutant by what it changes, not by mutmut's number."""

from __future__ import annotations

import importlib.util
import json
import sys

from helpers import ROOT

_spec = importlib.util.spec_from_file_location("mutation_report", ROOT / "mutation" / "report.py")
report = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = report  # dataclasses look their module up there
_spec.loader.exec_module(report)

LINE = 'raise ValueError("audience is required")'


def mutant(added: str, status: str = "survived", function: str = "GitHubOidcFederation.__init__") -> "report.Mutant":
    return report.Mutant("m", "mlops_cicd/constructs/oidc_federation.py", function, status, (LINE,), (added,))


def message(literal: str = '"audience is required"') -> "report.Exclusion":
    return report.Exclusion("message", "mlops_cicd/constructs/oidc_federation.py", "GitHubOidcFederation.__init__",
                            "message text", literal=literal)


def test_a_message_exclusion_covers_the_string_mutants_of_its_literal_only():
    exclusion = message()
    for added in ('raise ValueError("XXaudience is requiredXX")', 'raise ValueError("AUDIENCE IS REQUIRED")'):
        assert exclusion.matches(mutant(added))
    assert not exclusion.matches(mutant("raise ValueError(None)"))  # not a change of the words
    assert not exclusion.matches(mutant('raise TypeError("audience is required")'))
    assert not exclusion.matches(mutant('raise ValueError("XXaudience is requiredXX")', function="github_oidc_issuer"))


def test_score_counts_kills_over_mutants_that_are_not_excluded_and_names_stale_exclusions():
    exclusions = [message(), message('"no such text"')]
    mutants = [mutant("raise ValueError(None)", "killed"), mutant('raise ValueError("XXaudience is requiredXX")'),
               mutant("pass"), mutant("pass", "not checked")]
    scores, survivors = report.score(mutants, exclusions)
    (module,) = scores.values()
    assert (module.total, module.killed, module.excluded, module.unchecked) == (3, 1, 1, 1)
    assert module.ratio == 0.5 and [m.added for m in survivors] == [("pass",)]
    text, ok = report.render(scores, survivors, exclusions)
    assert not ok and "< target" in text and "1 exclusions match no surviving mutant" in text


def test_function_names_from_mutant_names():
    assert report.function_of("mlops_cicd.config.x__environment_problems__mutmut_3") == "_environment_problems"
    assert report.function_of("mlops_cicd.constructs.rotation.xǁRotationScheduleǁ__init____mutmut_1") == "RotationSchedule.__init__"


def test_an_exclusion_of_a_function_a_partial_run_skipped_is_not_stale():
    skipped = report.Exclusion("message", "mlops_cicd/constructs/oidc_federation.py", "github_oidc_issuer",
                               "message text", literal='"audience is required"')
    scores, survivors = report.score([mutant("pass", "killed"), mutant("pass", "not checked", "github_oidc_issuer")],
                                     [skipped])
    text, _ = report.render(scores, survivors, [skipped])
    assert "match no surviving mutant" not in text
    scores, survivors = report.score([mutant("pass", "killed")], [skipped])  # the module ran in full
    assert "1 exclusions match no surviving mutant" in report.render(scores, survivors, [skipped])[0]


_sample_spec = importlib.util.spec_from_file_location("mutation_sample", ROOT / "mutation" / "sample.py")
sample = importlib.util.module_from_spec(_sample_spec)
_sample_spec.loader.exec_module(sample)


def _names(module: str, count: int) -> list[str]:
    return [f"mlops_cicd.{module}.x_f__mutmut_{i}" for i in range(1, count + 1)]


def test_a_sample_takes_the_fraction_of_each_module_with_a_minimum_and_is_repeatable_by_seed():
    names = _names("config", 200) + _names("checks.secrets", 30) + _names("passed_in", 5)
    chosen = sample.choose(names, 0.1, seed=7, minimum=20)
    by_module = {m: sum(sample.module_of(n) == m for n in chosen)
                 for m in ("mlops_cicd/config.py", "mlops_cicd/checks/secrets.py", "mlops_cicd/passed_in.py")}
    assert by_module == {"mlops_cicd/config.py": 20, "mlops_cicd/checks/secrets.py": 20, "mlops_cicd/passed_in.py": 5}
    assert sample.choose(names, 0.1, seed=7, minimum=20) == chosen
    assert sample.choose(names, 0.1, seed=8, minimum=20) != chosen
    assert len(sample.choose(names, 0.5, seed=7, minimum=20)) == 100 + 20 + 5


def test_the_sample_lists_the_mutants_without_a_result_from_mutmuts_files(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mutants" / "mlops_cicd").mkdir(parents=True)
    codes = {f"mlops_cicd.names.xǁAǁb__mutmut_{i}": (1 if i % 2 else None) for i in range(1, 7)}
    (tmp_path / "mutants" / "mlops_cicd" / "names.py.meta").write_text(json.dumps({"exit_code_by_key": codes}))
    assert sample.main(["--fraction", "1"]) == 0
    assert capsys.readouterr().out.split() == sorted(n for n, code in codes.items() if code is None)
    assert json.loads((tmp_path / "mutants" / "sample.json").read_text())["names"] == sorted(codes)
    assert sample.module_of("mlops_cicd.names.xǁAǁb__mutmut_2") == "mlops_cicd/names.py"
    # resumed: the same sample, only what still has no result
    done = {name: 1 for name in codes}
    done["mlops_cicd.names.xǁAǁb__mutmut_2"] = None
    (tmp_path / "mutants" / "mlops_cicd" / "names.py.meta").write_text(json.dumps({"exit_code_by_key": done}))
    assert sample.main(["--pending"]) == 0
    assert capsys.readouterr().out.split() == ["mlops_cicd.names.xǁAǁb__mutmut_2"]


def test_a_sampled_score_is_printed_with_its_interval_and_no_stale_exclusion():
    low, high = report.wilson_interval(95, 100)
    assert 0.88 < low < 0.90 and 0.97 < high < 0.99
    assert report.wilson_interval(20, 20)[0] > 0.83 and report.wilson_interval(20, 20)[1] == 1.0
    scores, survivors = report.score([mutant("raise ValueError(None)", "killed")] * 19 + [mutant("pass")],
                                     [message('"no such text"')])
    text, ok = report.render(scores, survivors, [message('"no such text"')], {"mlops_cicd/constructs/oidc_federation.py": 400})
    assert "95.0%" in text and "400" in text and "76%-99%" in text and "match no surviving" not in text
    assert ok
