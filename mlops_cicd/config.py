"""Typed configuration: the models, loading `mlops-cicd.toml`, and validation errors.

Validation runs in two stages, both before any construct is built:
1. secrets and structure: no value holds a credential or a TF_VAR_* value (`_secret_problems`); then
   pydantic: missing and unknown fields, strict types, single-field rules (names.py: hosts, logins, ...);
2. consistency (`consistency_problems`): rules that span fields, such as rotation shorter than lifetime.
Every problem of a stage is reported at once, as one `ConfigError` naming each field and its fix; no
message repeats a secret (each is redacted on the way out).
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Callable, Literal, Mapping, Union, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr, StrictBool, StrictInt, ValidationError

from . import backend_names, github_names, names
from .directory_grants import DirectoryGrants
from .passed_in import passed_in_values, secret_in
from .principals import DEFAULT_TOKEN_GROUP, role_principal_problem, token_principal_problem
from .secret_patterns import redact, shown

DEFAULT_CONFIG_FILE = "mlops-cicd.toml"
MAX_TOKEN_LIFETIME_DAYS = 730  # Databricks workspace limit maxTokenLifetimeDays is 1-730

_SLUG = re.compile(r"[a-z][a-z0-9-]*[a-z0-9]")


def _rule(problem: Callable[[str], str | None]) -> AfterValidator:
    """A pydantic validator from a `*_problem` function (None: accepted; else why not)."""
    def check(value: str) -> str:
        if (why := problem(value)) is not None:
            raise ValueError(why)
        return value
    return AfterValidator(check)


def _slug_problem(value: str) -> str | None:
    if not _SLUG.fullmatch(value):
        return "must be lower-case letters, digits and '-', starting with a letter and not ending with '-'"
    return None


def _https_origin(example: str) -> AfterValidator:
    return AfterValidator(lambda value: names.https_origin(value, example))


def _github_server(value: str) -> str:
    origin = names.https_origin(value, names.GITHUB_COM + " or https://github.example.com")
    if (problem := names.github_server_problem(origin)) is not None:
        raise ValueError(problem)
    return origin


Slug = Annotated[str, _rule(_slug_problem)]
Text = Annotated[str, _rule(names.text_problem)]
WorkspaceHost = Annotated[str, _https_origin("https://dbc-1234.cloud.databricks.com")]
AccountHost = Annotated[str, _https_origin("https://accounts.cloud.databricks.com")]
GitHubLogin = Annotated[str, _rule(names.github_login_problem)]
TeamSlug = Annotated[str, _rule(names.github_team_slug_problem)]


class _Model(BaseModel):
    # Unknown fields are errors: a misspelt option must not be silently ignored.
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProjectConfig(_Model):
    name: Slug
    """Project name, used in resource names such as `<env>-<project>-cd-credentials`."""


class GitHubConfig(_Model):
    owner: GitHubLogin
    """The user or organization that owns the repository."""
    repository: Annotated[str, _rule(names.github_repository_problem)]
    """The repository's name alone (not `owner/name`)."""
    server_url: Annotated[str, AfterValidator(_github_server)] = names.GITHUB_COM
    """GitHub server; set it for GitHub Enterprise Server (the provider's base URL is derived from it).
    Only `https://host[:port]`: the provider appends the API path itself."""
    shared_secrets_stack: str | None = None
    """The one stack that writes repository-level secrets shared by all stacks
    (`TRIGGER_WORKFLOWS_GITHUB_TOKEN`). Default: the first environment."""
    oidc_subject: Literal["immutable", "names"] | None = None
    """The form of the `sub` claim in this repository's GitHub Actions OIDC tokens, which a `credential_mode =
    "oidc"` federation policy must match exactly: `immutable` (`repo:<owner>@<owner_id>/<repo>@<repo_id>:...`;
    repositories on github.com created, renamed or transferred after 2026-07-15, or opted in) or `names`
    (`repo:<owner>/<repo>:...`). Required for `oidc` on github.com; GitHub Enterprise Server only has `names`."""
    owner_id: Annotated[StrictInt, Field(ge=1)] | None = None
    """The owner's numeric GitHub id (`oidc_subject = "immutable"` only)."""
    repository_id: Annotated[StrictInt, Field(ge=1)] | None = None
    """The repository's numeric GitHub id (`oidc_subject = "immutable"` only)."""


