"""Hypothesis strategies for `mlops-cicd.toml` configurations, as the raw dicts a user's file parses to.

- `valid_configs()`: 1-4 environments over every cloud, credential mode, backend, production class,
  reviewer kind, token-usage mode and placement, with names up to the documented length limits. Each
  one is built to satisfy the documented rules (config validation and the synth-time checks), so it
  must synthesize with no check finding.
- `invalid_configs()`: a valid configuration with one to three mutations (`MUTATION_KINDS`), each of
  which alone makes it invalid: a wrong type, a missing or unknown field, a number out of range, a bad
  host, a credential or a TF_VAR_* value in a name field, an over-long name, a cross-field rule broken.
- `conflicting_configs()`: a valid configuration changed (`CONFLICTS`) so that a synth-time check must
  refuse it: two stacks owning one object, or an unsafe stack.
- `secret_values()`: credential-shaped strings, for TF_VAR_* values and for injection into name fields.
- `to_toml()`: a raw configuration as TOML text, for the real CLI.

The rules are restated here from README.md, design.md and issue 8, not read from the code under test,
so a rule the code forgets is a failing example, not a silently adapted generator. Two things come from
the code: the configuration's field names (to invent unknown ones) and the credential shapes of
`secret_patterns` (to keep them out of generated names).
"""

from __future__ import annotations

import copy
import dataclasses
import json
import re
import string
from dataclasses import dataclass
from functools import cache
from typing import Any

from hypothesis import strategies as st

from mlops_cicd.checks.production_names import looks_like_production
from mlops_cicd.secret_patterns import secret_kinds

# Documented limits (issue 8, item 11; README): a secret scope name is at most 128 characters, and the
# scope is named `<env>-<project>-cd-credentials`.
SCOPE_NAME_LIMIT = 128
SCOPE_SUFFIX = "-cd-credentials"
GITHUB_LOGIN_LIMIT = 39  # GitHub user names
GITHUB_REPOSITORY_LIMIT = 100
GITHUB_ENVIRONMENT_NAME_LIMIT = 255
GITHUB_MAX_REVIEWERS = 6  # users and teams together, per environment
PG_IDENTIFIER_BYTES = 63  # PostgreSQL truncates longer identifiers (the pg backend's schema name)
MAX_TOKEN_LIFETIME_DAYS = 730  # Databricks maxTokenLifetimeDays
MAX_WAIT_TIMER_MINUTES = 43200

GITHUB_COM = "https://github.com"
CLOUDS = ("aws", "azure", "gcp")
MODES_BY_CLOUD = {"aws": ("pat", "oauth", "oidc"), "azure": ("oauth", "oidc"), "gcp": ("pat", "oauth", "oidc")}
ACCOUNT_HOSTS = {
    "aws": "https://accounts.cloud.databricks.com",
    "azure": "https://accounts.azuredatabricks.net",
    "gcp": "https://accounts.gcp.databricks.com",
}
BACKEND_TYPES = ("local", "s3", "azurerm", "gcs", "pg", "cloud")
MLOPS009 = "MLOPS009"


# ---------------------------------------------------------------- secrets

@cache
def secret_values() -> st.SearchStrategy[str]:
    """Credentials in the shapes MLOPS001 knows, plus an opaque one that only a TF_VAR_* value reveals.

    The opaque shape ends in `=`, which no generated name contains, so it can never occur in the JSON by
    coincidence with a name.
    """
    def shaped(prefix: str, alphabet: str, size: int, suffix: str = "") -> st.SearchStrategy[str]:
        return st.text(alphabet, min_size=size, max_size=size).map(lambda body: f"{prefix}{body}{suffix}")

    return st.one_of(
        shaped("dapi", HEX, 32),
        st.sampled_from("pousr").flatmap(lambda kind: shaped(f"gh{kind}_", ALNUM, 36)),
        shaped("github_pat_", ALNUM + "_", 82),
        shaped("dose", HEX, 32),
        st.integers(24, 40).flatmap(lambda size: shaped("", ALNUM + "+/", size, "==")),
    )


HEX = string.digits + "abcdef"
LOWER_ALNUM = string.ascii_lowercase + string.digits
ALNUM = string.ascii_letters + string.digits


def _no_secret(value: str) -> bool:
    return not secret_kinds(value)


# ---------------------------------------------------------------- names

@cache
def _choice(options: tuple) -> st.SearchStrategy:
    return st.sampled_from(options)


def pick(draw, options) -> Any:
    """One of `options` (hashable values); the strategy is built once per set of options, as building
    strategies inside a draw is what makes generation slow."""
    return draw(_choice(tuple(options)))


@cache
def _integers(low: int, high: int) -> st.SearchStrategy[int]:
    return st.integers(low, high)


def integer(draw, low: int, high: int) -> int:
    return draw(_integers(low, high))


@cache
def slugs(min_size: int = 2, max_size: int = 20) -> st.SearchStrategy[str]:
    """`^[a-z][a-z0-9-]*[a-z0-9]$` (project and environment names), often exactly `max_size` long."""
    alphabet = LOWER_ALNUM + "-"
    middle = st.one_of(st.text(alphabet, min_size=min_size - 2, max_size=max_size - 2),
                       st.text(alphabet, min_size=max_size - 2, max_size=max_size - 2))
    return st.builds(lambda first, body, last: first + body + last, st.sampled_from(string.ascii_lowercase), middle,
                     st.sampled_from(LOWER_ALNUM)).filter(_no_secret)


