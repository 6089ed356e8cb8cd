"""Names and hosts as GitHub and Databricks accept them.

Each `*_problem` function returns why a value is refused (naming the rule and the fix, never quoting the
value: it may be a pasted secret), or None. Dependency-free, so configuration validation can use it
before cdktf loads. Every limit says where it comes from.
"""

from __future__ import annotations

import difflib
import re
from urllib.parse import urlsplit

GITHUB_COM = "https://github.com"

# --- GitHub ---------------------------------------------------------------------------------------

GITHUB_LOGIN_MAX = 39
# docs.github.com, "Username considerations for external authentication" (enterprise-server and
# enterprise-cloud): usernames "can only contain alphanumeric characters and dashes", "can't start or end
# with a dash", "can't contain two consecutive dashes", "must not exceed 39 characters". Managed users of
# Enterprise Managed Users are `<handle>_<enterprise short code>` (same page, enterprise-cloud).
_LOGIN = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*(?:_[A-Za-z0-9]+)?")

GITHUB_REPOSITORY_MAX = 100
# integrations/terraform-provider-github v6.9.0, github/resource_github_repository.go:40:
# name `^[-a-zA-Z0-9_.]{1,100}$`.
_REPOSITORY = re.compile(r"[-A-Za-z0-9_.]{1,100}")

GITHUB_ENVIRONMENT_MAX = 255
# docs.github.com, "Managing environments for deployment": "Environment names are not case sensitive. An
# environment name may not exceed 255 characters and must be unique within the repository."

GITHUB_MAX_REVIEWERS = 6
# Same page: required reviewers, "Enter up to 6 people or teams"; the provider's `reviewers` block
# (github/resource_github_repository_environment.go, v6.9.0) says "Up to 6 IDs".

# A team is addressed by its slug, which GitHub derives from the team's name: lower case, other
# characters turned into `-` (REST "Get a team by name": `team_slug`). GitHub documents no length limit.
_TEAM_SLUG = re.compile(r"[a-z0-9_]+(?:-+[a-z0-9_]+)*")

# github/util.go v6.9.0 (validateSecretNameFunc): secret names must not start with `GITHUB_`.
GITHUB_RESERVED_SECRET_PREFIX = "GITHUB_"


def github_login_problem(login: str) -> str | None:
    if len(login) > GITHUB_LOGIN_MAX:
        return f"is {len(login)} characters; GitHub logins have at most {GITHUB_LOGIN_MAX}: check it"
    if "@" in login:
        return "looks like an e-mail address; give the GitHub login (the name in https://github.com/<login>)"
    if not _LOGIN.fullmatch(login):
        return ("is not a GitHub login: letters, digits and single hyphens, not first or last "
                "(managed users add `_<short code>`); give the login, not a display name")
    return None


def github_repository_problem(name: str) -> str | None:
    if "/" in name:
        return "contains '/': put the owner in github.owner and only the repository's name here"
    if len(name) > GITHUB_REPOSITORY_MAX:
        return f"is {len(name)} characters; GitHub repository names have at most {GITHUB_REPOSITORY_MAX}"
    if not _REPOSITORY.fullmatch(name) or name in (".", ".."):
        return "is not a GitHub repository name: letters, digits, '-', '_' and '.' only"
    return None


def github_team_slug_problem(slug: str) -> str | None:
    if "/" in slug:
        return "contains '/': give the team's slug only (the organization is github.owner), e.g. \"ml-reviewers\""
    if slug != slug.lower():
        return "team slugs are lower case: use the slug from the team's URL, not its display name"
    if not _TEAM_SLUG.fullmatch(slug):
        return ("is not a team slug: lower-case letters, digits, '-' and '_', not starting or ending with '-' "
                "(the last part of https://github.com/orgs/<owner>/teams/<slug>)")
    return None


def github_environment_problem(name: str) -> str | None:
    if len(name) > GITHUB_ENVIRONMENT_MAX:
        return f"is {len(name)} characters; GitHub environment names have at most {GITHUB_ENVIRONMENT_MAX}"
    return text_problem(name)


# --- Databricks -----------------------------------------------------------------------------------