class TokenUsageConfig(_Model):
    """How the service principal is allowed to use tokens.

    `group` (default): membership of an existing group that already has token CAN_USE.
    `permission`: manage the workspace's token permission object. It is authoritative: every principal
    not listed in `keep_can_use` loses token use and has its tokens revoked, so listing them is required.
    """

    mode: Literal["group", "permission"] = "group"
    group: Annotated[str, _rule(names.token_group_problem)] = DEFAULT_TOKEN_GROUP
    keep_can_use: list[str] = []
    """`group:<name>`, `user:<email>` or `service_principal:<application id>` entries."""


class ReviewersConfig(_Model):
    users: list[GitHubLogin] = []
    """GitHub logins, resolved to numeric ids at deploy time."""
    teams: list[TeamSlug] = []
    """Team slugs in the repository owner's organization."""


class GitHubEnvironmentConfig(_Model):
    """The GitHub environment of one Databricks environment. Unset fields take the defaults of the
    environment's class: production (`prevent_self_review`, no admin bypass, protected branches only)
    or not (none of those)."""

    name: Annotated[str, _rule(names.github_environment_problem)] | None = None
    reviewers: ReviewersConfig = ReviewersConfig()
    prevent_self_review: StrictBool | None = None
    can_admins_bypass: StrictBool | None = None
    # github/resource_github_repository_environment.go v6.9.0: wait_timer IntBetween(0, 43200).
    wait_timer_minutes: Annotated[StrictInt, Field(ge=0, le=43200)] = 0
    branch_policy: Literal["protected", "patterns", "any"] | None = None
    branch_patterns: list[Text] = []


class LocalBackend(_Model):
    """A state file on this machine, for trying things out (it holds live tokens in plain text)."""

    type: Literal["local"] = "local"
    path: Text | None = None
    """Relative to the configuration file's directory. Default `.mlops-cicd/state/<project>/<env>.tfstate` there,
    outside every generated directory; synth keeps its directory readable by the owner only."""


class S3Backend(_Model):
    type: Literal["s3"]
    bucket: Annotated[str, _rule(backend_names.s3_bucket_problem)]
    region: Annotated[str, _rule(backend_names.aws_region_problem)]
    dynamodb_table: str | None = None
    """Use a DynamoDB lock table instead of S3's native lock file."""
    encrypt: StrictBool = True


class AzurermBackend(_Model):
    type: Literal["azurerm"]
    resource_group_name: Annotated[str, Field(min_length=1)]
    storage_account_name: Annotated[str, Field(pattern=r"^[a-z0-9]{3,24}$")]
    container_name: Annotated[str, _rule(backend_names.azure_container_problem)]


class GcsBackend(_Model):
    type: Literal["gcs"]
    bucket: Annotated[str, _rule(backend_names.gcs_bucket_problem)]


class PgBackend(_Model):
    """PostgreSQL; the connection string comes from the environment (`PG_CONN_STR`), never the file."""

    type: Literal["pg"]


class CloudBackend(_Model):
    """HCP Terraform / Terraform Enterprise; the token comes from `TF_TOKEN_<host>` or `terraform login`."""

    type: Literal["cloud"]
    organization: Annotated[str, _rule(backend_names.hcp_organization_problem)]
    hostname: Annotated[str, _rule(backend_names.hostname_problem)] = "app.terraform.io"


Backend = Annotated[
    Union[LocalBackend, S3Backend, AzurermBackend, GcsBackend, PgBackend, CloudBackend],
    Field(discriminator="type"),
]


class AccountConfig(_Model):
    """Databricks account (needed by `oidc`: federation policies are account-level objects)."""

    host: AccountHost
    account_id: Annotated[str, Field(pattern=r"^[0-9a-f-]{36}$")]


RolePrincipal = Annotated[str, _rule(role_principal_problem)]


class ServicePrincipalRolesConfig(_Model):
    """Account-level roles on the environment's service principal, in its rule set (managed by the stack; it is
    authoritative: these become the only grants on the SP, the creator's own manager role included)."""

    managers: Annotated[list[RolePrincipal], Field(min_length=1)]
    """Who may manage the SP's roles and its git credential: every identity that deploys this stack must be
    one, or be in a group listed here (e.g. `group:mlops-deployers`)."""
    users: list[RolePrincipal] = []
    """Service Principal User grants that stay (who may run jobs as the SP)."""