@cache
def _hyphenated(alphabet: str, max_size: int) -> st.SearchStrategy[str]:
    """Words of `alphabet` joined by single hyphens, at most `max_size` characters, sometimes exactly."""
    word = st.text(alphabet, min_size=1, max_size=12)
    joined = st.lists(word, min_size=1, max_size=6).map("-".join)
    longest = st.text(alphabet, min_size=max_size, max_size=max_size)
    return st.one_of(joined, longest).map(lambda name: name[:max_size].rstrip("-")).filter(_no_secret)


@cache
def github_logins() -> st.SearchStrategy[str]:
    """GitHub user names: letters, digits, single hyphens inside, at most 39 characters."""
    return _hyphenated(ALNUM, GITHUB_LOGIN_LIMIT)


@cache
def team_slugs() -> st.SearchStrategy[str]:
    return _hyphenated(LOWER_ALNUM, 40)


@cache
def display_names() -> st.SearchStrategy[str]:
    return st.text(alphabet=string.ascii_letters + string.digits + " -_.", min_size=1, max_size=60).map(str.strip).filter(
        lambda name: bool(name) and _no_secret(name)
    )


@cache
def emails() -> st.SearchStrategy[str]:
    return st.builds(lambda user, domain: f"{user}@{domain}.com", _hyphenated(LOWER_ALNUM, 20).map(lambda u: u.replace("-", ".")),
                     slugs(2, 20))


@cache
def workspace_hosts(cloud: str) -> st.SearchStrategy[str]:
    if cloud == "aws":
        return slugs(3, 30).map(lambda name: f"https://{name}.cloud.databricks.com")
    if cloud == "azure":
        return st.builds(lambda n, r: f"https://adb-{n}.{r}.azuredatabricks.net",
                         st.integers(10**15, 10**16 - 1), st.integers(1, 19))
    return st.builds(lambda n, r: f"https://{n}.{r}.gcp.databricks.com", st.integers(10**15, 10**16 - 1), st.integers(0, 9))


@cache
def branch_patterns() -> st.SearchStrategy[list[str]]:
    part = st.text(LOWER_ALNUM + "*", min_size=1, max_size=8)
    pattern = st.builds(lambda head, rest: head + "".join(rest), st.text(LOWER_ALNUM, min_size=1, max_size=10),
                        st.lists(st.tuples(st.sampled_from("/-"), part).map("".join), max_size=2))
    # Patterns that differ only in punctuation ("release/*", "release-*") share a Terraform address and are
    # refused at build time: test_properties.test_branch_patterns_that_differ_only_in_punctuation_*.
    return st.lists(pattern, min_size=1, max_size=3, unique_by=lambda p: re.sub(r"[^A-Za-z0-9_]", "_", p))


# ---------------------------------------------------------------- valid configurations

def _s3_allowed(bucket: str) -> bool:
    """AWS bucket naming rules: reserved prefixes and suffixes."""
    return not bucket.startswith(("xn--", "sthree-", "amzn-s3-demo-")) and not bucket.endswith(
        ("-s3alias", "--ol-s3", "--x-s3", "--table-s3"))


def _gcs_allowed(bucket: str) -> bool:
    """Cloud Storage bucket naming rules: nothing that starts with "goog" or contains "google"."""
    return not bucket.startswith("goog") and "google" not in bucket


@cache
def backends(kind: str) -> st.SearchStrategy[dict]:
    """The settings of one backend type (the state key is derived from project and environment)."""
    if kind == "s3":
        return st.fixed_dictionaries(
            {"type": st.just("s3"), "bucket": slugs(3, 63).filter(_s3_allowed), "region": st.sampled_from(["us-east-1", "eu-west-1", "ap-northeast-1"])},
            optional={"dynamodb_table": slugs(3, 40), "encrypt": st.booleans()},
        )
    if kind == "azurerm":
        return st.fixed_dictionaries({
            "type": st.just("azurerm"), "resource_group_name": slugs(3, 30),
            "storage_account_name": st.text(LOWER_ALNUM, min_size=3, max_size=24), "container_name": slugs(3, 63).map(lambda n: re.sub("-+", "-", n)),  # Azure: no "--"
        })
    if kind == "gcs":
        return st.fixed_dictionaries({"type": st.just("gcs"), "bucket": slugs(3, 63).filter(_gcs_allowed)})
    if kind == "cloud":
        return st.fixed_dictionaries({"type": st.just("cloud"), "organization": slugs(3, 30)},
                                     optional={"hostname": st.just("app.terraform.io")})
    return st.just({"type": kind})


@cache
def _names_of(count: int, longest: int) -> st.SearchStrategy[list[str]]:
    return st.lists(st.one_of(st.sampled_from(["staging", "prod", "dev", "qa"]), slugs(2, longest)),
                    min_size=count, max_size=count, unique=True)


@cache
def _suffixes(count: int) -> st.SearchStrategy[list[str]]:
    return st.lists(st.text(LOWER_ALNUM, min_size=1, max_size=3), min_size=count, max_size=count, unique=True)


def _reserved(name: str) -> bool:
    """GitHub reserves secret names starting with GITHUB_, and an environment's secrets are `<NAME>_...`."""
    return name == "github" or name.startswith("github-")


