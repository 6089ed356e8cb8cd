"""Typed configuration: the models, loading `mlops-cicd.toml`, and validation errors.

Validation runs in two stages, both before any construct is built:
1. structure (pydantic): missing and unknown fields, types, single-field rules such as https hosts;
2. consistency (`consistency_problems`): rules that span fields, such as rotation shorter than lifetime.
Every problem of a stage is reported at once, as one `ConfigError` naming each field and its fix.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal, Union
from urllib.parse import urlparse

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from .principals import DEFAULT_TOKEN_GROUP, token_principal_problem
from .secret_patterns import shown

DEFAULT_CONFIG_FILE = "mlops-cicd.toml"
MAX_TOKEN_LIFETIME_DAYS = 730  # Databricks workspace limit maxTokenLifetimeDays is 1-730

_SLUG = r"^[a-z][a-z0-9-]*[a-z0-9]$"


def _https_url(value: str) -> str:
    parsed = urlparse(value)
    if parsed.scheme != "https" or not parsed.netloc:
        raise ValueError(f"must be an https:// URL such as https://dbc-1234.cloud.databricks.com, got {shown(value)}")
    return value.rstrip("/")


HttpsUrl = Annotated[str, AfterValidator(_https_url)]


class _Model(BaseModel):
    # Unknown fields are errors: a misspelt option must not be silently ignored.
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProjectConfig(_Model):
    name: Annotated[str, Field(pattern=_SLUG)]
    """Project name, used in resource names such as `<env>-<project>-cd-credentials`."""


class GitHubConfig(_Model):
    owner: Annotated[str, Field(min_length=1)]
    repository: Annotated[str, Field(min_length=1)]
    server_url: HttpsUrl = "https://github.com"
    """GitHub server; set it for GitHub Enterprise Server (the provider's base URL is derived from it)."""
    shared_secrets_stack: str | None = None
    """The one stack that writes repository-level secrets shared by all stacks
    (`TRIGGER_WORKFLOWS_GITHUB_TOKEN`). Default: the first environment."""


class TokenUsageConfig(_Model):
    """How the service principal is allowed to use tokens.

    `group` (default): membership of an existing group that already has token CAN_USE.
    `permission`: manage the workspace's token permission object. It is authoritative: every principal
    not listed in `keep_can_use` loses token use and has its tokens revoked, so listing them is required.
    """

    mode: Literal["group", "permission"] = "group"
    group: str = DEFAULT_TOKEN_GROUP
    keep_can_use: list[str] = []
    """`group:<name>`, `user:<email>` or `service_principal:<application id>` entries."""


class ReviewersConfig(_Model):
    users: list[str] = []
    """GitHub logins, resolved to numeric ids at deploy time."""
    teams: list[str] = []
    """Team slugs in the repository owner's organization."""


class GitHubEnvironmentConfig(_Model):
    """The GitHub environment of one Databricks environment. Unset fields take the defaults of the
    environment's class: production (`prevent_self_review`, no admin bypass, protected branches only)
    or not (none of those)."""

    name: str | None = None
    reviewers: ReviewersConfig = ReviewersConfig()
    prevent_self_review: bool | None = None
    can_admins_bypass: bool | None = None
    wait_timer_minutes: Annotated[int, Field(ge=0, le=43200)] = 0
    branch_policy: Literal["protected", "patterns", "any"] | None = None
    branch_patterns: list[str] = []


class LocalBackend(_Model):
    type: Literal["local"] = "local"
    path: str | None = None
    """Default `terraform.<env>.tfstate`."""


class S3Backend(_Model):
    type: Literal["s3"]
    bucket: Annotated[str, Field(min_length=3)]
    region: Annotated[str, Field(min_length=1)]
    dynamodb_table: str | None = None
    """Use a DynamoDB lock table instead of S3's native lock file."""
    encrypt: bool = True


class AzurermBackend(_Model):
    type: Literal["azurerm"]
    resource_group_name: Annotated[str, Field(min_length=1)]
    storage_account_name: Annotated[str, Field(pattern=r"^[a-z0-9]{3,24}$")]
    container_name: Annotated[str, Field(min_length=3)]


class GcsBackend(_Model):
    type: Literal["gcs"]
    bucket: Annotated[str, Field(min_length=3)]


class PgBackend(_Model):
    """PostgreSQL; the connection string comes from the environment (`PG_CONN_STR`), never the file."""

    type: Literal["pg"]


class CloudBackend(_Model):
    """HCP Terraform / Terraform Enterprise; the token comes from `TF_TOKEN_<host>` or `terraform login`."""

    type: Literal["cloud"]
    organization: Annotated[str, Field(min_length=1)]
    hostname: str = "app.terraform.io"


Backend = Annotated[
    Union[LocalBackend, S3Backend, AzurermBackend, GcsBackend, PgBackend, CloudBackend],
    Field(discriminator="type"),
]


class AccountConfig(_Model):
    """Databricks account (needed by `oidc`: federation policies are account-level objects)."""

    host: HttpsUrl
    account_id: Annotated[str, Field(pattern=r"^[0-9a-f-]{36}$")]


class EnvironmentConfig(_Model):
    name: Annotated[str, Field(pattern=_SLUG)]
    workspace_host: HttpsUrl
    cloud: Literal["aws", "azure", "gcp"]
    project_directory: Annotated[str, Field(pattern=r"^/.+")]
    service_principal_name: Annotated[str, Field(min_length=1)]
    allow_cluster_create: bool = True
    production: bool | None = None
    """Production class of defaults; default: true for the environment named `prod`."""
    credential_mode: Literal["pat", "oauth", "oidc"] = "pat"
    token_lifetime_days: Annotated[int, Field(ge=1)] = 90
    rotation_days: Annotated[int, Field(ge=1)] = 60
    secret_placement: Literal["repository", "environment"] | None = None
    """Where the workspace credential lives in GitHub. Default: `environment` for production
    (released only after the environment's protection rules pass), `repository` otherwise."""
    token_usage: TokenUsageConfig = TokenUsageConfig()
    git_provider: str = "gitHub"
    git_username: str | None = None
    """User name stored with the SP's git credential. Default: the GitHub owner."""
    github_environment: GitHubEnvironmentConfig = GitHubEnvironmentConfig()
    backend: Backend = LocalBackend()
    account: AccountConfig | None = None

    @property
    def is_production(self) -> bool:
        return self.name == "prod" if self.production is None else self.production

    @property
    def placement(self) -> str:
        if self.secret_placement is not None:
            return self.secret_placement
        # OIDC tokens are bound to the GitHub environment, so its variables live there too.
        return "environment" if self.is_production or self.credential_mode == "oidc" else "repository"

    @property
    def github_environment_name(self) -> str:
        return self.github_environment.name or self.name


class Suppression(_Model):
    """Silence one synth-time check, with a written reason that is printed on every run."""

    id: Annotated[str, Field(min_length=1)]
    reason: Annotated[str, Field(min_length=10)]
    environment: str | None = None
    """Only in this environment's stack; default: every stack."""


class ChecksConfig(_Model):
    suppress: list[Suppression] = []
    expiry_warning_days: Annotated[int, Field(ge=0)] = 14
    """`status` warns about credentials that expire within this many days."""


class Config(_Model):
    project: ProjectConfig
    github: GitHubConfig
    environments: Annotated[list[EnvironmentConfig], Field(min_length=1)]
    checks: ChecksConfig = ChecksConfig()

    def environment(self, name: str) -> EnvironmentConfig:
        for env in self.environments:
            if env.name == name:
                return env
        known = ", ".join(e.name for e in self.environments)
        raise KeyError(f"no environment named {name!r} (known: {known})")

    @property
    def shared_secrets_stack(self) -> str:
        return self.github.shared_secrets_stack or self.environments[0].name


@dataclass(frozen=True)
class Problem:
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class ConfigError(Exception):
    """Every problem found in a configuration, each naming its field and the fix."""

    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        self.problems = problems
        count = f"{len(problems)} problem" + ("s" if len(problems) != 1 else "")
        lines = [f"{source}: {count}; nothing was synthesized:"] + [f"  - {p}" for p in problems]
        super().__init__("\n".join(lines))


def consistency_problems(config: Config) -> list[Problem]:
    """Rules spanning several fields; run only on a structurally valid configuration."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for env in config.environments:
        where = f"environments[{env.name}]"
        if env.name in seen:
            problems.append(Problem(f"{where}.name", f"duplicate environment name {env.name!r}: give each environment its own name"))
        seen.add(env.name)
        problems.extend(_environment_problems(env, where))
    shared = config.github.shared_secrets_stack
    if shared is not None and shared not in seen:
        problems.append(Problem("github.shared_secrets_stack", f"{shared!r} is not an environment; use one of: {', '.join(sorted(seen))}"))
    return problems


def _environment_problems(env: EnvironmentConfig, where: str) -> list[Problem]:
    problems = []
    if env.token_lifetime_days > MAX_TOKEN_LIFETIME_DAYS:
        problems.append(Problem(f"{where}.token_lifetime_days", f"{env.token_lifetime_days} is above the Databricks maximum of {MAX_TOKEN_LIFETIME_DAYS} days; use {MAX_TOKEN_LIFETIME_DAYS} or less"))
    if env.rotation_days >= env.token_lifetime_days:
        problems.append(Problem(f"{where}.rotation_days", f"rotation period ({env.rotation_days} days) must be shorter than token_lifetime_days ({env.token_lifetime_days}), or CI breaks when the token expires before it is replaced; e.g. rotation_days = {max(1, env.token_lifetime_days * 2 // 3)}"))
    if env.cloud == "azure" and env.credential_mode == "pat":
        problems.append(Problem(f"{where}.credential_mode", "workspace PATs on behalf of a service principal (databricks_obo_token) do not exist on Azure; use credential_mode = \"oauth\" or \"oidc\""))
    if env.credential_mode == "oidc" and env.account is None:
        problems.append(Problem(f"{where}.account", "credential_mode = \"oidc\" needs the Databricks account: add [environments.account] with host and account_id"))
    if env.credential_mode == "oidc" and env.secret_placement == "repository":
        problems.append(Problem(f"{where}.secret_placement", "credential_mode = \"oidc\" federates jobs of the GitHub environment only; use secret_placement = \"environment\" or remove it"))
    usage = env.token_usage
    if usage.mode == "permission" and not usage.keep_can_use:
        problems.append(Problem(f"{where}.token_usage.keep_can_use", "mode = \"permission\" replaces the workspace's whole token permission: list every principal that must keep CAN_USE (e.g. \"group:data-engineers\"), or use mode = \"group\""))
    for entry in usage.keep_can_use:
        if (problem := token_principal_problem(entry)) is not None:
            problems.append(Problem(f"{where}.token_usage.keep_can_use", problem))
    gh = env.github_environment
    if gh.branch_policy == "patterns" and not gh.branch_patterns:
        problems.append(Problem(f"{where}.github_environment.branch_patterns", "branch_policy = \"patterns\" needs at least one pattern, e.g. [\"main\", \"release/*\"]"))
    if gh.branch_patterns and gh.branch_policy not in (None, "patterns"):
        problems.append(Problem(f"{where}.github_environment.branch_patterns", f"patterns are only used with branch_policy = \"patterns\" (it is {gh.branch_policy!r}); remove them or change the policy"))
    return problems


_SECRET_LIKE = re.compile(r"token|secret|password|pat$", re.I)


def _pydantic_problems(error: ValidationError, raw: dict) -> list[Problem]:
    problems = []
    for item in error.errors():
        field = _field_path(item["loc"], raw)
        kind = item["type"]
        leaf = str(item["loc"][-1]) if item["loc"] else ""
        if kind == "missing":
            message = "required field is missing; add it"
        elif kind == "extra_forbidden":
            message = "unknown field; remove it or fix its spelling"
            if _SECRET_LIKE.search(leaf):
                message += " (secrets never live in this file: set them through TF_VAR_* variables, see README)"
        elif kind == "literal_error":
            message = f"{item['msg'].lower()}, got {shown(item['input'])}"
        else:
            message = item["msg"].removeprefix("Value error, ")
        problems.append(Problem(field, message))
    return problems


def _field_path(loc: tuple, raw: dict) -> str:
    """`('environments', 1, 'workspace_host')` -> `environments[prod].workspace_host`."""
    parts: list[str] = []
    node = raw
    for step in loc:
        if isinstance(step, int):
            name = node[step].get("name") if isinstance(node, list) and step < len(node) and isinstance(node[step], dict) else None
            parts[-1] += f"[{name or step}]"
            node = node[step] if isinstance(node, list) and step < len(node) else None
        elif step in ("local", "s3", "azurerm", "gcs", "pg", "cloud") and parts and parts[-1] == "backend":
            continue  # pydantic names the union member; the user's file does not
        else:
            parts.append(str(step))
            node = node.get(step) if isinstance(node, dict) else None
    return ".".join(parts) or "(file)"


def parse_config(raw: dict, source: str = DEFAULT_CONFIG_FILE) -> Config:
    try:
        config = Config.model_validate(raw)
    except ValidationError as error:
        raise ConfigError(source, _pydantic_problems(error, raw)) from None
    problems = consistency_problems(config)
    if problems:
        raise ConfigError(source, problems)
    return config


def load_config(path: str | Path = DEFAULT_CONFIG_FILE) -> Config:
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise ConfigError(str(path), [Problem("(file)", "not found; create it (see README) or pass --config")]) from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(str(path), [Problem("(file)", f"not valid TOML: {error}")]) from None
    return parse_config(raw, str(path))