class EnvironmentConfig(_Model):
    name: Slug
    workspace_host: WorkspaceHost
    cloud: Literal["aws", "azure", "gcp"]
    project_directory: Annotated[str, _rule(names.workspace_path_problem)]
    project_directory_grants: DirectoryGrants | None = None
    """Direct grants on `project_directory` that stay, e.g. `[{ principal = "group:data-scientists",
    level = "CAN_EDIT" }]`; `[]`: no other direct grant to keep. Its permission list is authoritative, so
    unset is a check error (MLOPS014): say which grants stay."""
    service_principal_name: Text
    allow_cluster_create: StrictBool = True
    production: StrictBool | None = None
    """Production class of defaults; default: true for the environment named `prod`."""
    credential_mode: Literal["pat", "oauth", "oidc"] = "pat"
    token_lifetime_days: Annotated[StrictInt, Field(ge=1)] = 90
    rotation_days: Annotated[StrictInt, Field(ge=1)] = 60
    secret_placement: Literal["repository", "environment"] | None = None
    """Where the workspace credential lives in GitHub. Default: `environment` for production
    (released only after the environment's protection rules pass), `repository` otherwise."""
    token_usage: TokenUsageConfig = TokenUsageConfig()
    git_provider: Annotated[str, _rule(names.git_provider_problem)] | None = None
    """Databricks git provider of the SP's git credential. Default: `gitHub` for github.com,
    `gitHubEnterprise` for any other `github.server_url` (see `Config.git_provider_of`)."""
    git_username: Text | None = None
    """User name stored with the SP's git credential. Default: the GitHub owner."""
    github_environment: GitHubEnvironmentConfig = GitHubEnvironmentConfig()
    backend: Backend = LocalBackend()
    account: AccountConfig | None = None
    service_principal_roles: ServicePrincipalRolesConfig | None = None
    """Manage the SP's roles (needs [environments.account]); unset: its creator stays its only manager."""
    github_names: dict[str, str] = {}
    """The names of the GitHub secrets and variables this environment writes, by their default name, for a project
    whose workflows already read others, e.g. `{ PROD_WORKSPACE_TOKEN = "DATABRICKS_TOKEN" }` (github_names.py)."""

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


# A Terraform address as the checks show it (`type.name`, `data.type.name`, `output.name`, `terraform.backend`),
# with fnmatch's wildcards `*`, `?` and `[...]`.
_ADDRESS_GLOB = re.compile(r"[A-Za-z0-9_*?!\[\]-]+(?:\.[A-Za-z0-9_*?!\[\]-]+)+")
_ADDRESS_EXAMPLE = "e.g. \"databricks_obo_token.*\" or \"github_repository_environment.prod_environment\""


def _address_glob_problem(glob: str) -> str | None:
    """Why `glob` cannot name the Terraform address of a finding (None: it can)."""
    if glob.startswith("resource.") and _ADDRESS_GLOB.fullmatch(glob):
        return (f"{shown(glob)} is a path in cdk.tf.json, not an address: write "
                f"{shown(glob.removeprefix('resource.'))} (the address a finding shows after `at:`)")
    if _ADDRESS_GLOB.fullmatch(glob) and glob.count("[") == glob.count("]"):
        return _wildcard_type_problem(glob)
    if re.fullmatch(r"[A-Za-z0-9_]+", glob):
        return (f"{shown(glob)} is a resource type, not an address: write {shown(glob + '.*')} for every "
                "resource of that type")
    return (f"{shown(glob)} is not a Terraform address glob: write the address a finding shows after `at:` "
            f"(type.name), with *, ? or [...] as wildcards and no spaces, braces or unclosed '[' ({_ADDRESS_EXAMPLE})")


# Checks no suppression may silence, and why: each finds a secret already written where it leaks, which a
# suppression would only hide.
NEVER_SUPPRESSED = {
    "MLOPS001": "a literal secret in the synthesized JSON is already on disk, and a deploy copies it into the "
                "state and the plan logs; move it to a TF_VAR_* variable and revoke it",
    "MLOPS008": "an output that is not sensitive prints its secret in every plan and apply log and in "
                "`terraform output`; mark the output sensitive",
}


def _wildcard_type_problem(glob: str) -> str | None:
    """A glob whose resource type has a wildcard matches addresses of types nobody looked at (`*.*`: all)."""
    parts = glob.split(".")
    resource_type = parts[1] if parts[0] == "data" else parts[0]
    if not re.search(r"[*?\[]", resource_type):
        return None
    return (f"{shown(glob)} has a wildcard in its resource type, so it silences findings about any type it "
            f"happens to match: write the resource type literally, wildcards only in the name ({_ADDRESS_EXAMPLE})")


def _suppressible_problem(check_id: str) -> str | None:
    if (why := NEVER_SUPPRESSED.get(check_id)) is None:
        return None
    return f"{check_id} cannot be suppressed: {why}; then remove this [[checks.suppress]] entry"