def _environment_names(draw, project: str) -> list[str]:
    """1-4 distinct names, often sharing a long prefix (the way truncated or normalized keys collide)."""
    longest = SCOPE_NAME_LIMIT - len(SCOPE_SUFFIX) - 1 - len(project)
    count = integer(draw, 1, 4)
    if draw(st.booleans()):
        names = draw(_names_of(count, longest))
    else:
        suffixes = draw(_suffixes(count))
        prefix = draw(slugs(2, max(2, longest - 4)))
        names = [f"{prefix}-{suffix}" for suffix in suffixes]
    assert all(len(name) <= longest for name in names)
    return [f"x{name[1:]}" if _reserved(name) else name for name in names]  # "xithub-...": same length


@cache
def _logins(min_size: int) -> st.SearchStrategy[list[str]]:
    return st.lists(github_logins(), min_size=min_size, max_size=4, unique_by=str.lower)


@cache
def _teams(max_size: int) -> st.SearchStrategy[list[str]]:
    return st.lists(team_slugs(), max_size=max_size, unique=True)


def _reviewers(draw, must_allow_approval: bool) -> dict:
    """With self review prevented, at least two distinct users or one team, or nobody could approve."""
    users = draw(_logins(0))
    teams = draw(_teams(GITHUB_MAX_REVIEWERS - len(users)))
    if must_allow_approval and len(users) < 2 and not teams:
        if draw(st.booleans()):
            teams = [draw(team_slugs())]
        else:
            users = draw(_logins(2))
    reviewers = {}
    if users or draw(st.booleans()):
        reviewers["users"] = users
    if teams or draw(st.booleans()):
        reviewers["teams"] = teams
    return reviewers


WAIT_TIMERS = st.one_of(st.integers(0, MAX_WAIT_TIMER_MINUTES), st.sampled_from([0, MAX_WAIT_TIMER_MINUTES]))
PRINCIPALS = st.one_of(
    slugs(3, 30).filter(lambda g: g != "admins").map(lambda g: f"group:{g}"),
    emails().map(lambda e: f"user:{e}"),
    st.uuids().map(lambda u: f"service_principal:{u}"),
)
DIRECTORY_GRANTS = st.lists(
    st.fixed_dictionaries({"principal": PRINCIPALS, "level": st.sampled_from(["CAN_READ", "CAN_RUN", "CAN_EDIT", "CAN_MANAGE"])}),
    max_size=3, unique_by=lambda grant: grant["principal"],
)
KEEP_CAN_USE = st.lists(PRINCIPALS, min_size=1, max_size=3, unique=True)
LIFETIMES = st.one_of(st.integers(2, MAX_TOKEN_LIFETIME_DAYS), st.sampled_from([2, 90, MAX_TOKEN_LIFETIME_DAYS]))


def _github_environment(draw, production: bool, name: str | None) -> dict:
    settings: dict[str, Any] = {}
    if name is not None:
        settings["name"] = name
    if production:  # MLOPS004: reviewers, no self review, no admin bypass, a branch policy
        prevent = pick(draw, [None, True])
        bypass = pick(draw, [None, False])
        policy = pick(draw, [None, "protected", "patterns"])
    else:
        prevent = pick(draw, [None, True, False])
        bypass = pick(draw, [None, True, False])
        policy = pick(draw, [None, "protected", "patterns", "any"])
    self_review_prevented = prevent if prevent is not None else production
    reviewers = _reviewers(draw, self_review_prevented or production)
    if reviewers:
        settings["reviewers"] = reviewers
    for key, value in (("prevent_self_review", prevent), ("can_admins_bypass", bypass), ("branch_policy", policy)):
        if value is not None:
            settings[key] = value
    if policy == "patterns":
        settings["branch_patterns"] = draw(branch_patterns())
    if draw(st.booleans()):
        settings["wait_timer_minutes"] = draw(WAIT_TIMERS)
    return settings


def _token_usage(draw, may_manage_permission: bool) -> dict | None:
    modes = ["group", "permission"] if may_manage_permission else ["group"]
    mode = pick(draw, [None, *modes])
    if mode is None:
        return None
    if mode == "group":
        usage: dict[str, Any] = {"mode": "group"}
        if draw(st.booleans()):
            usage["group"] = draw(slugs(3, 40))
        return usage
    return {"mode": "permission", "keep_can_use": draw(KEEP_CAN_USE)}


def _lifetimes(draw) -> dict:
    lifetime = draw(LIFETIMES)
    rotation = pick(draw, [1, lifetime - 1]) if draw(st.booleans()) else integer(draw, 1, lifetime - 1)
    return {"token_lifetime_days": lifetime, "rotation_days": rotation}


REPOSITORIES = st.text(ALNUM + "_.-", min_size=1, max_size=GITHUB_REPOSITORY_LIMIT).filter(lambda r: r.strip(".") != "" and _no_secret(r))
HOST_LISTS = {cloud: st.lists(workspace_hosts(cloud), min_size=1, max_size=2, unique=True) for cloud in CLOUDS}


@cache
def _github_environment_names(count: int) -> st.SearchStrategy[list[str]]:
    return st.lists(slugs(2, GITHUB_ENVIRONMENT_NAME_LIMIT), min_size=count, max_size=count, unique=True)


