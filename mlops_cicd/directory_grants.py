"""Direct grants on the project directory that must survive its authoritative permission list.

`databricks_permissions` on a directory sets the directory's whole list of direct grants: a teammate's
grant made before the first deploy, or by hand since, is removed unless it is listed here. Inherited
grants (from parent folders) and the `admins` group are not affected.

Levels for `directory_path` (terraform-provider-databricks v1.99.0, permissions/permission_definitions.go):
CAN_READ, CAN_RUN, CAN_EDIT, CAN_MANAGE. The provider refuses any entry for `admins` on a directory
("it is not possible to modify admin permissions for directory resources", same file, `validate`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict

from .principals import is_admins, principal_format_problem

DirectoryLevel = Literal["CAN_READ", "CAN_RUN", "CAN_EDIT", "CAN_MANAGE"]


def directory_principal_problem(entry: str) -> str | None:
    """Why `entry` cannot be granted on a directory, or None."""
    if (problem := principal_format_problem(entry)) is not None:
        return problem
    if is_admins(entry):
        return "remove 'group:admins': admins always keep CAN_MANAGE on every folder and the provider refuses to set it"
    return None


def _principal(entry: str) -> str:
    if (problem := directory_principal_problem(entry)) is not None:
        raise ValueError(problem)
    return entry


class DirectoryGrant(BaseModel):
    """One direct grant to keep: `principal` is `group:<name>`, `user:<email>` or
    `service_principal:<application id>`; `level` one of the directory levels."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    principal: Annotated[str, AfterValidator(_principal)]
    level: DirectoryLevel


def repeated_principal_problem(grants: list[DirectoryGrant]) -> str | None:
    """A principal has one direct level on an object: listing it twice is ambiguous."""
    principals = [grant.principal for grant in grants]
    if len(set(principals)) != len(principals):
        return "lists one principal twice (a principal has one direct level on a folder); keep one entry per principal"
    return None


def _distinct(grants: list[DirectoryGrant]) -> list[DirectoryGrant]:
    if (problem := repeated_principal_problem(grants)) is not None:
        raise ValueError(problem)
    return grants


DirectoryGrants = Annotated[list[DirectoryGrant], AfterValidator(_distinct)]
"""The `project_directory_grants` of an environment, validated as a whole."""
