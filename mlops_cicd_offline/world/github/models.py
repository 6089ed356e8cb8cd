"""Emulated GitHub repositories (keyed by owner/repo), each with its own sealed-box key pair."""

from __future__ import annotations

import base64
import zlib

from nacl.public import PrivateKey, PublicKey, SealedBox

from mlops_cicd_offline.errors import ApiError, ProviderError
from mlops_cicd_offline.world.base import Context, format_rfc3339, parse_rfc3339


def timestamp(ctx: Context) -> str:
    """Now, as the REST API writes times (RFC 3339, UTC): how the world keeps them."""
    return format_rfc3339(ctx.now)


def go_time(rfc3339: str) -> str:
    """An API time as the provider puts it in state: go-github `Timestamp.String()` is Go's `time.Time.String()`
    of the parsed RFC 3339 time, e.g. `2026-01-01 00:00:00 +0000 UTC` (google/go-github v82 github/timestamp.go;
    integrations/terraform-provider-github v6.11.0 sets `created_at`/`updated_at` with `.String()`)."""
    moment = parse_rfc3339(rfc3339)
    return moment.strftime("%Y-%m-%d %H:%M:%S +0000 UTC")


def repo(ctx: Context, name: str) -> dict:
    if ctx.principal is None:
        raise ProviderError("github provider configuration is not known")
    full = name if "/" in name else f"{ctx.principal['owner']}/{name}"
    return ensure_repository(ctx.world, full)


def with_repository_id(ctx: Context, state: dict) -> dict:
    """`repository_id` = the repository's numeric id (Repositories.Get(owner, repository).GetID()): what github's
    V0 state upgraders add (integrations/terraform-provider-github v6.11.0 github/resource_github_actions_*_migration.go,
    v6.12.0 github/resource_github_repository_environment*_migration.go). Create sets it too from the release that
    adds the attribute (a state without it drops it: values.conform)."""
    return {**state, "repository_id": repo(ctx, state["repository"])["id"]}


def ensure_repository(world: dict, full_name: str) -> dict:
    """The emulated repository `owner/name`, made on first use with a numeric id, its owner's numeric id and
    `immutable_subject` off (a repository from before GitHub's 2026-07-15 switch that has not opted in)."""
    repos = world["github"]
    if full_name not in repos:
        key = PrivateKey.generate()
        owner = full_name.split("/", 1)[0]
        repos[full_name] = {"id": len(repos) + 1, "key_id": str(len(repos) + 1), "owner_id": account_id(owner),
                            "immutable_subject": False, "private_key": base64.b64encode(bytes(key)).decode(),
                            "public_key": base64.b64encode(bytes(key.public_key)).decode(),
                            "secrets": {}, "variables": {}, "environments": {}}
    return repos[full_name]


def account_id(login: str) -> int:
    """A stable numeric id for a GitHub account (user or organization; one id space, as on GitHub)."""
    return 10_000 + zlib.crc32(f"user:{login.lower()}".encode()) % 90_000_000


def environment(ctx: Context, repository: str, name: str) -> dict:
    env = repo(ctx, repository)["environments"].get(name)
    if env is None:
        raise ApiError(status=404, message=f"Not Found: environment {name} does not exist in {repository}")
    return env


def seal(public_key_b64: str, plaintext: str) -> str:
    box = SealedBox(PublicKey(base64.b64decode(public_key_b64)))
    return base64.b64encode(box.encrypt(plaintext.encode())).decode()


def unseal(private_key_b64: str, sealed_b64: str) -> str:
    """What a GitHub Actions runner does when it hands the secret to a job (tests use it)."""
    return SealedBox(PrivateKey(base64.b64decode(private_key_b64))).decrypt(base64.b64decode(sealed_b64)).decode()
