"""An OAuth secret of a service principal (OAuth M2M, all clouds), rotated on a schedule."""

from __future__ import annotations

from constructs import Construct

from ..framework import core, databricks
from ..units import SECONDS_PER_DAY
from .rotation import RotationSchedule, check_rotation, stamped
from .signature import shows_init_signature

# the framework's classes, by the names used below (mlops_cicd/framework.py chooses CDKTF or CDK Terrain)
TerraformProvider = core.TerraformProvider
ServicePrincipalSecret = databricks.service_principal_secret.ServicePrincipalSecret


@shows_init_signature
class OAuthSecret(Construct):
    """`databricks_service_principal_secret` with a lifetime, replaced every `rotation_days`.

    Attributes: `rotation`, `secret`, `value` (the client secret, a reference only).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        service_principal_id: str,
        lifetime_days: int = 90,
        rotation_days: int = 60,
        provider: TerraformProvider | None = None,
    ) -> None:
        """Create the OAuth secret and its rotation schedule.

        Args:
            scope: the stack or construct to add it to.
            id: its construct id (part of every Terraform address below it: changing it replaces the secret).
            service_principal_id: the service principal's SCIM id (`CicdServicePrincipal.service_principal.id`).
            lifetime_days: how long a secret lives, at least 1.
            rotation_days: how often a re-deploy replaces it; at least 1 and shorter than `lifetime_days`.
            provider: the workspace's databricks provider; default: the stack's default one.
        """
        super().__init__(scope, id)
        check_rotation(lifetime_days, rotation_days)
        self.rotation = RotationSchedule(self, "rotation", rotation_days=rotation_days, renew_when={
            "service_principal_id": service_principal_id, "lifetime": f"{lifetime_days * SECONDS_PER_DAY}s"})
        self.secret = ServicePrincipalSecret(
            self, "secret",
            service_principal_id=service_principal_id,
            lifetime=f"{lifetime_days * SECONDS_PER_DAY}s",
            # The provider's own rotation argument (ForceNew, tokens/resource_service_principal_secret.go
            # v1.116.0): a secret of an older period is replaced by the next apply, even after a failed one.
            time_rotating=stamped("mlops-cicd", self.rotation.stamp),
            lifecycle=self.rotation.lifecycle,
            provider=provider,
        )
        self.value: str = self.secret.secret
