"""What one configuration file describes: one project (today's `mlops-cicd.toml`), or, in a platform repository,
every project of a folder (`projects/*.toml`, each in the same format) over shared defaults.

A platform repository's `mlops-cicd.toml` has a `[platform]` table (or no `[project]` table and a `projects/`
folder beside it):

    [platform]
    projects = "projects"                 # the folder of project files (default)
    [defaults.github]                     # under every project file's [github]
    owner = "my-org"
    [defaults.environment]                # under every environment of every project
    token_usage = { group = "ml-token-users" }   # (pat environments only: the others grant no token use)
    [defaults.environments.prod]          # under every project's `prod` (a project without [[environments]]
    workspace_host = "https://..."        # gets one environment per table here, in this order)
    [defaults.checks]

A project file's own values win; tables merge key by key, lists and values replace (and so does a `backend` of
another `type`). Its stacks are named `<project>-<env>`. A project file names its project (`[project] name`): the
name keys its state, so renaming the file must not move it.
"""

from __future__ import annotations

import fnmatch
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .config import DEFAULT_CONFIG_FILE, Config, ConfigError, EnvironmentConfig, Problem, load_config, parse_config
from .errors import usage_error
from .secret_patterns import shown

PROJECTS_DIR = "projects"
_PLATFORM_KEYS = {"projects"}
_DEFAULTS_KEYS = {"github", "environment", "environments", "checks"}


@dataclass(frozen=True)
class StackRef:
    """One stack of the fleet: its name, and the project configuration and environment it is built from."""

    name: str
    config: Config
    env: EnvironmentConfig

    @property
    def project(self) -> str:
        return self.config.project.name


@dataclass(frozen=True)
class Fleet:
    """Every project a configuration file describes (one, unless `platform`), and so every stack."""

    projects: tuple[Config, ...]
    source: Path | None
    platform: bool = False

    @classmethod
    def of(cls, config: Config) -> Fleet:
        """A single-project repository's fleet: that project, its stacks named after its environments."""
        return cls((config,), config.source)

    @property
    def owner_file(self) -> Path | None:
        """The configuration file whose output this is (`locks`)."""
        return self.source

    @property
    def stacks(self) -> list[StackRef]:
        return [StackRef(project.stack_name(env.name), project, env)
                for project in self.projects for env in project.environments]

    @property
    def stack_names(self) -> list[str]:
        return [stack.name for stack in self.stacks]

    def select(self, requested: Iterable[str] = (), *, projects: Iterable[str] = (),
               environments: Iterable[str] = ()) -> list[StackRef]:
        """The stacks named in `requested` (names or globs such as `proj-a-*`; default: all), of the `projects` and
        `environments` given (default: any), in configuration order; an unknown name or filter is a usage error."""
        requested, projects, environments = list(requested), list(projects), list(environments)
        stacks = self.stacks
        word = "stack" if self.platform else "environment"
        unknown = [
            (f"{word}(s)", [p for p in requested if not fnmatch.filter(self.stack_names, p)], self.stack_names),
            ("project(s)", [p for p in projects if p not in {c.project.name for c in self.projects}],
             [c.project.name for c in self.projects]),
            ("environment(s)", [e for e in environments if e not in {s.env.name for s in stacks}],
             list(dict.fromkeys(s.env.name for s in stacks))),
        ]
        for what, names, known in unknown:
            if names:
                raise usage_error(f"unknown {what}: {', '.join(names)}", f"use one of: {', '.join(known)}")
        return [s for s in stacks
                if (not requested or any(fnmatch.fnmatchcase(s.name, p) for p in requested))
                and (not projects or s.project in projects) and (not environments or s.env.name in environments)]


def by_project(stacks: Iterable[StackRef]) -> list[tuple[Config, list[str]]]:
    """`stacks` grouped by project (first appearance order): (project configuration, its stack names)."""
    groups: dict[str, tuple[Config, list[str]]] = {}
    for stack in stacks:
        groups.setdefault(stack.project, (stack.config, []))[1].append(stack.name)
    return list(groups.values())


def load_fleet(path: str | Path = DEFAULT_CONFIG_FILE) -> Fleet:
    """The fleet `path` describes: a single project (`load_config`), or a platform repository's projects.

    Raises ConfigError with every problem of every file at once, each naming its file and field."""
    path = Path(path)
    raw = _platform_table(path)
    if raw is None:
        return Fleet.of(load_config(path))
    root = path.resolve().parent
    problems = _platform_problems(raw)
    folder = root / raw.get("platform", {}).get("projects", PROJECTS_DIR)
    files = sorted(folder.glob("*.toml")) if folder.is_dir() else []
    if not problems and not files:
        problems.append(Problem("platform.projects", f"{folder} holds no project file: add one per project, "
                                f"e.g. {folder.name}/<project>.toml in the format of a single-project {DEFAULT_CONFIG_FILE}"))
    if problems:
        raise ConfigError(str(path), problems)
    projects, errors = [], []
    for file in files:
        try:
            projects.append(_project(file, raw.get("defaults", {}), path).in_platform(path))
        except ConfigError as error:
            errors += [Problem(f"{_relative(file, root)}: {p.field}", p.message) for p in error.problems]
    errors += _fleet_problems(projects, root)
    if errors:
        raise ConfigError(str(path), errors)
    return Fleet(tuple(projects), path.resolve(), platform=True)


