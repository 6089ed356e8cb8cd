"""Local state at synth: keep it out of the output directory, owner-only, and never deleted by synth.

Earlier versions wrote a relative `path`, which Terraform resolves in the directory it runs in,
`<outdir>/stacks/<env>/`: `make clean` deleted the state, and the next deploy created a second service
principal beside the first, whose live token nobody then managed. Now the path is absolute
(`stacks/backends.py`), and synth:
- moves a state file from its old places to the new one when the new place is empty (and says so), and
  refuses, naming both, when both exist: the output directory (`cdktf.out/stacks/<env>/`), and the
  previous default `.mlops-cicd/state/<env>.tfstate`, which lacked the project, so two configuration
  files in one directory shared it (moved only when its owner record names this configuration file);
- records the owner (project and configuration file) beside each state, `<state>.owner.json`, and
  refuses a state another configuration file owns, naming both (`check_owners`, also run by `rotate`);
- refuses while any other state file sits in a stack directory (the stacks of environments no longer
  configured included: cdktf and synth delete those directories);
- removes the stack directory of an environment no longer configured only when the output directory
  records this configuration file as its maker and the directory holds nothing but what synth, cdktf and
  terraform put there; otherwise it leaves it and says so (`--output` may name a directory with the
  user's own files in `stacks/`);
- makes the default state directory owner-only (0700): local state holds live tokens in plain text, and
  Terraform writes it readable by everyone (terraform v1.11.4, internal/states/statemgr/filesystem.go:
  `os.MkdirAll(dir, 0755)`, `os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0666)`).

`plan(config, outdir)` only looks and raises; `LocalStatePlan.carry_out()` changes files, after the
stacks have been synthesized and checked.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UserError
from .config import Config, ConfigError, LocalBackend, Problem
from .fleet import Fleet
from .locks import OWNER_FILE
from .state_paths import LOCAL_STATE_DIR, local_state_path, previous_local_state_path
from .synthesized import DEFAULT_OUTPUT

STATE_SUFFIXES = (".tfstate", ".tfstate.backup")
BACKUP_SUFFIX = ".backup"  # Terraform's backup of the previous state: `<path>.backup`, same secrets
OWNER_SUFFIX = ".owner.json"
# What a stack directory holds after synth (cdk.tf.json), `terraform init` (.terraform, its lock file) and
# a plan: cdktf's `-out plan` (@cdktf/cli-core 0.21.0, src/lib/models/terraform-cli.js, plan()) and
# `mlops-cicd rotate`'s (operations/rotation.py PLAN_FILE). Anything else may be the user's: never deleted.
GENERATED_IN_STACK = frozenset({"cdk.tf.json", ".terraform", ".terraform.lock.hcl", "plan", "mlops-cicd-rotate.tfplan"})


def owner_record(state_file: Path) -> Path:
    """Beside the state: which project and configuration file the state belongs to."""
    return Path(f"{state_file}{OWNER_SUFFIX}")


def _read_owner(state_file: Path) -> dict | None:
    """The recorded owner of `state_file`; None when there is no record; an unreadable record is an owner
    nobody is, so it is refused rather than overwritten."""
    try:
        owner = json.loads(owner_record(state_file).read_text())
        return owner if isinstance(owner, dict) and isinstance(owner.get("config"), str) else {"config": "?"}
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {"config": f"an unreadable owner record ({owner_record(state_file)})"}


def _owned_by(owner: dict | None, config: Config) -> bool:
    """Whether a state's owner record names this configuration: its file, or (a single-project repository turned
    into a platform one) the platform's file with this project's name."""
    if owner is None:
        return False
    return owner["config"] == str(config.source) or (
        config.owner_file != config.source and owner["config"] == str(config.owner_file)
        and owner.get("project") == config.project.name)


@dataclass(frozen=True)
class Move:
    environment: str
    source: Path
    target: Path
    where: str
    """Which old place `source` is."""


@dataclass
class LocalStatePlan:
    state_files: dict[str, Path] = field(default_factory=dict)
    """Configured environment with local state -> its state file (absolute)."""
    stack_dirs: dict[str, Path] = field(default_factory=dict)
    default_dir: Path | None = None
    """`.mlops-cicd/state/<project>`: made and kept owner-only, with `.mlops-cicd` and `.mlops-cicd/state`."""
    owner: dict | None = None
    """What `owner_record` holds for this configuration file (None: a configuration built in code)."""
    moves: list[Move] = field(default_factory=list)
    unconfigured_stacks: list[Path] = field(default_factory=list)
    """Generated stacks of environments no longer configured: removed."""
    kept_stacks: dict[Path, str] = field(default_factory=dict)
    """Stack directories of no configured environment that synth may not remove -> why."""

    def carry_out(self) -> None:
        for directory in sorted({path.parent for path in self.state_files.values()}):
            _owner_only(directory, tighten_up_to=self.default_dir.parent.parent if directory == self.default_dir else None)
        for move in self.moves:
            _move(move.source, move.target)
            for suffix in (BACKUP_SUFFIX, OWNER_SUFFIX):
                if Path(f"{move.source}{suffix}").exists():
                    _move(Path(f"{move.source}{suffix}"), Path(f"{move.target}{suffix}"))
            print(f"mlops-cicd: moved the state of {move.environment} from {move.where}: "
                  f"{move.source} -> {move.target}", file=sys.stderr)
        for name, state_file in self.state_files.items():
            _drop_stale_backend_cache(self.stack_dirs[name], state_file)
            if self.owner is not None:
                owner_record(state_file).write_text(json.dumps({**self.owner, "environment": name}, indent=2) + "\n")
        for stack_dir in self.unconfigured_stacks:
            shutil.rmtree(stack_dir)
        for stack_dir, why in self.kept_stacks.items():
            print(f"mlops-cicd: left {stack_dir} as it is: no environment of this configuration has that name, "
                  f"and {why}; delete it yourself if it is not needed", file=sys.stderr)


def plan_fleet(fleet: Fleet, outdir: Path) -> FleetStatePlan:
    """What synth of every project of `fleet` into `outdir` does to local state files; raises (nothing changed)
    when it must not. Only stack directories of no project's environment are swept (once)."""
    configured = set(fleet.stack_names)
    return FleetStatePlan([plan(project, outdir, configured=configured, sweep=index == 0, owner_file=fleet.owner_file)
                           for index, project in enumerate(fleet.projects)])


