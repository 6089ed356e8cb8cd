"""Rotation schedule shared by every credential the library creates.

A credential is replaced on a `time_rotating` schedule shorter than its lifetime, so it is renewed while
the old one still works (a credential that is only recreated once expired has already broken CI).
"""

from __future__ import annotations

from cdktf import TerraformResource, TerraformResourceLifecycle
from cdktf_cdktf_provider_time.rotating import Rotating


def resource_address(resource: TerraformResource) -> str:
    """The bare `type.name` address Terraform expects in `replace_triggered_by`.

    cdktf would render a resource object as `${type.name}`, which Terraform rejects there.
    """
    return f"{resource.terraform_resource_type}.{resource.friendly_unique_id}"


def rotation_lifecycle(rotation: Rotating) -> TerraformResourceLifecycle:
    """Replace when the schedule fires; create the new credential before the old one is destroyed."""
    return TerraformResourceLifecycle(
        create_before_destroy=True,
        replace_triggered_by=[resource_address(rotation)],
    )


def check_rotation(lifetime_days: int, rotation_days: int) -> None:
    if lifetime_days < 1:
        raise ValueError(f"lifetime_days must be at least 1, got {lifetime_days}")
    if not 1 <= rotation_days < lifetime_days:
        raise ValueError(
            f"rotation_days ({rotation_days}) must be at least 1 and shorter than lifetime_days ({lifetime_days}), "
            "so the credential is replaced before it expires"
        )