def _platform_table(path: Path) -> dict | None:
    """The parsed file when it describes a platform repository, else None (load_config reports what is wrong)."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
        return None  # load_config says what is wrong with the file, in the words it uses for a single project
    if "platform" in raw or ("project" not in raw and (path.resolve().parent / PROJECTS_DIR).is_dir()):
        return raw
    return None


def _platform_problems(raw: dict) -> list[Problem]:
    problems = []
    for key in raw:
        if key not in ("platform", "defaults"):
            problems.append(Problem(key, "a platform repository's file holds only [platform] and [defaults.*]: move "
                                    f"this table into a project file or under [defaults] (the fields there: "
                                    f"{', '.join(sorted(_DEFAULTS_KEYS))})"))
    for table, known in (("platform", _PLATFORM_KEYS), ("defaults", _DEFAULTS_KEYS)):
        value = raw.get(table, {})
        if not isinstance(value, dict):
            problems.append(Problem(table, "must be a table, e.g. [section] with its fields"))
            continue
        problems += [Problem(f"{table}.{key}", f"unknown field; remove it or fix its spelling (the fields here: "
                             f"{', '.join(sorted(known))})") for key in value if key not in known]
    platform, defaults = raw.get("platform", {}), raw.get("defaults", {})
    folder = platform.get("projects", PROJECTS_DIR) if isinstance(platform, dict) else PROJECTS_DIR
    if not (isinstance(folder, str) and folder and not Path(folder).is_absolute()):
        problems.append(Problem("platform.projects", "must be a folder relative to this file, e.g. \"projects\""))
    if not isinstance(defaults, dict):
        return problems
    for key in sorted(_DEFAULTS_KEYS & defaults.keys()):
        if not isinstance(defaults[key], dict):
            problems.append(Problem(f"defaults.{key}", f"must be a table, e.g. [defaults.{key}] with its fields"))
    environments = defaults.get("environments")
    for name, table in environments.items() if isinstance(environments, dict) else ():
        if not isinstance(table, dict):
            problems.append(Problem(f"defaults.environments.{name}", "must be a table of that environment's fields"))
    return problems


def _project(file: Path, defaults: dict, root_file: Path) -> Config:
    """One project file over the defaults, validated as a single project's configuration."""
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(str(file), [Problem("(file)", f"cannot be read as TOML ({error}); fix it")]) from None
    merged = merged_project(raw, defaults)
    return parse_config(merged, f"{file} (over the defaults of {root_file.name})").loaded_from(file)


def merged_project(raw: dict, defaults: dict) -> dict:
    """A project file's table over the platform defaults (the project's values win)."""
    merged = dict(raw)
    for key in ("github", "checks"):
        if isinstance(defaults.get(key), dict):
            merged[key] = _merge(defaults[key], raw.get(key))
    every, named = defaults.get("environment") or {}, defaults.get("environments") or {}
    environments = raw.get("environments")
    if environments is None and named:
        environments = [{"name": name} for name in named]
    if isinstance(environments, list):
        merged["environments"] = [_environment(env, every, named) for env in environments]
    return merged


def _environment(env: object, every: dict, named: dict) -> object:
    """One environment of a project file over `[defaults.environment]` and its `[defaults.environments.<name>]`."""
    if not isinstance(env, dict):
        return env  # validation names it
    name = env.get("name")
    merged = _merge(_merge(every, named.get(name, {}) if isinstance(name, str) else {}), env)
    if merged.get("credential_mode", "pat") != "pat" and "token_usage" not in env:
        # Token use is granted in pat mode only (any token_usage elsewhere is refused): a default of it is not
        # meant for this environment.
        merged.pop("token_usage", None)
    return merged


def _merge(base: object, over: object) -> object:
    """`over` on top of `base`: tables merge key by key, anything else replaces, and so does a table of another
    kind (a `backend` whose `type` differs: the default's fields are not the project's backend's)."""
    if not isinstance(base, dict) or not isinstance(over, dict):
        return base if over is None else over
    if "type" in over and over.get("type") != base.get("type"):
        return over
    return {**base, **{key: _merge(base.get(key), value) for key, value in over.items()}}


def _fleet_problems(projects: list[Config], root: Path) -> list[Problem]:
    """Every project and every stack has its own name across the fleet, and no project's stacks are matched by
    another's glob (`cdktf deploy 'churn-model-*'` would deploy `churn-model-v2`'s stacks too, with the first
    project's TF_VAR_* values)."""
    problems, owners = [], {}
    names = {project.project.name: _relative(project.source, root) for project in projects}
    for project in projects:
        where = _relative(project.source, root)
        if (other := owners.get(("project", project.project.name))) is not None:
            problems.append(Problem(f"{where}: project.name", f"{shown(project.project.name)} is also the name of "
                                    f"{other}: give each project its own name"))
        owners.setdefault(("project", project.project.name), where)
        for prefix, file in names.items():
            if project.project.name.startswith(f"{prefix}-"):
                problems.append(Problem(f"{where}: project.name", f"starts with {shown(prefix + '-')}, the stack "
                                        f"names of project {shown(prefix)} ({file}): `cdktf deploy '{prefix}-*'` would "
                                        "deploy this project's stacks too; choose a name that does not"))
        for stack in project.stack_names:
            if (other := owners.get(("stack", stack))) is not None and other != where:
                problems.append(Problem(f"{where}: environments", f"its stack {shown(stack)} (<project>-<env>) is also "
                                        f"a stack of {other}: rename the project or the environment"))
            owners.setdefault(("stack", stack), where)
    return problems


def _relative(path: Path | None, root: Path) -> str:
    if path is None:
        return "(project)"
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
