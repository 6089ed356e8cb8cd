"""`make mutation`'s scoring: exclusions match a mutant by what it changes, not by mutmut's number."""

from __future__ import annotations

import importlib.util
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
