"""What makes objects of two stacks one and the same: the place they live in (a workspace host, a GitHub
repository) and their name as that service compares names. Read from the synthesized JSON only."""

from __future__ import annotations

import posixpath
from urllib.parse import urlparse

from .terraform_json import literal, provider_config

GITHUB_API_HOST = "api.github.com"  # the github provider's default base_url


def host_of(url: str) -> str | None:
    """`host[:port]` of a URL or bare host, lower-case, without the default port; None if there is none."""
    parsed = urlparse(url if "://" in url else f"https://{url}")
    if not parsed.hostname:
        return None
    return parsed.hostname + (f":{parsed.port}" if parsed.port not in (None, 443) else "")


def workspace_host(document: dict, body: dict) -> str | None:
    """The workspace a Databricks resource is written to (host, lower-case), None when not known at synth."""
    host = literal((provider_config(document, body, "databricks") or {}).get("host"))
    return host_of(host) if host else None


def github_repository(document: dict, body: dict) -> tuple[str, str] | None:
    """(identity, display) of the repository a GitHub resource writes to: server, owner and name, compared
    case-insensitively as GitHub does; None when not known at synth."""
    config = provider_config(document, body, "github") or {}
    owner, repository = literal(config.get("owner")), literal(body.get("repository"))
    server = host_of(literal(config.get("base_url")) or GITHUB_API_HOST)
    if not (owner and repository and server):
        return None
    return f"{server}/{owner}/{repository}".casefold(), f"{owner}/{repository}"


def github_environment_key(document: dict, body: dict) -> str | None:
    """The GitHub environment a `github_repository_environment` writes. GitHub environment names are not
    case-sensitive, so `Prod` and `prod` are one environment."""
    repository, name = github_repository(document, body), literal(body.get("environment"))
    return f"{repository[0]}#{name.casefold()}" if repository and name else None


def workspace_path(path: str) -> str:
    """A workspace path as the workspace resolves it: `/a//b/` is `/a/b` (databricks_directory suppresses a
    trailing `/` diff, workspace/resource_directory.go v1.99.0), and `/Workspace/Shared/x` is `/Shared/x`:
    the workspace file system shows every object under `/Workspace` too (the provider treats the two
    spellings as one path, common/resource.go WorkspacePathPrefixDiffSuppress v1.99.0, and reports a
    directory's `workspace_path` as `/Workspace` + its path, workspace/resource_directory.go)."""
    if not path.startswith("/"):
        return path
    normal = "/" + posixpath.normpath(path).lstrip("/")
    if normal == _WORKSPACE_ROOT or normal.startswith(_WORKSPACE_ROOT + "/"):
        return normal.removeprefix(_WORKSPACE_ROOT) or "/"
    return normal


_WORKSPACE_ROOT = "/Workspace"


def lies_within(inner: str, outer: str) -> bool:
    """Whether workspace path `inner` is `outer` or inside it (both as `workspace_path` gives them)."""
    return inner == outer or inner.startswith(outer.rstrip("/") + "/")
