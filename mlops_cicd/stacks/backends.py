"""State backends: one state per stack, under a key derived from the project and environment names.

Every key is unique per (project, environment), also across projects that share a bucket, a database or
an HCP Terraform organization, and within its backend's limits (cited at each limit). Both names are
slugs (`[a-z][a-z0-9-]*[a-z0-9]`, config.py): `/` and `_` never occur in them, so they separate the two
names without ambiguity. A key that does not fit, or that had to be altered to be valid, keeps a readable
prefix and ends in `__` and a digest of `<project>/<environment>`; no unaltered key contains `__`.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .. import config as cfg

from ..framework import core
# Where local state lives: a module of its own, which `mlops-cicd status` reads without loading cdktf.
from ..state_paths import LOCAL_STATE_DIR, local_state_path, previous_local_state_path  # noqa: F401 - re-exported

# the framework's classes, by the names used below (mlops_cicd/framework.py chooses CDKTF or CDK Terrain)
AzurermBackend, CloudBackend = core.AzurermBackend, core.CloudBackend
GcsBackend, LocalBackend = core.GcsBackend, core.LocalBackend
NamedCloudWorkspace, PgBackend = core.NamedCloudWorkspace, core.PgBackend
S3Backend, TerraformStack = core.S3Backend, core.TerraformStack

STATE_FILE = "terraform.tfstate"
DIGEST_CHARS = 10  # 40 bits: a collision among the stacks sharing one bucket or database is no practical risk
_DIGEST_MARK = "__"

# AWS, "Naming Amazon S3 objects" (docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html): a key
# is at most 1,024 bytes of UTF-8. Terraform's S3 lock file is `<key>.tflock` (terraform v1.11.4,
# internal/backend/remote-state/s3/backend_state.go: lockFileSuffix), and the key must not start or end
# with `/` nor contain `//` (s3/validate.go validateStringS3Path, s3/backend.go `key` validators).
S3_KEY_MAX_BYTES = 1024 - len(".tflock")
# Microsoft, "Naming and Referencing Containers, Blobs, and Metadata": a blob name is 1 to 1,024
# characters with at most 254 `/`-separated segments (ours have three).
AZURE_BLOB_MAX_CHARS = 1024
# Google Cloud, "Object naming requirements" (cloud.google.com/storage/docs/objects#naming): 1-1,024
# bytes of UTF-8. The gcs backend stores `<prefix>/default.tfstate` and locks `<prefix>/default.tflock`
# (terraform v1.11.4, internal/backend/remote-state/gcs/backend_state.go stateFile/lockFile).
GCS_PREFIX_MAX_BYTES = 1024 - len("/default.tfstate")
# PostgreSQL, "Identifiers and Key Words" (postgresql.org/docs/current/sql-syntax-lexical.html): "The system
# uses no more than NAMEDATALEN-1 bytes of an identifier; longer names can be written in commands, but they
# will be truncated" (63 bytes by default). The pg backend quotes the schema name (terraform v1.11.4,
# internal/backend/remote-state/pg/backend.go: pq.QuoteIdentifier), so a truncated name silently names
# another stack's schema. We use only what needs no quoting: lower-case letters, digits and `_`.
PG_IDENTIFIER_MAX_BYTES = 63
# HashiCorp, "Create workspaces" (web-unified-docs, content/terraform-docs-common/docs/cloud-docs/workspaces/
# create.mdx): names "can include letters, numbers, hyphens, and underscores", "90 characters or less".
HCP_WORKSPACE_MAX_CHARS = 90


def _digest(project: str, environment: str) -> str:
    return hashlib.sha256(f"{project}/{environment}".encode()).hexdigest()[:DIGEST_CHARS]


def _fitted(readable: str, limit: int, project: str, environment: str, *, altered: bool = False) -> str:
    """`readable` when it fits in `limit` bytes and was not altered; else a prefix of it, `__`, a digest."""
    if not altered and len(readable.encode()) <= limit:
        return readable
    prefix = readable.encode()[: limit - len(_DIGEST_MARK) - DIGEST_CHARS].decode(errors="ignore")
    return prefix.rstrip("_-/") + _DIGEST_MARK + _digest(project, environment)


def object_key(project: str, environment: str, limit: int = S3_KEY_MAX_BYTES) -> str:
    """`<project>/<environment>/terraform.tfstate`: the S3 and azurerm state key."""
    suffix = "/" + STATE_FILE
    return _fitted(f"{project}/{environment}", limit - len(suffix), project, environment) + suffix


def gcs_prefix(project: str, environment: str) -> str:
    return _fitted(f"{project}/{environment}", GCS_PREFIX_MAX_BYTES, project, environment)


def pg_schema_name(project: str, environment: str) -> str:
    """`<project>_<environment>` when that needs no change; `-` would need quoting, so a name with one
    becomes `_` plus a digest: `a-b`/`c` and `a`/`b-c` would otherwise both be `a_b_c`."""
    readable = f"{project}_{environment}"
    return _fitted(readable.replace("-", "_"), PG_IDENTIFIER_MAX_BYTES, project, environment,
                   altered="-" in readable)


def hcp_workspace_name(project: str, environment: str) -> str:
    """`<project>_<environment>`: with `-` between them, `a-b`/`c` and `a`/`b-c` would share a workspace."""
    return _fitted(f"{project}_{environment}", HCP_WORKSPACE_MAX_CHARS, project, environment)


def apply_backend(stack: TerraformStack, project: str, environment: str, backend: cfg.Backend,
                  base_dir: str | Path | None = None) -> None:
    """Configure the stack's backend; `base_dir` (default: the current directory) is where a local state
    path is relative to. No credential ever comes from here: each backend reads its own from the
    environment (AWS_*, ARM_*, GOOGLE_*, PG_CONN_STR, TF_TOKEN_*)."""
    match backend:
        case cfg.LocalBackend():
            LocalBackend(stack, path=str(local_state_path(base_dir or Path.cwd(), project, environment, backend.path)))
        case cfg.S3Backend():
            S3Backend(
                stack, bucket=backend.bucket, key=object_key(project, environment), region=backend.region,
                encrypt=backend.encrypt, dynamodb_table=backend.dynamodb_table,
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
                key=object_key(project, environment, AZURE_BLOB_MAX_CHARS),
            )
        case cfg.GcsBackend():
            GcsBackend(stack, bucket=backend.bucket, prefix=gcs_prefix(project, environment))
        case cfg.PgBackend():
            # conn_str must stay unset: Terraform then reads PG_CONN_STR, which may hold a password.
            # cdktf's PgBackend requires it, so give an empty one and delete it from the output.
            PgBackend(stack, conn_str="", schema_name=pg_schema_name(project, environment))
            stack.add_override("terraform.backend.pg.conn_str", None)
        case cfg.CloudBackend():
            CloudBackend(
                stack,
                organization=backend.organization,
                hostname=backend.hostname,
                workspaces=NamedCloudWorkspace(hcp_workspace_name(project, environment)),
            )
        case _:
            raise TypeError(f"unsupported backend {backend!r}")
