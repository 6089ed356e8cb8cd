"""State backends: one state per stack, its key derived from project and environment."""

from __future__ import annotations

from cdktf import (
    AzurermBackend,
    CloudBackend,
    GcsBackend,
    LocalBackend,
    NamedCloudWorkspace,
    PgBackend,
    S3Backend,
    TerraformStack,
)

from .. import config as cfg


def state_key(project: str, environment: str) -> str:
    return f"{project}/{environment}/terraform.tfstate"


def apply_backend(stack: TerraformStack, project: str, environment: str, backend: cfg.Backend) -> None:
    """Configure the stack's backend. No credential ever comes from here: each backend reads its own
    from the environment (AWS_*, ARM_*, GOOGLE_*, PG_CONN_STR, TF_TOKEN_*)."""
    key = state_key(project, environment)
    match backend:
        case cfg.LocalBackend():
            LocalBackend(stack, path=backend.path or f"terraform.{environment}.tfstate")
        case cfg.S3Backend():
            S3Backend(
                stack, bucket=backend.bucket, key=key, region=backend.region, encrypt=backend.encrypt,
                dynamodb_table=backend.dynamodb_table,
            )
            if not backend.dynamodb_table:
                # S3-native locking (Terraform >= 1.10); cdktf 0.21's S3Backend has no typed field for it.
                stack.add_override("terraform.backend.s3.use_lockfile", True)
        case cfg.AzurermBackend():
            AzurermBackend(
                stack,
                resource_group_name=backend.resource_group_name,
                storage_account_name=backend.storage_account_name,
                container_name=backend.container_name,
                key=key,
            )
        case cfg.GcsBackend():
            GcsBackend(stack, bucket=backend.bucket, prefix=f"{project}/{environment}")
        case cfg.PgBackend():
            # conn_str must stay unset: Terraform then reads PG_CONN_STR, which may hold a password.
            # cdktf's PgBackend requires it, so give an empty one and delete it from the output.
            PgBackend(stack, conn_str="", schema_name=f"{project}_{environment}".replace("-", "_"))
            stack.add_override("terraform.backend.pg.conn_str", None)
        case cfg.CloudBackend():
            CloudBackend(
                stack,
                organization=backend.organization,
                hostname=backend.hostname,
                workspaces=NamedCloudWorkspace(f"{project}-{environment}"),
            )
        case _:
            raise TypeError(f"unsupported backend {backend!r}")