# databricks/terraform-provider-databricks v1.99.0, docs/resources/git_credential.md: `git_provider` is
# "case insensitive", supported values listed below. Read (repos/resource_git_credential.go:86) stores the
# API's spelling, so any other spelling would show as a change on every plan: only these are accepted.
DATABRICKS_GIT_PROVIDERS = (
    "gitHub", "gitHubEnterprise", "bitbucketCloud", "bitbucketServer", "azureDevOpsServices", "gitLab",
    "gitLabEnterpriseEdition", "awsCodeCommit", "azureDevOpsServicesAad",
)
GITHUB_GIT_PROVIDERS = {"gitHub", "gitHubEnterprise"}

SECRET_SCOPE_MAX = 128
# secrets/resource_secret_scope.go v1.99.0: scope names match `^[\w\.@_/-]{1,128}$`.
_SECRET_SCOPE = re.compile(r"[\w.@/-]{1,128}", re.ASCII)



def cd_credentials_scope_name(environment: str, project: str) -> str:
    """The secret scope holding what a Databricks job needs to trigger the CD workflow (README: "CD trigger scope")."""
    return f"{environment}-{project}-cd-credentials"


# The workspace's built-in administrators: a member is a workspace admin.
DATABRICKS_ADMINS_GROUP = "admins"


def git_provider_for(server_url: str) -> str:
    """The Databricks git provider of a repository on `server_url`: github.com or an Enterprise Server."""
    return "gitHub" if server_url == GITHUB_COM else "gitHubEnterprise"


def git_provider_problem(value: str) -> str | None:
    if value in DATABRICKS_GIT_PROVIDERS:
        if value not in GITHUB_GIT_PROVIDERS:
            return ("the repository is on GitHub (github.server_url): use \"gitHub\" (github.com) or "
                    "\"gitHubEnterprise\" (GitHub Enterprise Server), or remove git_provider for the default")
        return None
    hint = [p for p in DATABRICKS_GIT_PROVIDERS if p.lower() == value.lower()]
    hint = hint or difflib.get_close_matches(value, GITHUB_GIT_PROVIDERS, n=1, cutoff=0.6)
    suggestion = f"did you mean \"{hint[0]}\"? " if hint else ""
    return (f"is not a Databricks git provider; {suggestion}use \"gitHub\" (github.com) or \"gitHubEnterprise\" "
            "(GitHub Enterprise Server), spelt exactly so, or remove git_provider for the default")


def secret_scope_problem(name: str) -> str | None:
    if len(name) > SECRET_SCOPE_MAX:
        return f"is {len(name)} characters; Databricks secret scope names have at most {SECRET_SCOPE_MAX}"
    if not _SECRET_SCOPE.fullmatch(name):
        return "is not a Databricks secret scope name: letters, digits, '-', '_', '.', '@' and '/' only"
    return None


# Group names. Databricks documents no character set for them, and provider v1.99.0 looks a group up by
# pasting its name into a SCIM filter unescaped (scim/groups.go, ReadByDisplayName: `displayName eq "%s"`,
# first result taken; used by data.databricks_group, scim/data_group.go): a `"` in a name rewrites the
# filter (`x" or displayName eq "admins` finds admins). So only a conservative set is accepted: letters,
# digits, space, `-`, `_`, `.`, `@` (no quote, backslash or control character).
_GROUP_NAME = re.compile(r"[A-Za-z0-9 _.@-]+")


def is_admins_group(group: str) -> bool:
    """`admins`, however it is spelt: SCIM compares display names case-insensitively unless the attribute
    is case-exact (RFC 7644 3.4.2.2; the Group schema's `displayName` is not, RFC 7643 8.7.1), so `Admins` may find it."""
    return group.casefold() == DATABRICKS_ADMINS_GROUP


def group_name_problem(group: str) -> str | None:
    if (problem := text_problem(group)) is not None:
        return problem
    if not _GROUP_NAME.fullmatch(group):
        return ("is not a group name this tool accepts: letters, digits, space, '-', '_', '.' and '@' only "
                "(quotes and backslashes would change the provider's group lookup)")
    return None