class Suppression(_Model):
    """Silence one synth-time check, with a written reason that is printed on every run."""

    id: Annotated[str, Field(min_length=1), _rule(_suppressible_problem)]
    """A check id (`mlops-cicd check --list`); not one of NEVER_SUPPRESSED."""
    reason: Annotated[str, Field(min_length=10)]
    environment: str | None = None
    """Only in this environment's stack; default: every stack. Required with `resource`."""
    resource: Annotated[str, _rule(_address_glob_problem)] | None = None
    """Only findings about a Terraform address matching this glob (`fnmatch`, case-sensitive), whose resource
    type is literal, e.g. `databricks_obo_token.*`; default: any. Each finding shows its address (`at:`)."""


def suppression_problems(suppressions: list[Suppression], environments: list[str],
                         where: str = "checks.suppress") -> list[Problem]:
    """The environment each suppression names: one of `environments`, and always one when it names a resource (an
    address is the same in every stack, so one copied from staging's `at:` line would silence prod too)."""
    problems, known = [], ", ".join(environments)
    for index, suppression in enumerate(suppressions):
        field = f"{where}[{index}].environment"
        if suppression.resource is not None and suppression.environment is None:
            example = f'environment = "{environments[0]}"' if environments else 'environment = "<stack name>"'
            problems.append(Problem(field, f"resource = {shown(suppression.resource)} would silence {suppression.id} "
                                    f"at that address in every stack: name the one stack it is about, e.g. {example} "
                                    f"(environments: {known})"))
        elif suppression.environment is not None and suppression.environment not in environments:
            problems.append(Problem(field, f"{shown(suppression.environment)} is not an environment; use one of: {known}"))
    return problems


class ChecksConfig(_Model):
    suppress: list[Suppression] = []
    expiry_warning_days: Annotated[StrictInt, Field(ge=0, le=MAX_TOKEN_LIFETIME_DAYS)] = 14
    """`status` warns about credentials that expire within this many days (no credential lives longer
    than the 730-day token maximum, so a larger window means nothing)."""


class Config(_Model):
    """A whole `mlops-cicd.toml`, validated: the project, its GitHub repository, one entry per environment (each
    becomes a stack of its own) and the synth-time checks' settings.

    Build it with `load_config(path)` or `parse_config(dict)`, which report every problem at once; the model is
    frozen. Look up one environment with `environment(name)`.
    """

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

    def environment_of_stack(self, stack: str) -> EnvironmentConfig:
        """The environment whose stack is `stack` (its name; in a platform repository `<project>-<env>`, where
        `eu-prod` may be the stack of environment `prod` and also the name of another environment)."""
        for env in self.environments:
            if self.stack_name(env.name) == stack:
                return env
        raise KeyError(f"no stack named {stack!r} (known: {', '.join(self.stack_names)})")

    def stack_name(self, environment: str) -> str:
        """The stack of `environment` (its cdktf id and directory under `stacks/`): the environment's name, or in a
        platform repository `<project>-<env>` (`cdktf deploy 'proj-a-*'` deploys one project)."""
        return self._stack_prefix + environment

    @property
    def stack_names(self) -> list[str]:
        return [self.stack_name(env.name) for env in self.environments]

    @property
    def shared_secrets_stack(self) -> str:
        return self.github.shared_secrets_stack or self.environments[0].name

    def git_provider_of(self, env: EnvironmentConfig) -> str:
        """`env.git_provider`, else the one of the repository's server (gitHub or gitHubEnterprise)."""
        return env.git_provider or names.git_provider_for(self.github.server_url)

    _source: Path | None = PrivateAttr(default=None)
    _stack_prefix: str = PrivateAttr(default="")
    _base_directory: Path | None = PrivateAttr(default=None)
    _platform_file: Path | None = PrivateAttr(default=None)

    @property
    def source(self) -> Path | None:
        """The file this configuration was loaded from (absolute), or None when it was built in code."""
        return self._source

    @property
    def directory(self) -> Path:
        """What relative paths in the configuration (a local state path) are relative to: the
        directory of its file, else the current directory."""
        if self._base_directory is not None:
            return self._base_directory
        return self._source.parent if self._source else Path.cwd().resolve()

    def loaded_from(self, path: str | Path) -> "Config":
        """This configuration, as read from the file `path`."""
        located = self.model_copy()
        located._source = Path(path).resolve()
        return located

    def in_platform(self, platform_file: str | Path) -> "Config":
        """This project of the platform repository whose configuration file is `platform_file`: stacks
        `<project>-<env>`, and relative paths (local state) relative to that file's directory, where every project
        keeps its state under `.mlops-cicd/state/<project>/`."""
        member = self.model_copy()
        member._platform_file = Path(platform_file).resolve()
        member._stack_prefix, member._base_directory = f"{self.project.name}-", member._platform_file.parent
        return member

    @property
    def owner_file(self) -> Path | None:
        """The configuration file whose output (synthesized stacks, rehearsal) this project's stacks are part of: the
        platform repository's file for one of its projects, else `source`."""
        return self._platform_file or self._source


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
        problems.extend(_name_problems(config, env, where))
    problems.extend(_oidc_subject_problems(config))
    problems.extend(suppression_problems(config.checks.suppress, [env.name for env in config.environments]))
    shared = config.github.shared_secrets_stack
    if shared is not None and shared not in seen:
        problems.append(Problem("github.shared_secrets_stack", f"{shown(shared)} is not an environment; use one of: {', '.join(sorted(seen))}"))
    return problems


