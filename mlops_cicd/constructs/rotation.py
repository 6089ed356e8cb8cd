"""Rotation schedule shared by every credential the library creates.

A credential is replaced on a `time_rotating` schedule shorter than its lifetime, so it is renewed while
the old one still works (a credential that is only recreated once expired has already broken CI).

`replace_triggered_by` cannot point at the `time_rotating` itself: when the schedule is due the time
provider removes it from state during refresh, so Terraform plans a *create* of it, and
`replace_triggered_by` fires only on an update or replacement (hashicorp/terraform-provider-time#118).
A `time_static` copying the schedule's `rfc3339` is *replaced* when that value changes, so the
credential's lifecycle points at it instead.

That trigger fires once: if the new credential's create then fails, the next plan finds the schedule and
the `time_static` already renewed and nothing left to replace. So the credential also carries `stamp` (the
`time_static`'s time) in an argument that forces a new credential (`stamped`): until a credential of the
current period exists, its configured argument differs from the one in state and the next apply replaces
it again. The stamp also tells `mlops-cicd status` which period a credential belongs to (`stamp_of`).
"""

from __future__ import annotations

from typing import Mapping

from constructs import Construct

from ..framework import core, time_provider
from ..rotation_stamp import STAMPED_ARGUMENTS, stamp_of, stamped  # noqa: F401 - re-exported for constructs and tests
from .signature import shows_init_signature

# the framework's classes, by the names used below (mlops_cicd/framework.py chooses CDKTF or CDK Terrain)
TerraformResource, TerraformResourceLifecycle = core.TerraformResource, core.TerraformResourceLifecycle
Rotating = time_provider.rotating.Rotating
StaticResource = time_provider.static_resource.StaticResource


def resource_address(resource: TerraformResource) -> str:
    """The bare `type.name` address Terraform expects in `replace_triggered_by`.

    cdktf would render a resource object as `${type.name}`, which Terraform rejects there.
    """
    return f"{resource.terraform_resource_type}.{resource.friendly_unique_id}"


@shows_init_signature
class RotationSchedule(Construct):
    """A `time_rotating` schedule and the `time_static` that is replaced each time it rotates.

    Attributes: `schedule` (time_rotating), `trigger` (time_static), `lifecycle` for the credential.
    """

    def __init__(self, scope: Construct, id: str, *, rotation_days: int,
                 renew_when: Mapping[str, str] | None = None) -> None:
        """Create the schedule and its trigger.

        Args:
            scope: the credential's construct.
            id: its construct id (part of both Terraform addresses: changing it starts a new schedule).
            rotation_days: the rotation period, shorter than the credential's lifetime.
            renew_when: the credential's other arguments that force a new one (lifetime, owner, comment). A
                change of one starts a new period (time_rotating `triggers` force a new schedule, time 0.13.1),
                so every new credential has a new stamp: a check against the stamp (`secret_written.py`) then
                sees any replacement, not only the scheduled ones.
        """
        super().__init__(scope, id)
        self.schedule = Rotating(self, "schedule", rotation_days=rotation_days,
                                 triggers=dict(renew_when) if renew_when else None)
        self.trigger = StaticResource(self, "trigger", rfc3339=self.schedule.rfc3339)

    @property
    def stamp(self) -> str:
        """The start of the current rotation period (a reference): put it in a credential argument that forces
        replacement, with `stamped`."""
        return self.trigger.rfc3339

    @property
    def lifecycle(self) -> TerraformResourceLifecycle:
        """Replace when the schedule fires; create the new credential before the old one is destroyed."""
        return TerraformResourceLifecycle(
            create_before_destroy=True,
            replace_triggered_by=[resource_address(self.trigger)],
        )


def check_rotation(lifetime_days: int, rotation_days: int) -> None:
    if lifetime_days < 1:
        raise ValueError(f"lifetime_days must be at least 1, got {lifetime_days}")
    if not 1 <= rotation_days < lifetime_days:
        raise ValueError(
            f"rotation_days ({rotation_days}) must be at least 1 and shorter than lifetime_days ({lifetime_days}), "
            "so the credential is replaced before it expires"
        )
