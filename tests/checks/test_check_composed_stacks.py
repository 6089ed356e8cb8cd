"""Checks over stacks a user composed in their own code, with the library's constructs and their own resources."""

from __future__ import annotations

from mlops_cicd.checks import check_synthesized, render_text
from mlops_cicd.config import Suppression

REASON = "state stays local until the team's bucket exists (ticket OPS-42)"


def _compose(outdir):
    """The README's example stack, named `prod`, plus a token the user wrote by hand without a lifetime."""
    from mlops_cicd.framework import core, databricks, time_provider
    App, TerraformStack = core.App, core.TerraformStack
    OboToken = databricks.obo_token.OboToken
    DatabricksProvider = databricks.provider.DatabricksProvider
    TimeProvider = time_provider.provider.TimeProvider

    from mlops_cicd.constructs import CicdServicePrincipal, WorkspaceToken

    app = App(outdir=str(outdir))
    stack = TerraformStack(app, "prod")
    DatabricksProvider(stack, "databricks", host="https://my-workspace.cloud.databricks.com")
    TimeProvider(stack, "time")
    cicd = CicdServicePrincipal(stack, "cicd", display_name="my-project-cicd", project_directory="/Shared/my-project")
    WorkspaceToken(stack, "token", application_id=cicd.service_principal.application_id,
                   depends_on=[cicd.token_grant], lifetime_days=90, rotation_days=60)
    OboToken(stack, "handmade", application_id=cicd.service_principal.application_id, comment="ad hoc")
    return app


def test_checks_run_on_an_app_composed_by_hand(tmp_path):
    app = _compose(tmp_path / "out")
    report = check_synthesized(app, environ={})
    found = {(f.check_id, f.address) for f in report.errors}
    # Without a configuration a stack named prod is production: it needs a GitHub environment and remote state.
    assert ("MLOPS009", "terraform.backend") in found and ("MLOPS004", "") in found
    # The hand-written token: no lifetime, no schedule, not create_before_destroy; the library's token passes.
    assert {address for check_id, address in found if check_id == "MLOPS005"} == {"databricks_obo_token.handmade"}
    assert not report.ok and "error: MLOPS005 [prod]" in render_text(report)
    # The directory it was synthesized into gives the same report.
    again = check_synthesized(tmp_path / "out", environ={})
    assert again.findings == report.findings


def test_suppressions_apply_to_composed_stacks(tmp_path):
    _compose(tmp_path / "out").synth()
    suppression = Suppression(id="MLOPS009", reason=REASON, environment="prod", resource="terraform.backend")
    report = check_synthesized(str(tmp_path / "out"), suppressions=[suppression], environ={})
    assert "MLOPS009" not in {f.check_id for f in report.findings}
    assert [(s.finding.check_id, s.reason) for s in report.suppressed] == [("MLOPS009", REASON)]
