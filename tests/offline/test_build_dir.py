"""Where the emulator writes: its build and rehearsals are relative to the working directory (an installed
package's directory is site-packages), the build overridable by $MLOPS_OFFLINE_BUILD_DIR or an explicit path."""

from __future__ import annotations

import pytest

from mlops_cicd import framework
from mlops_cicd.operations.rehearsal import REHEARSAL_DIR_ENV, rehearsal_dir
from mlops_cicd_offline.build.build_dir import BUILD_DIR_ENV, resolve_root
from mlops_cicd_offline.harness import rehearse


def test_the_build_defaults_to_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.delenv(BUILD_DIR_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    assert resolve_root() == tmp_path / "build" / "offline"


def test_the_build_dir_is_overridden_by_the_environment_then_an_explicit_path(tmp_path, monkeypatch):
    monkeypatch.setenv(BUILD_DIR_ENV, str(tmp_path / "from-env"))
    assert resolve_root() == tmp_path / "from-env"
    assert resolve_root(tmp_path / "explicit") == tmp_path / "explicit"


def test_rehearsals_default_to_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.delenv(REHEARSAL_DIR_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    assert rehearsal_dir().resolve() == tmp_path / "build" / "rehearsal"
    assert rehearse.DEFAULT_OUT.resolve() == tmp_path / "build" / "rehearsal"
    assert rehearse.DEFAULT_STACKS.resolve() == tmp_path / "cdktf.out" / "stacks"


def test_the_schemas_come_from_the_installed_frameworks_bindings_or_the_one_named(monkeypatch):
    from mlops_cicd_offline.build import versions

    monkeypatch.delenv(versions.FRAMEWORK_ENV, raising=False)
    installed = [name for name, packages in versions.BINDINGS.items()
                 if all(versions._installed(package) for package in packages.values())]
    assert versions.framework() == installed[0]  # CDK Terrain first when both are installed, as the library does
    assert list(versions.BINDINGS) == list(framework.PACKAGES)
    assert versions.package_archive("time").parent.parent.name == versions.BINDINGS[installed[0]]["time"]
    monkeypatch.setenv(versions.FRAMEWORK_ENV, "cdk8s")
    with pytest.raises(RuntimeError, match="MLOPS_CICD_FRAMEWORK='cdk8s': expected one of cdktf, cdktn"):
        versions.framework()