def _consistency_of_valid_parts(raw: object) -> list[Problem]:
    """`consistency_problems` of a structurally invalid file, over its parts that are valid on their own: project
    and github, and each environment that validates alone (so one round reports both kinds of problem)."""
    if not isinstance(raw, dict) or not isinstance(raw.get("environments"), list):
        return []
    try:
        project, github = ProjectConfig.model_validate(raw.get("project")), GitHubConfig.model_validate(raw.get("github"))
    except ValidationError:
        return []  # the names these rules check derive from both
    environments = []
    for item in raw["environments"]:
        try:
            environments.append(EnvironmentConfig.model_validate(item))
        except ValidationError:
            continue
    problems = consistency_problems(Config.model_construct(project=project, github=github, environments=environments))
    if len(environments) < len(raw["environments"]):
        # shared_secrets_stack may name an environment left out here
        problems = [p for p in problems if p.field != "github.shared_secrets_stack"]
    return problems


def _name_problems(config: Config, env: EnvironmentConfig, where: str) -> list[Problem]:
    """Names GitHub and Databricks derive from this environment, and lists they limit."""
    problems = []
    scope = names.cd_credentials_scope_name(env.name, config.project.name)
    if (problem := names.secret_scope_problem(scope)) is not None:
        over = len(scope) - names.SECRET_SCOPE_MAX
        problems.append(Problem(f"{where}.name", f"the secret scope name <env>-<project>-cd-credentials {problem}: shorten this name or project.name by {over} character(s) together"))
    if f"{github_names.env_prefix(env.name)}_".startswith(names.GITHUB_RESERVED_SECRET_PREFIX):
        problems.append(Problem(f"{where}.name", "the environment's GitHub secrets and variables would start with GITHUB_, which GitHub reserves; choose another name"))
    problems.extend(_github_names_problems(config, env, where))
    provider = config.git_provider_of(env)
    expected = names.git_provider_for(config.github.server_url)
    if provider != expected:
        server = "github.com" if expected == "gitHub" else "a GitHub Enterprise Server"
        problems.append(Problem(f"{where}.git_provider", f"github.server_url is {server}, whose Databricks git provider is \"{expected}\": set git_provider = \"{expected}\" or remove it"))
    reviewers = env.github_environment.reviewers
    if len(reviewers.users) + len(reviewers.teams) > names.GITHUB_MAX_REVIEWERS:
        problems.append(Problem(f"{where}.github_environment.reviewers", f"GitHub allows at most {names.GITHUB_MAX_REVIEWERS} reviewers (users and teams together); keep {names.GITHUB_MAX_REVIEWERS} or fewer, e.g. replace several users by a team"))
    lists = (("reviewers.users", [u.lower() for u in reviewers.users], "GitHub logins ignore case"),
             ("reviewers.teams", reviewers.teams, ""),
             ("branch_patterns", env.github_environment.branch_patterns, ""))
    for field, values, why in lists:
        repeated = [f"{field}[{i}]" for i, value in enumerate(values) if values.index(value) != i]
        if repeated:
            problems.append(Problem(f"{where}.github_environment.{field}", f"{', '.join(repeated)} repeat(s) an earlier entry{' (' + why + ')' if why else ''}; list each once"))
    return problems


_OIDC_SUBJECT_CHOICE = (
    "credential_mode = \"oidc\" trusts one exact `sub` claim, and GitHub sends one of two forms: set oidc_subject = "
    "\"immutable\" if the repository was created, renamed or transferred on github.com after 2026-07-15 or opted in "
    "to immutable subject claims (organization or repository OIDC settings), else \"names\"")
