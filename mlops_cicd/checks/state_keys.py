"""Where a stack's state lives, read from its synthesized `terraform` block as the backend will see it, and
what its backend refuses. Limits are restated from the backends' sources here, independently of how
stacks/backends.py derives keys, so that a derivation mistake is caught rather than repeated.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, field

from ..synthesized import DEFAULT_OUTPUT, backend_kind

# AWS "Naming Amazon S3 objects": a key is at most 1,024 bytes of UTF-8. Terraform's S3 lock file is the
# key plus `.tflock` (use_lockfile). terraform v1.11.4 internal/backend/remote-state/s3/backend.go
# PrepareConfig validates `key` with validateStringNotEmpty, validateStringS3Path (no leading or trailing
# `/`, s3/validate.go) and validateStringDoesNotContain("//").
S3_KEY_MAX_BYTES = 1024
TFLOCK = ".tflock"
# Microsoft "Naming and Referencing Containers, Blobs, and Metadata": blob names are 1-1,024 characters;
# avoid names ending in `.` or `/`.
AZURE_BLOB_MAX_CHARS = 1024
# Google Cloud "Object naming requirements": 1-1,024 bytes of UTF-8. terraform v1.11.4
# internal/backend/remote-state/gcs/backend.go trims leading `/` from `prefix`; backend_state.go stores the
# default state at path.Join(prefix, "default.tfstate") and its lock at path.Join(prefix, "default.tflock").
GCS_OBJECT_MAX_BYTES = 1024
# PostgreSQL "Identifiers and Key Words": at most NAMEDATALEN-1 (63) bytes of an identifier are used; longer
# ones are truncated (on a character boundary). terraform v1.11.4 internal/backend/remote-state/pg/
# backend.go quotes schema_name (pq.QuoteIdentifier), so case is kept: "Ab" and "ab" are two schemas.
# Default schema_name: "terraform_remote_state".
PG_IDENTIFIER_MAX_BYTES = 63
PG_DEFAULT_SCHEMA = "terraform_remote_state"
# HashiCorp "Create workspaces" (HCP Terraform): names are 90 characters or less of letters, numbers, `-`
# and `_`.
HCP_WORKSPACE_NAME = re.compile(r"[A-Za-z0-9_-]{1,90}")
HCP_DEFAULT_HOSTNAME = "app.terraform.io"
# cdktf's local default; a relative path is resolved in the stack's directory under the cdktf output
# (cdktf.out/stacks/<stack>), which `make clean` and every `cdktf synth` replace.
LOCAL_DEFAULT_PATH = "terraform.tfstate"
GENERATED_STACK_DIR = f"{DEFAULT_OUTPUT}/stacks"


@dataclass(frozen=True)
class StateLocation:
    identity: str
    """Equal for two stacks exactly when they would read and write one state."""
    shown: str
    problems: tuple[str, ...] = field(default=())
    """Why the backend would refuse, alter or lose this key."""
    touches: frozenset[str] = field(default=frozenset())
    """Besides `identity`, what else the backend writes for this state: two stacks whose identities or
    touches meet overwrite each other's state (a local state's backup and lock metadata files)."""

    @property
    def claims(self) -> frozenset[str]:
        return self.touches | {self.identity}


def _utf8(text: str) -> int:
    return len(text.encode())


def pg_effective_name(name: str) -> str:
    """The schema PostgreSQL creates for `name`: its first 63 bytes, cut on a character boundary."""
    return name.encode()[:PG_IDENTIFIER_MAX_BYTES].decode(errors="ignore")


def local_companions(path: str) -> tuple[str, str]:
    """The files Terraform's local backend writes beside the state file `path`: its backup and lock metadata.

    terraform v1.11.4: internal/backend/local/backend.go StatePaths, `backupPath = stateOutPath +
    DefaultBackupExtension` (".backup"), written before each changed state (internal/states/statemgr/
    filesystem.go writeState); filesystem.go lockInfoPath, `.<name>.lock.info` in the state's directory,
    with one leading `.` of the name dropped first, written on Lock and deleted on Unlock. So another
    stack whose state is `<path>.backup`, or `.<name>` beside `<name>`, has its state overwritten or
    its lock metadata deleted."""
    directory, name = posixpath.split(path)
    return f"{path}.backup", posixpath.join(directory, f".{name.removeprefix('.')}.lock.info")


def _local(stack: str, config: dict) -> StateLocation:
    path = str(config.get("path") or LOCAL_DEFAULT_PATH)
    resolved = posixpath.normpath(path if path.startswith("/") else f"{GENERATED_STACK_DIR}/{stack}/{path}")
    problems = () if path.startswith("/") else (
        f"local state path {path!r} is relative: Terraform resolves it in {GENERATED_STACK_DIR}/{stack}/, "
        "which `make clean` and every synth delete (and with it the only record of the live credentials)",)
    backup, lock_info = local_companions(resolved)
    return StateLocation(f"local {resolved}", f"local file {resolved} (Terraform also writes {backup} and {lock_info})",
                         problems, frozenset({f"local {backup}", f"local {lock_info}"}))


def _s3(config: dict) -> StateLocation:
    bucket, key = str(config.get("bucket", "")), str(config.get("key", ""))
    limit = S3_KEY_MAX_BYTES - (len(TFLOCK) if config.get("use_lockfile") else 0)
    problems = []
    if not key.strip() or key.startswith("/") or key.endswith("/") or "//" in key:
        problems.append(f"S3 key {key!r} is empty, starts or ends with '/' or contains '//' (the s3 backend refuses it)")
    if _utf8(key) > limit:
        problems.append(f"S3 key is {_utf8(key)} bytes; at most {limit} fit (1,024 with the lock file's '.tflock')")
    endpoint = (config.get("endpoints") or {}).get("s3") or config.get("endpoint") or ""
    return StateLocation(f"s3 {endpoint} {bucket} {key}", f"s3://{bucket}/{key}", tuple(problems))


def _azurerm(config: dict) -> StateLocation:
    account, container, key = (str(config.get(k, "")) for k in ("storage_account_name", "container_name", "key"))
    problems = []
    if not 1 <= len(key) <= AZURE_BLOB_MAX_CHARS:
        problems.append(f"blob name is {len(key)} characters; Azure allows 1 to {AZURE_BLOB_MAX_CHARS}")
    if key.endswith((".", "/")):
        problems.append(f"blob name {key!r} ends with '.' or '/', which Azure blob names must not")
    return StateLocation(f"azurerm {account.lower()} {container} {key}", f"azurerm {account}/{container}/{key}",
                         tuple(problems))


def _gcs(config: dict) -> StateLocation:
    bucket, prefix = str(config.get("bucket", "")), str(config.get("prefix") or "").lstrip("/")
    state_object = posixpath.normpath(posixpath.join(prefix, "default.tfstate"))
    lock_object = state_object.removesuffix(".tfstate") + TFLOCK
    problems = ()
    if max(_utf8(state_object), _utf8(lock_object)) > GCS_OBJECT_MAX_BYTES:
        problems = (f"state object {state_object!r} is {_utf8(state_object)} bytes; GCS allows {GCS_OBJECT_MAX_BYTES}",)
    return StateLocation(f"gcs {bucket} {state_object}", f"gs://{bucket}/{state_object}", problems)


def _pg(config: dict) -> StateLocation:
    schema = str(config.get("schema_name") or PG_DEFAULT_SCHEMA)
    effective = pg_effective_name(schema)
    problems = ()
    if effective != schema:
        problems = (f"schema name {schema!r} is {_utf8(schema)} bytes; PostgreSQL keeps only the first "
                    f"{PG_IDENTIFIER_MAX_BYTES} ({effective!r}), which another stack's name may share",)
    # conn_str is normally unset (PG_CONN_STR): stacks then share one database.
    return StateLocation(f"pg {config.get('conn_str') or ''} {effective}", f"pg schema {effective!r}", problems)


def _cloud(config: dict) -> StateLocation | None:
    workspaces = config.get("workspaces") or {}
    name = workspaces.get("name")
    if not isinstance(name, str):
        return None  # tags or a prefix: the workspace is chosen when Terraform runs
    hostname, organization = config.get("hostname") or HCP_DEFAULT_HOSTNAME, config.get("organization", "")
    problems = () if HCP_WORKSPACE_NAME.fullmatch(name) else (
        f"workspace name {name!r} is not 1-90 letters, numbers, '-' and '_' (HCP Terraform refuses it)",)
    return StateLocation(f"cloud {hostname.lower()} {str(organization).casefold()} {name.casefold()}",
                         f"workspace {organization}/{name} on {hostname}", problems)


def state_location(stack: str, document: dict) -> StateLocation | None:
    """Where `stack`'s state lives; None when that is only decided when Terraform runs."""
    terraform = document.get("terraform") or {}
    kind = backend_kind(document)
    if kind == "cloud":
        return _cloud(terraform["cloud"])
    config = (terraform.get("backend") or {}).get(kind) or {}
    readers = {"local": lambda c: _local(stack, c), "s3": _s3, "azurerm": _azurerm, "gcs": _gcs, "pg": _pg,
               "remote": _cloud}
    if kind in readers:
        return readers[kind](config)
    # Any other backend: the same configuration is the same state (not quoted: it may hold credentials).
    return StateLocation(f"{kind} {json.dumps(config, sort_keys=True)}", f"one {kind} backend configuration")