@cache
@st.composite
def valid_configs(draw) -> dict:
    project = draw(slugs(2, 60))
    owner = draw(github_logins())
    server_url = pick(draw, [None, GITHUB_COM, "ghes"])
    if server_url == "ghes":
        server_url = f"https://github.{draw(slugs(3, 20))}.com"
    github: dict[str, Any] = {
        "owner": owner,
        "repository": draw(REPOSITORIES),
    }
    if server_url is not None:
        github["server_url"] = server_url
    enterprise = server_url not in (None, GITHUB_COM)

    names = _environment_names(draw, project)
    backend_of_kind: dict[str, dict] = {}  # one setting per type, shared by the stacks that use it
    hosts_by_cloud = {cloud: draw(HOST_LISTS[cloud]) for cloud in CLOUDS}
    github_env_names = draw(_github_environment_names(len(names)))

    environments, suppressions = [], []
    taken: dict[str, set] = {"sp": set(), "directory": set(), "permission": set()}
    for index, name in enumerate(names):
        env: dict[str, Any] = {"name": name}
        # A production-like name that is not production is warning MLOPS016: such a name is never marked false.
        flags = ([None, True] if name == "prod" else [True]) if looks_like_production(name) else [None, True, False]
        production_flag = pick(draw, flags)
        production = name == "prod" if production_flag is None else production_flag
        if production_flag is not None:
            env["production"] = production_flag
        cloud = pick(draw, CLOUDS)
        host = pick(draw, hosts_by_cloud[cloud])
        mode = pick(draw, MODES_BY_CLOUD[cloud])
        env.update(workspace_host=host, cloud=cloud)
        if mode != "pat" or draw(st.booleans()):
            env["credential_mode"] = mode

        # Real names: one per workspace (directory, SP) or per repository (GitHub environment).
        directory = f"/Users/{draw(emails())}/{project}" if draw(st.booleans()) else f"/Shared/{draw(slugs(2, 30))}"
        if (host, directory) in taken["directory"]:
            directory = f"{directory}-{name}"
        taken["directory"].add((host, directory))
        sp_name = f"{project}-{name}-cicd" if draw(st.booleans()) else draw(display_names())
        if (host, sp_name) in taken["sp"]:
            sp_name = f"{sp_name} {name}"
        taken["sp"].add((host, sp_name))
        # The directory's permission list is authoritative: say which direct grants stay (MLOPS014).
        env.update(project_directory=directory, project_directory_grants=draw(DIRECTORY_GRANTS), service_principal_name=sp_name)

        # A custom GitHub environment name never equals an environment's name, whose default it is.
        override = github_env_names[index]
        github_env_name = override if override not in names and draw(st.booleans()) else None

        if draw(st.booleans()):
            env["allow_cluster_create"] = draw(st.booleans())
        if mode in ("pat", "oauth") and draw(st.booleans()):
            env.update(_lifetimes(draw))
        # Repository placement on production is warning MLOPS003.
        placements = [None, "environment"] if mode == "oidc" or production else [None, "environment", "repository"]
        placement = pick(draw, placements)
        if placement is not None:
            env["secret_placement"] = placement
        if mode == "pat":  # token use is granted only where the mode needs it
            usage = _token_usage(draw, may_manage_permission=host not in taken["permission"])
            if usage is not None:
                env["token_usage"] = usage
                if usage["mode"] == "permission":
                    taken["permission"].add(host)  # MLOPS007: one token permission object per workspace
        if draw(st.booleans()):
            env["git_provider"] = "gitHubEnterprise" if enterprise else "gitHub"
        if draw(st.booleans()):
            env["git_username"] = draw(github_logins())
        github_environment = _github_environment(draw, production, github_env_name)
        if github_environment:
            env["github_environment"] = github_environment
        if mode == "oidc":
            env["account"] = {"host": ACCOUNT_HOSTS[cloud], "account_id": str(draw(st.uuids()))}

        kind = pick(draw, BACKEND_TYPES)
        if kind not in backend_of_kind:
            backend_of_kind[kind] = draw(backends(kind))
        backend = dict(backend_of_kind[kind])
        if kind == "local" and draw(st.booleans()):  # relative to the configuration file's directory
            backend["path"] = f"state/{name}.tfstate"
        if backend != {"type": "local"} or draw(st.booleans()):  # local is also the default
            env["backend"] = backend
        if production and kind == "local":
            suppressions.append({"id": MLOPS009, "environment": name,
                                 "reason": "trying things out before the team's state backend exists"})
        environments.append(env)

    _keep_other_stacks_token_groups(environments)
    if not enterprise and any(env.get("credential_mode") == "oidc" for env in environments):
        # the `sub` form GitHub sends for the repository (GitHub Enterprise Server has only the name form)
        if draw(st.booleans()):
            github.update(oidc_subject="immutable", owner_id=draw(st.integers(1, 2**40)), repository_id=draw(st.integers(1, 2**40)))
        else:
            github["oidc_subject"] = "names"
    raw: dict[str, Any] = {"project": {"name": project}, "github": github, "environments": environments}
    if draw(st.booleans()):
        github["shared_secrets_stack"] = pick(draw, names)
    checks: dict[str, Any] = {}
    if suppressions:
        checks["suppress"] = suppressions
    if draw(st.booleans()):
        checks["expiry_warning_days"] = integer(draw, 0, 60)
    if checks:
        raw["checks"] = checks
    return raw