_IDS_COMMAND = "gh api repos/{owner}/{repository} --jq '.owner.id, .id'"


def _oidc_subject_problems(config: Config) -> list[Problem]:
    """github.oidc_subject and the ids the immutable form needs (GitHub docs, OIDC reference, "Immutable
    subject claims": github.com only, `repo:OWNER@OWNER-ID/REPO@REPO-ID:...`)."""
    gh, problems = config.github, []
    uses_oidc = any(env.credential_mode == "oidc" for env in config.environments)
    on_github_com = gh.server_url == names.GITHUB_COM
    if uses_oidc and on_github_com and gh.oidc_subject is None:
        problems.append(Problem("github.oidc_subject", _OIDC_SUBJECT_CHOICE))
    if gh.oidc_subject == "immutable" and not on_github_com:
        problems.append(Problem("github.oidc_subject", "GitHub Enterprise Server has no immutable subject claims: use \"names\" or remove it"))
    if gh.oidc_subject == "immutable":
        ids = _IDS_COMMAND.format(owner=gh.owner, repository=gh.repository)
        for field in ("owner_id", "repository_id"):
            if getattr(gh, field) is None:
                problems.append(Problem(f"github.{field}", f"oidc_subject = \"immutable\" needs the numeric {field.removesuffix('_id')} id GitHub puts in the `sub` claim; `{ids}` prints owner_id, then repository_id"))
    else:
        for field in ("owner_id", "repository_id"):
            if getattr(gh, field) is not None:
                problems.append(Problem(f"github.{field}", "only the immutable subject form carries ids: set oidc_subject = \"immutable\" or remove it"))
    return problems


def _github_names_problems(config: Config, env: EnvironmentConfig, where: str) -> list[Problem]:
    """`github_names` renames names this environment writes, each to a name GitHub accepts, no two to one."""
    problems, field = [], f"{where}.github_names"
    defaults = github_names.written_names(env.name, env.credential_mode, env.placement,
                                          env.name == config.shared_secrets_stack)
    for default, name in env.github_names.items():
        if default not in defaults:
            problems.append(Problem(f"{field}.{default}", f"this environment writes no secret or variable of that name "
                                    f"(credential_mode = \"{env.credential_mode}\", {env.placement} level); rename one "
                                    f"of: {', '.join(defaults)}"))
        elif (problem := github_names.name_problem(name)) is not None:
            problems.append(Problem(f"{field}.{default}", problem))
    written = [github_names.renamed(env.github_names, name).upper() for name in defaults]
    clashes = sorted({name for name in written if written.count(name) > 1})
    if clashes:
        problems.append(Problem(field, f"two secrets or variables would be written as {', '.join(clashes)} (GitHub "
                                "ignores case): give each its own name"))
    return problems


# An error, not a silent no-op: the setting only makes sense for PATs, and switching a stack that managed the
# token permission (mode = "permission") away from pat destroys that permission, which leaves token use to
# workspace admins only. The user should see that and remove the section on purpose.
_TOKEN_USAGE_OUTSIDE_PAT = (
    "token use is granted only with credential_mode = \"pat\"; with credential_mode = \"{mode}\" the service "
    "principal needs none, and a grant would let anything running as it mint personal access tokens: remove "
    "[environments.token_usage] (a token permission managed with mode = \"permission\" is then destroyed, which "
    "leaves token use to workspace admins only)"
)


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
    if env.service_principal_roles is not None and env.account is None:
        problems.append(Problem(f"{where}.account", "service_principal_roles live in the SP's account-level rule set "
                                "(accounts/<account_id>/servicePrincipals/...): add [environments.account] with host and account_id"))
    if env.credential_mode == "oidc" and env.secret_placement == "repository":
        problems.append(Problem(f"{where}.secret_placement", "credential_mode = \"oidc\" federates jobs of the GitHub environment only; use secret_placement = \"environment\" or remove it"))
    usage = env.token_usage
    if env.credential_mode != "pat" and "token_usage" in env.model_fields_set:
        problems.append(Problem(f"{where}.token_usage", _TOKEN_USAGE_OUTSIDE_PAT.format(mode=env.credential_mode)))
    else:
        if usage.mode == "permission" and not usage.keep_can_use:
            problems.append(Problem(f"{where}.token_usage.keep_can_use", "mode = \"permission\" replaces the workspace's whole token permission: list every principal that must keep CAN_USE (e.g. \"group:data-engineers\"), or use mode = \"group\""))
        for entry in usage.keep_can_use:
            if (problem := token_principal_problem(entry)) is not None:
                problems.append(Problem(f"{where}.token_usage.keep_can_use", problem))
    gh = env.github_environment
    if gh.branch_policy == "patterns" and not gh.branch_patterns:
        problems.append(Problem(f"{where}.github_environment.branch_patterns", "branch_policy = \"patterns\" needs at least one pattern, e.g. [\"main\", \"release/*\"]"))
    if gh.branch_patterns and gh.branch_policy != "patterns":
        # Unset means the environment's class default (protected or any), which ignores patterns.
        current = "unset" if gh.branch_policy is None else repr(gh.branch_policy)
        problems.append(Problem(f"{where}.github_environment.branch_patterns", f"patterns are only used with branch_policy = \"patterns\" (it is {current}); set branch_policy = \"patterns\" or remove them"))
    return problems