def token_group_problem(group: str) -> str | None:
    if is_admins_group(group):
        return ("joining \"admins\" makes the service principal a workspace administrator; name a group that "
                "has token CAN_USE and nothing more (default \"mlops-service-principals\")")
    return group_name_problem(group)


# A Databricks user is named by their e-mail address (`user_name`, docs/resources/user.md v1.99.0); a
# conservative address shape, without quotes, spaces or control characters.
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# A service principal is named by its application id, a UUID (`application_id`,
# docs/resources/service_principal.md v1.99.0; on Azure the Entra application's client id).
_APPLICATION_ID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


def user_name_problem(user: str) -> str | None:
    if not _EMAIL.fullmatch(user):
        return "is not a user's e-mail address (name@example.com): write user:<e-mail>"
    return None


def application_id_problem(application_id: str) -> str | None:
    if not _APPLICATION_ID.fullmatch(application_id):
        return ("is not a service principal's application id (a UUID such as 01234567-89ab-cdef-0123-456789abcdef): "
                "write service_principal:<application id>, not its display name")
    return None


def workspace_path_problem(path: str) -> str | None:
    """An absolute workspace path such as `/Users/<user>/<project>` (Databricks documents no length limit)."""
    if (problem := text_problem(path)) is not None:
        return problem
    if not path.startswith("/"):
        return "must be an absolute workspace path such as /Users/<you>/<project> or /Shared/<project>"
    parts = path[1:].split("/")
    if path.endswith("/") or "" in parts:
        return "has an empty part ('//' or a trailing '/'); write it as /Shared/<project>"
    if any(part in (".", "..") for part in parts):
        return "has a '.' or '..' part; write the directory's own path"
    return None


# --- Any name ---------------------------------------------------------------------------------------

def text_problem(text: str) -> str | None:
    """A name must be non-empty, on one line, and without surrounding white space."""
    if not text:
        return "must not be empty"
    if text != text.strip():
        return "has leading or trailing white space; remove it"
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        return "contains a control character (a line break or tab?); remove it"
    return None


# --- Hosts ---------------------------------------------------------------------------------------

_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
_HOST_MAX = 253  # RFC 1035 2.3.4: 255 octets on the wire, 253 as text


def https_origin(value: str, example: str) -> str:
    """`https://host[:port]` of `value`, host lower-cased and a trailing `/` or the default port dropped.

    Raises ValueError naming what is wrong (never quoting the value: a URL can carry a password or token).
    """
    if value != value.strip():
        raise ValueError(f"has leading or trailing white space; write it as {example}")
    parts = urlsplit(value)
    if parts.scheme.lower() != "https" or not parts.netloc:
        raise ValueError(f"must be an https:// URL such as {example}")
    if "@" in parts.netloc:
        raise ValueError(f"must not carry a user name or password; credentials come from the environment (README). Write it as {example}")
    if parts.path not in ("", "/"):
        hint = " (the API path is added by the provider)" if parts.path.rstrip("/").endswith("/api/v3") else ""
        raise ValueError(f"must be the server's root, without a path{hint}: write it as {example}")
    if parts.query or parts.fragment or value.endswith(("?", "#")):
        raise ValueError(f"must not have a query or fragment ('?', '#'): write it as {example}")
    host, colon, port = parts.netloc.rpartition(":") if ":" in parts.netloc else (parts.netloc, "", "")
    if colon and not (port.isdigit() and port[0] != "0" and int(port) <= 65535):
        raise ValueError(f"has an invalid port (1-65535, or none for 443): write it as {example}")
    host = host.lower()
    labels = host.split(".")
    if len(host) > _HOST_MAX or len(labels) < 2 or not all(_HOST_LABEL.fullmatch(label) for label in labels):
        raise ValueError(f"does not name a host (letters, digits, '-' and '.' only): write it as {example}")
    return f"https://{host}" + (f":{port}" if colon and port != "443" else "")


def github_server_problem(origin: str) -> str | None:
    """GitHub's own API and www hosts are not servers: github.com is `https://github.com`."""
    if origin in ("https://api.github.com", "https://www.github.com"):
        return f"is not a GitHub server: for github.com write {GITHUB_COM} (or remove server_url)"
    return None
