"""`help()` on a public construct shows how to call it: its real signature (not jsii's `(*args, **kwargs)`) and
a documented list of every argument."""

from __future__ import annotations

import inspect
import pydoc
import re

import pytest
from constructs import Construct

import mlops_cicd
import mlops_cicd.constructs as exported
from mlops_cicd.stacks import EnvironmentStack


def _public_constructs() -> list:
    """Every exported construct class, every exported function that builds one (`scope`, `id` first), and the
    stack of one environment."""
    found = []
    for name in exported.__all__:
        item = getattr(exported, name)
        if isinstance(item, type) and issubclass(item, Construct):
            found.append(item)
        elif inspect.isfunction(item) and list(inspect.signature(item).parameters)[:2] == ["scope", "id"]:
            found.append(item)
    return found + [EnvironmentStack]


PUBLIC = _public_constructs()
_ARGUMENT = re.compile(r"^    (\w+): \S")


def _documented_arguments(doc: str) -> list[str]:
    """The names in the `Args:` section of a docstring (as `inspect.getdoc` gives it: dedented)."""
    lines = doc.splitlines()
    assert "Args:" in lines, "no Args: section"
    names = []
    for line in lines[lines.index("Args:") + 1:]:
        if line and not line.startswith(" "):
            break
        if match := _ARGUMENT.match(line):
            names.append(match.group(1))
    return names


def _init(item):
    return item.__init__ if isinstance(item, type) else item


def _parameters(item) -> list[str]:
    names = list(inspect.signature(_init(item)).parameters)
    return names[1:] if isinstance(item, type) else names


def test_every_exported_construct_is_covered():
    names = {item.__name__ for item in PUBLIC}
    assert {"WorkspaceToken", "CicdServicePrincipal", "OAuthSecret", "GitHubOidcFederation", "RotationSchedule",
            "ServicePrincipalGitCredential", "ServicePrincipalRoles", "CdTriggerCredentials",
            "GitHubDeploymentEnvironment", "actions_secret", "actions_variable", "EnvironmentStack"} <= names


@pytest.mark.parametrize("item", PUBLIC, ids=lambda item: item.__name__)
def test_signature_is_the_constructs_own(item):
    signature = inspect.signature(item)
    assert list(signature.parameters) == _parameters(item)
    kinds = {parameter.kind for parameter in signature.parameters.values()}
    assert not kinds & {inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD}


@pytest.mark.parametrize("item", PUBLIC, ids=lambda item: item.__name__)
def test_help_shows_the_signature_and_documents_every_argument(item):
    page = pydoc.render_doc(item, renderer=pydoc.plaintext)
    assert f"{item.__name__}{inspect.signature(item)}" in page
    doc = inspect.getdoc(_init(item)) or ""
    assert "Creates a new construct node" not in doc  # jsii's inherited docstring, which names scope and id only
    assert _documented_arguments(doc) == _parameters(item)
    for name in _parameters(item):
        assert re.search(rf"^\s*\|?\s*{name}: \S", page, re.M), f"help() does not explain {name}"


def test_a_subclass_shows_its_own_signature():
    class Custom(exported.WorkspaceToken):
        def __init__(self, scope: Construct, id: str, *, team: str) -> None:
            """Args:
                scope: where to add it.
                id: its construct id.
                team: the owning team."""

    assert list(inspect.signature(Custom).parameters) == ["scope", "id", "team"]


@pytest.mark.parametrize("item", PUBLIC, ids=lambda item: item.__name__)
def test_the_signature_shows_types_not_the_text_of_annotations(item):
    """The modules use `from __future__ import annotations`; help() on a construct class or function must show
    `lifetime_days: int`, not `'int'`."""
    annotations = [p.annotation for p in inspect.signature(item).parameters.values()]
    assert not [a for a in annotations if isinstance(a, str)]


def test_a_subclass_annotated_with_a_type_checking_only_import_still_shows_its_signature():
    class Custom(exported.WorkspaceToken):
        # This module's annotations are not evaluated (`from __future__ import annotations`): TeamSpec stands for
        # a name its module imports only under `if TYPE_CHECKING:`.
        def __init__(self, scope: Construct, id: str, *, team: TeamSpec) -> None:  # noqa: F821
            """Args:
                scope: where to add it.
                id: its construct id.
                team: the owning team."""

    signature = inspect.signature(Custom)
    assert list(signature.parameters) == ["scope", "id", "team"]
    assert signature.parameters["team"].annotation == "TeamSpec"
    assert "team: 'TeamSpec'" in pydoc.render_doc(Custom, renderer=pydoc.plaintext)


@pytest.mark.parametrize("item", [mlops_cicd.load_config, mlops_cicd.parse_config, mlops_cicd.Config],
                         ids=lambda item: item.__name__)
def test_configuration_entry_points_have_docstrings(item):
    doc = item.__doc__ or ""
    assert len(doc.split()) >= 10, f"{item.__name__} is not documented"