_SECRET_LIKE = re.compile(r"token|secret|password|pat$", re.I)
# pydantic's words for a wrong type, in the file's terms (never quoting the value)
_TYPE_MESSAGES = {
    "bool_type": "must be true or false, without quotes",
    "int_type": "must be a whole number, without quotes (e.g. 90)",
    "string_type": "must be a string in quotes",
    "list_type": "must be a list, e.g. [\"a\", \"b\"]",
    "model_type": "must be a table, e.g. [section] with its fields",
    "model_attributes_type": "must be a table, e.g. [section] with its fields",
    "dict_type": "must be a table, e.g. [section] with its fields",
}


def _pydantic_problems(error: ValidationError, raw: dict) -> list[Problem]:
    problems = []
    for item in error.errors():
        field = _field_path(item["loc"], raw)
        kind = item["type"]
        if kind == "missing":
            message = "required field is missing; add it"
        elif kind == "extra_forbidden":
            # Its loc always ends with the unknown key.
            message = "unknown field; remove it or fix its spelling"
            if (known := _fields_at(item["loc"][:-1])) is not None:
                message += f" (the fields here: {', '.join(known)})"
            if _SECRET_LIKE.search(str(item["loc"][-1])):
                message += " (secrets never live in this file: set them through TF_VAR_* variables, see README)"
        elif kind == "literal_error":
            # Lower-case only the first letter: the allowed values are case-sensitive ('CAN_EDIT').
            message = f"{item['msg'][:1].lower()}{item['msg'][1:]}, got {shown(item['input'])}"
        elif kind in _TYPE_MESSAGES:
            message = _TYPE_MESSAGES[kind]
        else:
            message = item["msg"].removeprefix("Value error, ")
        problems.append(Problem(field, message))
    return problems


def _fields_at(loc: tuple) -> list[str] | None:
    """The fields of the one model expected at `loc` (a path of field names and list positions; at a tagged union,
    a backend, the member's tag), None when there is none."""
    model: type[BaseModel] | None = Config
    steps = iter(loc)
    for step in steps:
        if isinstance(step, int):
            continue  # a list position: the list's item model is already `model`
        annotation = model.model_fields[step].annotation
        model = _model_in(annotation)
        if model is None:  # a union (a backend): pydantic's next step is the member's `type`
            model = _union_members(annotation).get(next(steps, None))
            if model is None:
                return None
    return list(model.model_fields)


def _union_members(annotation: object) -> dict[str, type[BaseModel]]:
    """The models of a tagged union (a backend; pydantic gives the field its Union without Annotated's
    discriminator) by their tag: the literal of their `type` field."""
    return {tag: model for model in get_args(annotation) if isinstance(model, type) and issubclass(model, BaseModel)
            for tag in get_args(model.model_fields["type"].annotation)}


