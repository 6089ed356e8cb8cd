"""A workspace personal access token on behalf of a service principal (AWS and GCP), rotated on a schedule."""

from __future__ import annotations

from typing import Sequence

from constructs import Construct

from ..framework import core, databricks
from ..units import SECONDS_PER_DAY
from .rotation import RotationSchedule, check_rotation, stamped
from .signature import shows_init_signature

# the framework's classes, by the names used below (mlops_cicd/framework.py chooses CDKTF or CDK Terrain)
ITerraformDependable, TerraformProvider = core.ITerraformDependable, core.TerraformProvider
OboToken = databricks.obo_token.OboToken


@shows_init_signature
class WorkspaceToken(Construct):
    """`databricks_obo_token` with a lifetime, replaced every `rotation_days` (before it expires).

    `rotation` is the schedule (`RotationSchedule`). `depends_on` must include whatever grants the SP token
    use (`CicdServicePrincipal.token_grant`): creating the token fails until that grant exists. The comment
    ends with the rotation period's start (`<comment> rotation <time>`): every argument of an OBO token forces
    a new one (the resource has no update, databricks/terraform-provider-databricks v1.116.0
    common/resource.go ToResource), so a rotation whose create failed is retried by the next apply.
    Attributes: `rotation`, `token`, `value` (the token's secret, a reference that never appears in the
    synthesized JSON).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        application_id: str,
        depends_on: Sequence[ITerraformDependable],
        lifetime_days: int = 90,
        rotation_days: int = 60,
        comment: str = "CI/CD token managed by mlops-cicd",
        provider: TerraformProvider | None = None,
    ) -> None:
        """Create the token and its rotation schedule.

        Args:
            scope: the stack or construct to add it to.
            id: its construct id (part of every Terraform address below it: changing it replaces the token).
            application_id: the service principal's application id (`CicdServicePrincipal.service_principal.application_id`).
            depends_on: what grants the SP token use (`CicdServicePrincipal.token_grant`); must not be empty.
            lifetime_days: how long a token lives, 1 to 730 (the workspace's maxTokenLifetimeDays).
            rotation_days: how often a re-deploy replaces it; at least 1 and shorter than `lifetime_days`.
            comment: the token's comment; the rotation period's start is appended to it.
            provider: the workspace's databricks provider; default: the stack's default one.
        """
        super().__init__(scope, id)
        check_rotation(lifetime_days, rotation_days)
        if not depends_on:
            raise ValueError("depends_on must include the SP's token-usage grant, or token creation races it")
        self.rotation = RotationSchedule(self, "rotation", rotation_days=rotation_days, renew_when={
            "application_id": application_id, "lifetime_seconds": str(lifetime_days * SECONDS_PER_DAY),
            "comment": comment})
        self.token = OboToken(
            self, "token",
            application_id=application_id,
            lifetime_seconds=lifetime_days * SECONDS_PER_DAY,
            comment=stamped(comment, self.rotation.stamp),
            depends_on=list(depends_on),
            lifecycle=self.rotation.lifecycle,
            provider=provider,
        )
        self.value: str = self.token.token_value