def _keep_other_stacks_token_groups(environments: list[dict]) -> None:
    """A token permission (mode = "permission") keeps the group of every other pat stack in group mode on
    its workspace (MLOPS007)."""
    def group_of(env: dict) -> str | None:
        usage = env.get("token_usage") or {}
        if env.get("credential_mode", "pat") != "pat" or usage.get("mode", "group") != "group":
            return None
        return usage.get("group", "mlops-service-principals")

    for env in environments:
        usage = env.get("token_usage") or {}
        if usage.get("mode") != "permission":
            continue
        for other in environments:
            entry = f"group:{group}" if (group := group_of(other)) else None
            if other is not env and entry and other["workspace_host"] == env["workspace_host"] and entry not in usage["keep_can_use"]:
                usage["keep_can_use"].append(entry)


# ---------------------------------------------------------------- invalid configurations

DELETE = object()
"""An edit's value that removes the field."""


@dataclass(frozen=True)
class Mutation:
    """Edits to a valid configuration that make it invalid on their own.

    `field` is the name the error message must mention; `secret` a secret put into the file, which no
    output may repeat: credential-shaped, or (`passed_in`) an opaque value that the run also passes as a
    TF_VAR_* variable (`passed_in_environ`), as if a user pasted their token from the environment.
    """

    kind: str
    edits: tuple[tuple[tuple, Any], ...]
    field: str
    secret: str | None = None
    passed_in: bool = False

    def apply(self, raw: dict) -> None:
        for path, value in self.edits:
            parent = raw
            for step in path[:-1]:
                if isinstance(parent, dict) and step not in parent:
                    parent[step] = {}
                parent = parent[step]
            if value is DELETE:
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = value


def passed_in_environ(mutations: list[Mutation]) -> dict[str, str]:
    """The TF_VAR_* variables a run with these mutations has set."""
    return {f"TF_VAR_pasted_{n}": m.secret for n, m in enumerate(mutations) if m.passed_in and m.secret}


def _env_path(index: int, *rest) -> tuple:
    return ("environments", index, *rest)


WRONG_BOOLS = st.sampled_from(["yes", "no", "true", "false", "on", 1, 0, "1"])
WRONG_INTS = st.sampled_from(["90", "ninety", 1.5, True, False, "60 days"])
BAD_WORKSPACE_HOSTS = st.sampled_from([
    "http://insecure.cloud.databricks.com",
    "dbc-1234.cloud.databricks.com",
    "https://dbc-1234.cloud.databricks.com/path",
    "https://dbc-1234.cloud.databricks.com/?o=123",
    "https://dbc-1234.cloud.databricks.com ",
    " https://dbc-1234.cloud.databricks.com",
    "https://dbc-1234.cloud.databricks.com#workspace",
    "https://",
    "https:///path-only",
    "",
])
BAD_SERVER_URLS = st.sampled_from([
    "https://github.example.com/api/v3",
    "https://github.example.com/api/v3/",
    "http://github.example.com",
    "github.example.com",
    "https://github.example.com/org",
    "https://github.example.com ",
    "https://github.example.com?x=1",
])


MUTATION_KINDS = (
    "bool", "int", "str_type", "list_type", "missing", "unknown", "range", "host", "server_url",
    "secret_in_name", "passed_in_in_name", "long_name", "rule", "enum", "account_id",
)
# Opaque (no known credential shape) and shaped like a login or a name, so only its value gives it away.
OPAQUE_SECRETS = st.text(ALNUM, min_size=24, max_size=GITHUB_LOGIN_LIMIT).filter(_no_secret)