def _model_in(annotation: object) -> type[BaseModel] | None:
    """The one model class an annotation holds (itself, or inside list[...], Optional, Annotated), else None."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    models = {model for argument in get_args(annotation) if (model := _model_in(argument)) is not None}
    return models.pop() if len(models) == 1 else None


def _field_path(loc: tuple, raw: dict) -> str:
    """`('environments', 1, 'workspace_host')` -> `environments[prod].workspace_host`.

    An environment is named by its `name` when that is a valid one (anything else may be a pasted secret),
    else by its position."""
    parts: list[str] = []
    node = raw
    for step in loc:
        if isinstance(step, int):
            name = node[step].get("name") if isinstance(node, list) and step < len(node) and isinstance(node[step], dict) else None
            parts[-1] += f"[{name if isinstance(name, str) and _SLUG.fullmatch(name) else step}]"
            node = node[step] if isinstance(node, list) and step < len(node) else None
        elif step in ("local", "s3", "azurerm", "gcs", "pg", "cloud") and parts and parts[-1] == "backend":
            continue  # pydantic names the union member; the user's file does not
        else:
            parts.append(str(step))
            node = node.get(step) if isinstance(node, dict) else None
    return ".".join(parts) or "(file)"


def _secret_problems(raw: dict, passed_in: Mapping[str, str]) -> list[Problem]:
    """Every value (and key) of the file that holds a credential or a TF_VAR_* value, by field."""
    problems = []

    def visit(node: object, loc: tuple) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if (kind := secret_in(str(key), passed_in)) is not None:
                    problems.append(Problem(_field_path(loc, raw), f"a key holds {kind}; {_NO_SECRETS_HERE}"))
                else:
                    visit(value, (*loc, key))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                visit(value, (*loc, index))
        elif isinstance(node, str) and (kind := secret_in(node, passed_in)) is not None:
            problems.append(Problem(_field_path(loc, raw), f"holds {kind}; {_NO_SECRETS_HERE}"))

    visit(raw, ())
    return problems


_NO_SECRETS_HERE = ("secrets never go in this file: write the login, name or URL this field asks for, and pass "
                    "secrets as TF_VAR_* variables at deploy time (README)")


def parse_config(raw: dict, source: str = DEFAULT_CONFIG_FILE, environ: Mapping[str, str] | None = None) -> Config:
    """Validate `raw` (a parsed mlops-cicd.toml, e.g. `tomllib.loads(text)`) and return the `Config`.

    Raises `ConfigError` listing every problem at once, each naming its field and the fix: first secrets and
    structure (missing or unknown fields, types, single-field rules), and the rules that span fields (over the
    parts that are valid on their own when the structure is not). `source`
    names the file in messages. `environ` (default: this process's) supplies the TF_VAR_* values that must
    appear in no field and no message. Relative paths in a configuration built this way are relative to the
    current directory.
    """
    passed_in = passed_in_values(os.environ if environ is None else environ)
    leaks = _secret_problems(raw, passed_in)

    def fail(problems: list[Problem]) -> ConfigError:
        # Messages quote what they check; whatever they quote, no secret leaves here.
        hide = lambda text: redact(text, passed_in.values())  # noqa: E731
        return ConfigError(source, [Problem(hide(p.field), hide(p.message)) for p in problems])

    try:
        config = Config.model_validate(raw)
    except ValidationError as error:
        leaking = {p.field for p in leaks}
        structural = [p for p in _pydantic_problems(error, raw) if p.field not in leaking]
        reported = {p.field for p in structural}
        # In the same round, the rules spanning fields over the parts that are valid on their own (not when a
        # secret was pasted: that is fixed first, as below).
        spanning = [] if leaks else [p for p in _consistency_of_valid_parts(raw) if p.field not in reported]
        raise fail(leaks + structural + spanning) from None
    problems = leaks or consistency_problems(config)
    if problems:
        raise fail(problems)
    return config


def load_config(path: str | Path = DEFAULT_CONFIG_FILE, environ: Mapping[str, str] | None = None) -> Config:
    """Read and validate the TOML file `path` (default `mlops-cicd.toml` in the current directory).

    Raises `ConfigError` listing every problem, each with its field and the fix (an unreadable file, invalid
    TOML, then what `parse_config` finds). Relative paths in the file (a local state `backend.path`) are
    relative to the file's directory (`Config.directory`). `environ` as for `parse_config`.
    """
    path = Path(path)

    def unreadable(why: str) -> ConfigError:
        return ConfigError(str(path), [Problem("(file)", why)])

    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise unreadable("not found; create it (see README) or pass --config") from None
    except IsADirectoryError:
        raise unreadable(f"is a directory; pass the configuration file itself, e.g. --config {path / DEFAULT_CONFIG_FILE}") from None
    except PermissionError:
        raise unreadable("cannot be read (permission denied); make it readable by this user or pass another --config") from None
    except OSError as error:
        raise unreadable(f"cannot be read ({error.strerror or type(error).__name__}); pass a readable file with --config") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise unreadable(f"is not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start}); save it as UTF-8") from None
    try:
        raw = tomllib.loads(text)
        config = parse_config(raw, str(path), environ)
    except tomllib.TOMLDecodeError as error:
        raise unreadable(f"not valid TOML: {error}") from None
    except RecursionError:
        # tomllib (and the checks that walk the parsed file) recurse once per level of nesting.
        raise unreadable("is nested too deeply (tables or arrays inside each other hundreds of levels deep); "
                         "no mlops-cicd setting nests more than four levels: write the file as the README shows") from None
    return config.loaded_from(path)