@dataclass
class FleetStatePlan:
    plans: list[LocalStatePlan]

    @property
    def moves(self) -> list[Move]:
        return [move for plan in self.plans for move in plan.moves]

    def carry_out(self) -> None:
        for plan in self.plans:
            plan.carry_out()


def plan(config: Config, outdir: Path, *, configured: set[str] | None = None, sweep: bool = True,
         owner_file: Path | None = None) -> LocalStatePlan:
    """What synth into `outdir` does to local state files; raises (nothing changed) when it must not.

    `configured`: the stack names of the whole output (default: this configuration's); with `sweep`, the stack
    directories of no configured stack are removed (or kept, saying why). `owner_file`: the configuration file
    recorded as the output's maker (default: this configuration's)."""
    outdir = Path(outdir).resolve()
    stacks_dir = outdir / "stacks"
    project = config.project.name
    result = LocalStatePlan(default_dir=(config.directory / LOCAL_STATE_DIR / project).resolve())
    if config.source is not None:
        result.owner = {"project": project, "config": str(config.source)}
    problems = []
    for env in config.environments:
        if not isinstance(env.backend, LocalBackend):
            continue
        target = local_state_path(config.directory, project, env.name, env.backend.path)
        if (generated := _generated_dir_holding(target, outdir, config.directory)) is not None:
            problems.append(Problem(
                f"environments[{env.name}].backend.path",
                f"puts the state inside {generated}, which synth rewrites and `make clean` deletes; remove "
                f"`path` (default: {LOCAL_STATE_DIR}/{project}/{env.name}.tfstate beside the configuration "
                f"file) or choose a path outside it"))
        result.state_files[env.name] = target
        result.stack_dirs[env.name] = stacks_dir / config.stack_name(env.name)
    if problems:
        raise ConfigError(str(config.source or "configuration"), problems)
    check_owners(config, result.state_files)

    claimed: set[Path] = set()
    for name, target in result.state_files.items():
        for old, where in _old_places(config, stacks_dir, name):
            if old == target or not old.is_file():
                continue
            owner = _read_owner(old)
            if where == PREVIOUS_DEFAULT and not _owned_by(owner, config):
                if owner is not None or config.source is None:
                    continue  # another configuration file's state (it moves it): not this project's to take
                raise _unrecorded_previous_default(config, name, old, target)
            earlier = next((move.source for move in result.moves if move.target == target), None)
            if target.exists() or earlier is not None:
                other = earlier or target
                raise UserError(
                    f"the state of {name} is in two places: {old} ({_serial(old)}; {where}) and {other} "
                    f"({_serial(other)}); nothing was synthesized",
                    f"keep the one you deployed with last (the higher serial): `mv {old} {other}` keeps the "
                    f"first, `rm {old}` keeps the second")
            result.moves.append(Move(name, old, target, where))
            claimed |= {old, Path(f"{old}{BACKUP_SUFFIX}")}  # moved together; anything else found is refused

    configured = set(config.stack_names) if configured is None else configured
    stack_dirs = sorted(p for p in stacks_dir.iterdir() if p.is_dir()) if stacks_dir.is_dir() and sweep else []
    for stack_dir in stack_dirs:
        stray = [path for path in _state_files_in(stack_dir) if path.resolve() not in claimed]
        if stray:
            why = ("of an environment no longer configured, which synth removes" if stack_dir.name not in configured
                   else "which synth rewrites")
            keep = result.default_dir / "kept" / stack_dir.name
            raise UserError(
                f"{stray[0]} is a Terraform state file in {stack_dir}, a stack directory {why} and "
                f"`make clean` deletes; nothing was synthesized",
                f"move it out, e.g. `mkdir -p -m 700 {keep} && mv {' '.join(map(str, stray))} {keep}/`; "
                f"if its resources still exist, keep managing them from that state (`terraform state push` "
                f"into the environment's backend) or destroy them")
        if stack_dir.name not in configured:
            if (why := _not_removable(stack_dir, outdir, owner_file or config.owner_file)) is None:
                result.unconfigured_stacks.append(stack_dir)
            else:
                result.kept_stacks[stack_dir] = why
    return result