def _field_mutation(draw, raw: dict, choice: str) -> Mutation:
    """One field of one environment (or the project / GitHub section) made invalid in the way `choice` says."""
    envs = raw["environments"]
    i = integer(draw, 0, len(envs) - 1)
    env = envs[i]
    if choice == "bool":
        path = draw(st.sampled_from([
            _env_path(i, "allow_cluster_create"), _env_path(i, "production"),
            _env_path(i, "github_environment", "prevent_self_review"), _env_path(i, "github_environment", "can_admins_bypass"),
        ]))
        return Mutation("wrong type (bool)", ((path, draw(WRONG_BOOLS)),), path[-1])
    if choice == "int":
        path = draw(st.sampled_from([
            _env_path(i, "token_lifetime_days"), _env_path(i, "rotation_days"),
            _env_path(i, "github_environment", "wait_timer_minutes"), ("checks", "expiry_warning_days"),
        ]))
        return Mutation("wrong type (int)", ((path, draw(WRONG_INTS)),), path[-1])
    if choice == "str_type":
        path = draw(st.sampled_from([
            ("project", "name"), ("github", "owner"), ("github", "repository"), _env_path(i, "name"),
            _env_path(i, "service_principal_name"), _env_path(i, "project_directory"), _env_path(i, "workspace_host"),
            _env_path(i, "git_username"),
        ]))
        return Mutation("wrong type (str)", ((path, draw(st.sampled_from([42, True, ["a-list"], {"a": "table"}, 1.5]))),), path[-1])
    if choice == "list_type":
        path = draw(st.sampled_from([
            _env_path(i, "github_environment", "reviewers", "users"), _env_path(i, "github_environment", "reviewers", "teams"),
            _env_path(i, "github_environment", "branch_patterns"),
        ]))
        return Mutation("wrong type (list)", ((path, draw(st.sampled_from(["alice", 3, {"alice": True}]))),), path[-1])
    if choice == "missing":
        path = draw(st.sampled_from([
            ("project", "name"), ("github", "owner"), ("github", "repository"), _env_path(i, "name"),
            _env_path(i, "workspace_host"), _env_path(i, "cloud"), _env_path(i, "project_directory"),
            _env_path(i, "service_principal_name"), ("project",), ("github",), ("environments",),
        ]))
        return Mutation("missing field", ((path, DELETE),), path[-1])
    if choice == "unknown":
        parent = draw(st.sampled_from([(), ("project",), ("github",), _env_path(i), _env_path(i, "github_environment"),
                                       _env_path(i, "github_environment", "reviewers"), ("checks",)]))
        key = draw(st.text(string.ascii_lowercase + "_", min_size=3, max_size=20).filter(lambda k: k not in _KNOWN_FIELDS))
        return Mutation("unknown field", (((*parent, key), draw(st.sampled_from(["x", 1, True]))),), key)
    if choice == "range":
        return draw(st.sampled_from([
            Mutation("out of range", ((_env_path(i, "token_lifetime_days"), 0),), "token_lifetime_days"),
            Mutation("out of range", ((_env_path(i, "token_lifetime_days"), MAX_TOKEN_LIFETIME_DAYS + 1), (_env_path(i, "rotation_days"), 60)), "token_lifetime_days"),
            Mutation("out of range", ((_env_path(i, "token_lifetime_days"), 10**9), (_env_path(i, "rotation_days"), 60)), "token_lifetime_days"),
            Mutation("out of range", ((_env_path(i, "rotation_days"), 0),), "rotation_days"),
            Mutation("out of range", ((_env_path(i, "rotation_days"), -7),), "rotation_days"),
            Mutation("rotation not shorter than lifetime", ((_env_path(i, "token_lifetime_days"), 30), (_env_path(i, "rotation_days"), 30)), "rotation_days"),
            Mutation("out of range", ((_env_path(i, "github_environment", "wait_timer_minutes"), -1),), "wait_timer_minutes"),
            Mutation("out of range", ((_env_path(i, "github_environment", "wait_timer_minutes"), MAX_WAIT_TIMER_MINUTES + 1),), "wait_timer_minutes"),
            Mutation("out of range", ((("checks", "expiry_warning_days"), -1),), "expiry_warning_days"),
        ]))
    if choice == "host":
        return Mutation("bad host", ((_env_path(i, "workspace_host"), draw(BAD_WORKSPACE_HOSTS)),), "workspace_host")
    if choice == "server_url":
        return Mutation("bad host", ((("github", "server_url"), draw(BAD_SERVER_URLS)),), "server_url")
    if choice == "secret_in_name":
        return _secret_in_name(draw, i, draw(secret_values().filter(lambda s: bool(secret_kinds(s)))))
    if choice == "passed_in_in_name":
        return dataclasses.replace(_secret_in_name(draw, i, draw(OPAQUE_SECRETS)), kind="TF_VAR value in a name field", passed_in=True)
    if choice == "long_name":
        return _long_name(draw, raw, i)
    if choice == "enum":
        path, values = draw(st.sampled_from([
            (_env_path(i, "cloud"), ["AWS", "amazon", "Azure", ""]),
            (_env_path(i, "credential_mode"), ["PAT", "token", "oauth2", ""]),
            (_env_path(i, "secret_placement"), ["repo", "env", "Environment"]),
            (_env_path(i, "git_provider"), ["github", "GitHub", "gitHubEnterprise ", "gitlab", ""]),
            (_env_path(i, "github_environment", "branch_policy"), ["protect", "all", "Protected"]),
            (_env_path(i, "token_usage", "mode"), ["groups", "perm", ""]),
        ]))
        return Mutation("not one of the allowed values", ((path, draw(st.sampled_from(values))),), path[-1])
    if choice == "account_id":
        edits = ((_env_path(i, "credential_mode"), "oidc"), (_env_path(i, "secret_placement"), DELETE),
                 (_env_path(i, "account"), {"host": ACCOUNT_HOSTS[env["cloud"]], "account_id": draw(st.sampled_from(["123", "not-a-uuid", "x" * 36]))}))
        return Mutation("bad account id", edits, "account_id")
    return _rule_mutation(draw, raw, i)