def _not_removable(stack_dir: Path, outdir: Path, owner_file: Path | None) -> str | None:
    """Why synth may not delete `stack_dir`, a directory in `<outdir>/stacks` of no configured environment."""
    try:
        maker = (outdir / OWNER_FILE).read_text().strip()
    except OSError:
        maker = None
    if owner_file is None or maker != str(owner_file):
        return f"{outdir} does not record {owner_file or 'this configuration'} as what made it"
    foreign = sorted(entry.name for entry in stack_dir.iterdir() if entry.name not in GENERATED_IN_STACK)
    if foreign:
        return f"it holds files synth does not write ({', '.join(foreign[:3])}{', ...' if len(foreign) > 3 else ''})"
    return None


IN_OUTPUT = "the old place, in the output directory"
PREVIOUS_DEFAULT = "the previous default place, without the project"


def _old_places(config: Config, stacks_dir: Path, name: str) -> list[tuple[Path, str]]:
    """Where earlier versions kept the state of `name`."""
    configured = config.environment(name).backend.path
    # Where the old relative path resolved: in the directory terraform ran in.
    stack = stacks_dir / config.stack_name(name)
    places = [((stack / (configured or f"terraform.{name}.tfstate")).resolve(), IN_OUTPUT)]
    if not configured:
        places.append((previous_local_state_path(config.directory, name), PREVIOUS_DEFAULT))
    return places


def _unrecorded_previous_default(config: Config, name: str, old: Path, target: Path) -> UserError:
    backup = Path(f"{old}{BACKUP_SUFFIX}")
    also = f" && mv {backup} {target}{BACKUP_SUFFIX}" if backup.exists() else ""
    return UserError(
        f"{old} ({_serial(old)}) is a state of {name} at the previous default place, which every configuration "
        f"file in {config.directory} shared, and it does not record its project; synth cannot tell whether it "
        f"is the state of {config.project.name} ({config.source}); nothing was synthesized",
        f"if it is: `mkdir -p -m 700 {target.parent} && mv {old} {target}{also}`; if it is another "
        f"configuration file's, move it to `{config.directory / LOCAL_STATE_DIR}/<its project>/{name}.tfstate`")


def check_owners(config: Config, state_files: dict[str, Path]) -> None:
    """Refuse a state whose owner record names another configuration file: two configurations, in one
    directory with one project name or with one configured `backend.path`, would deploy over each other."""
    if config.source is None:
        return  # built in code: the caller chose the paths
    for name, state_file in state_files.items():
        owner = _read_owner(state_file)
        if owner is not None and not _owned_by(owner, config):
            raise UserError(
                f"the state of {name}, {state_file}, belongs to {owner['config']}"
                f"{' (project ' + str(owner['project']) + ')' if owner.get('project') else ''}, not to "
                f"{config.source}; deploying both from one state would replace each other's objects; "
                f"nothing was done",
                f"give {config.source} its own state: another `[project] name`, or another `backend.path` for "
                f"{name}; if {owner['config']} no longer deploys there, `rm {owner_record(state_file)}`")


def _generated_dir_holding(path: Path, outdir: Path, config_dir: Path) -> Path | None:
    """The generated directory (synth output, `make clean`'s cdktf.out and build) that `path` is in."""
    for generated in (outdir, config_dir / DEFAULT_OUTPUT, config_dir / "build"):
        if path.is_relative_to(generated.resolve()):
            return generated
    return None


def _state_files_in(stack_dir: Path) -> list[Path]:
    found = []
    for root, dirs, files in os.walk(stack_dir):
        dirs[:] = [d for d in dirs if d != ".terraform"]  # provider plugins and the backend settings
        found += [Path(root) / name for name in sorted(files) if name.endswith(STATE_SUFFIXES)]
    return found


def _serial(path: Path) -> str:
    try:
        return f"serial {json.loads(path.read_text())['serial']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "not a readable state file"


def _owner_only(directory: Path, *, tighten_up_to: Path | None) -> None:
    """Create `directory` (and missing parents) as 0700; tighten it and its parents up to `tighten_up_to`
    (`.mlops-cicd`) if given, else warn when others can read it."""
    missing = [d for d in (directory, *directory.parents) if not d.exists()]
    for created in reversed(missing):
        created.mkdir(mode=0o700)
        created.chmod(0o700)  # mkdir's mode is filtered by the umask
    if tighten_up_to is not None:
        for owned in (directory, *directory.parents):  # .mlops-cicd/state/<project> up to .mlops-cicd
            if not owned.is_relative_to(tighten_up_to):
                break
            owned.chmod(0o700)
    elif directory.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        print(f"mlops-cicd: warning: {directory} holds local state (live tokens) and other users can read it: "
              f"`chmod 700 {directory}`", file=sys.stderr)


def _move(source: Path, target: Path) -> None:
    shutil.move(source, target)  # a rename on one file system, else copy and delete


def _drop_stale_backend_cache(stack_dir: Path, state_file: Path) -> None:
    """Forget `.terraform`'s record of an old local path when nothing is left there.

    `terraform init` compares the backend configuration with the one recorded at the last init, and
    refuses a changed one ("Backend configuration changed", -migrate-state or -reconfigure). With the
    state already moved, there is nothing to migrate: without the record, init simply takes the new path.
    """
    record = stack_dir / ".terraform" / "terraform.tfstate"
    try:
        backend = json.loads(record.read_text())["backend"]
    except (OSError, ValueError, KeyError, TypeError):
        return
    if backend.get("type") != "local":
        return
    recorded = stack_dir / ((backend.get("config") or {}).get("path") or "terraform.tfstate")  # Terraform's default
    if recorded.resolve() != state_file and not recorded.exists():
        record.unlink()