def _secret_in_name(draw, i: int, secret: str) -> Mutation:
    """`secret` pasted into a field that takes a name, login, path, URL or reason (or used as a key)."""
    grant = [{"principal": f"user:{secret}", "level": "CAN_EDIT"}]
    path, value, leaf = draw(st.sampled_from([
        (("project", "name"), secret, "name"),
        (("github", "owner"), secret, "owner"),
        (("github", "repository"), secret, "repository"),
        (_env_path(i, "name"), secret, "name"),
        (_env_path(i, "service_principal_name"), secret, "service_principal_name"),
        (_env_path(i, "project_directory"), f"/Users/{secret}/project", "project_directory"),
        (_env_path(i, "project_directory_grants"), grant, "project_directory_grants"),
        (_env_path(i, "git_username"), secret, "git_username"),
        (_env_path(i, "github_environment", "name"), secret, "name"),
        (_env_path(i, "github_environment", "reviewers", "users"), [secret], "users"),
        (_env_path(i, "github_environment", "reviewers", "teams"), [secret], "teams"),
        (_env_path(i, "github_environment", "branch_patterns"), [secret], "branch_patterns"),
        (_env_path(i, "token_usage"), {"mode": "group", "group": secret}, "group"),
        (_env_path(i, "token_usage"), {"mode": "permission", "keep_can_use": [secret]}, "keep_can_use"),
        (_env_path(i, "token_usage"), {"mode": "permission", "keep_can_use": [f"user:{secret}"]}, "keep_can_use"),
        (_env_path(i, "workspace_host"), f"https://{secret}@dbc-1234.cloud.databricks.com", "workspace_host"),
        (("github", "server_url"), f"https://{secret}@github.example.com", "server_url"),
        (("checks", "suppress"), [{"id": MLOPS009, "reason": f"the token {secret} is only for tests"}], "reason"),
        (_env_path(i, secret), "a key", "environments"),
    ]))
    edits: list = [(path, value)]
    if path[-1] == "token_usage":  # token use exists only in pat mode
        edits[:0] = [(_env_path(i, "cloud"), "aws"), (_env_path(i, "credential_mode"), "pat")]
    if path[-1] == "branch_patterns":
        edits[:0] = [(_env_path(i, "github_environment", "branch_policy"), "patterns")]
    return Mutation("secret in a name field", tuple(edits), leaf, secret=secret)


def _long_name(draw, raw: dict, i: int) -> Mutation:
    project = raw["project"]["name"]
    env = raw["environments"][i]["name"]
    scope_room = SCOPE_NAME_LIMIT - len(SCOPE_SUFFIX) - 1  # characters left for `<env>` + `<project>`
    choice = draw(st.sampled_from(["project", "env", "repository", "owner", "login", "github_environment"]))
    if choice == "project":
        return Mutation("name too long", ((("project", "name"), "p" * (scope_room - len(env) + 1)),), "name")
    if choice == "env":
        return Mutation("name too long", ((_env_path(i, "name"), "e" * (scope_room - len(project) + 1)),), "name")
    if choice == "repository":
        return Mutation("name too long", ((("github", "repository"), "r" * (GITHUB_REPOSITORY_LIMIT + 1)),), "repository")
    if choice == "owner":
        return Mutation("name too long", ((("github", "owner"), "o" * (GITHUB_LOGIN_LIMIT + 1)),), "owner")
    if choice == "login":
        return Mutation("name too long", ((_env_path(i, "github_environment", "reviewers", "users"), ["u" * (GITHUB_LOGIN_LIMIT + 1), "other"]),), "users")
    return Mutation("name too long", ((_env_path(i, "github_environment", "name"), "g" * (GITHUB_ENVIRONMENT_NAME_LIMIT + 1)),), "name")


def _rule_mutation(draw, raw: dict, i: int) -> Mutation:
    """A documented rule that spans fields or values, broken."""
    env = raw["environments"][i]
    other = raw["environments"][(i + 1) % len(raw["environments"])]
    cases = [
        Mutation("repository as owner/name", ((("github", "repository"), f"{raw['github']['owner']}/{raw['github']['repository']}"),), "repository"),
        Mutation("pat on azure", ((_env_path(i, "cloud"), "azure"), (_env_path(i, "credential_mode"), "pat"),
                                  (_env_path(i, "workspace_host"), "https://adb-1234567890123456.7.azuredatabricks.net")), "credential_mode"),
        Mutation("oidc without account", ((_env_path(i, "credential_mode"), "oidc"), (_env_path(i, "account"), DELETE),
                                          (_env_path(i, "secret_placement"), DELETE)), "account"),
        Mutation("oidc at repository level", ((_env_path(i, "credential_mode"), "oidc"), (_env_path(i, "secret_placement"), "repository"),
                                              (_env_path(i, "account"), {"host": ACCOUNT_HOSTS[env["cloud"]], "account_id": "00000000-0000-0000-0000-000000000000"})), "secret_placement"),
        Mutation("permission mode without keep_can_use", ((_env_path(i, "cloud"), "aws"), (_env_path(i, "credential_mode"), "pat"),
                                                          (_env_path(i, "token_usage"), {"mode": "permission"})), "keep_can_use"),
        Mutation("group:admins in keep_can_use", ((_env_path(i, "cloud"), "aws"), (_env_path(i, "credential_mode"), "pat"),
                                                  (_env_path(i, "token_usage"), {"mode": "permission", "keep_can_use": ["group:admins"]})), "keep_can_use"),
        Mutation("empty token group", ((_env_path(i, "cloud"), "aws"), (_env_path(i, "credential_mode"), "pat"),
                                       (_env_path(i, "token_usage"), {"mode": "group", "group": ""})), "group"),
        Mutation("patterns policy without patterns", ((_env_path(i, "github_environment", "branch_policy"), "patterns"),
                                                      (_env_path(i, "github_environment", "branch_patterns"), [])), "branch_patterns"),
        Mutation("patterns with another policy", ((_env_path(i, "github_environment", "branch_policy"), "protected"),
                                                  (_env_path(i, "github_environment", "branch_patterns"), ["main"])), "branch_patterns"),
        Mutation("too many reviewers", ((_env_path(i, "github_environment", "reviewers"), {"users": [f"reviewer{n}" for n in range(5)], "teams": ["team-a", "team-b"]}),), "reviewers"),
        Mutation("unknown shared_secrets_stack", ((("github", "shared_secrets_stack"), "no-such-" + env["name"][:40]),), "shared_secrets_stack"),
        Mutation("no environments", ((("environments",), []),), "environments"),
        Mutation("short suppression reason", ((("checks", "suppress"), [{"id": MLOPS009, "reason": "because"}]),), "reason"),
    ]
    if other is not env:
        cases.append(Mutation("duplicate environment name", ((_env_path(i, "name"), other["name"]),), "name"))
    return draw(st.sampled_from(cases))


def _known_fields() -> frozenset[str]:
    from mlops_cicd import config as cfg

    models = [cfg.Config, cfg.ProjectConfig, cfg.GitHubConfig, cfg.EnvironmentConfig, cfg.GitHubEnvironmentConfig,
              cfg.ReviewersConfig, cfg.TokenUsageConfig, cfg.ChecksConfig, cfg.Suppression, cfg.AccountConfig]
    return frozenset(name for model in models for name in model.model_fields)


_KNOWN_FIELDS = _known_fields()


def _paths_overlap(a: tuple, b: tuple) -> bool:
    shorter = min(len(a), len(b))
    return a[:shorter] == b[:shorter]


@st.composite
def invalid_configs(draw, first: str | None = None, max_mutations: int = 3) -> tuple[dict, list[Mutation]]:
    """A valid configuration with 1-`max_mutations` mutations on distinct fields, the first of kind
    `first` (one of MUTATION_KINDS; default: any)."""
    raw = draw(valid_configs())
    pristine = copy.deepcopy(raw)  # mutations are drawn against the valid file, applied in turn
    mutations: list[Mutation] = []
    for index in range(integer(draw, 1, max_mutations)):
        kind = first if index == 0 and first is not None else pick(draw, MUTATION_KINDS)
        mutation = _field_mutation(draw, pristine, kind)
        touched = [path for m in mutations for path, _ in m.edits]
        if any(_paths_overlap(path, other) for path, _ in mutation.edits for other in touched):
            continue  # keep each mutation's effect visible: no edit inside another's
        mutation.apply(raw)
        mutations.append(mutation)
    return raw, mutations


# ---------------------------------------------------------------- configurations the checks refuse

def _same_workspace(b: dict, a: dict) -> None:
    """Put environment `b` on `a`'s workspace, keeping `b` a valid environment there."""
    b.update(workspace_host=a["workspace_host"], cloud=a["cloud"])
    if b["cloud"] == "azure" and b.get("credential_mode", "pat") == "pat":
        b["credential_mode"] = "oauth"
        b.pop("token_usage", None)
    if b.get("token_usage", {}).get("mode") == "permission":
        b["token_usage"] = {"mode": "group"}  # one token permission per workspace (MLOPS007) is not the point


def _effective_github_environment(env: dict) -> str:
    return env.get("github_environment", {}).get("name") or env["name"]


def _case_variant(draw, name: str) -> str:
    flips = draw(st.lists(st.booleans(), min_size=len(name), max_size=len(name)))
    return "".join(c.upper() if flip else c for c, flip in zip(name, flips))


CONFLICTS = ("github environment", "directory", "service principal", "self review", "unprotected production",
             "local production state", "directory grants undecided")


@st.composite
def conflicting_configs(draw, what: str) -> tuple[dict, str]:
    """A valid configuration changed (`what`: one of CONFLICTS) so that a synth-time check must refuse it:
    (raw, the id of that check).

    Two environments made to own one real object (by its real name: GitHub compares environment names
    without case), or one environment made unsafe in a way only the synthesized stacks show.
    """
    raw = draw(valid_configs().filter(lambda r: len(r["environments"]) >= 2))
    envs = raw["environments"]
    a_index, b_index = draw(st.lists(_integers(0, len(envs) - 1), min_size=2, max_size=2, unique=True))
    a, b = envs[a_index], envs[b_index]
    if what == "github environment":
        b.setdefault("github_environment", {})["name"] = _case_variant(draw, _effective_github_environment(a))
        return raw, "MLOPS012"
    if what == "directory":
        _same_workspace(b, a)
        b["project_directory"] = a["project_directory"]
        return raw, "MLOPS012"
    if what == "service principal":
        _same_workspace(b, a)
        b["service_principal_name"] = a["service_principal_name"]
        return raw, "MLOPS012"
    if what == "self review":
        settings = b.setdefault("github_environment", {})
        settings.update(prevent_self_review=True, reviewers={"users": [draw(github_logins())]})
        return raw, "MLOPS013"
    if what == "unprotected production":
        b["production"] = True
        b.setdefault("github_environment", {}).update(reviewers={}, prevent_self_review=False)
        return raw, "MLOPS004"
    if what == "local production state":
        b["production"] = True
        b["backend"] = {"type": "local"}
        raw.get("checks", {}).pop("suppress", None)
        return raw, "MLOPS009"
    b.pop("project_directory_grants")
    return raw, "MLOPS014"


# ---------------------------------------------------------------- TOML

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _toml_string(text: str) -> str:
    # json.dumps escapes quotes, backslashes and C0 controls; TOML also forbids a raw DEL.
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007F")


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no TOML form for {type(value).__name__}")


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.match(key) else _toml_string(key)


def to_toml(raw: dict) -> str:
    """Each top-level entry as `key = <inline value>`: TOML 1.0, parsed back to `raw` by tomllib."""
    return "".join(f"{_toml_key(key)} = {_toml_value(value)}\n" for key, value in raw.items())
