"""Local state at synth: keep it out of the output directory, owner-only, and never deleted by synth.

Earlier versions wrote a relative `path`, which Terraform resolves in the directory it runs in,
`<outdir>/stacks/<env>/`: `make clean` deleted the state, and the next deploy created a second service
principal beside the first, whose live token nobody then managed. Now the path is absolute
(`stacks/backends.py`), and synth:
- moves a state file from its old place to the new one when the new place is empty (and says so), and
  refuses, naming both, when both exist;
- refuses while any other state file sits in a stack directory (the stacks of environments no longer
  configured included: cdktf and synth delete those directories);
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

from .commands.errors import UserError
from .config import Config, ConfigError, LocalBackend, Problem
from .stacks.backends import LOCAL_STATE_DIR, local_state_path

STATE_SUFFIXES = (".tfstate", ".tfstate.backup")
BACKUP_SUFFIX = ".backup"  # Terraform's backup of the previous state: `<path>.backup`, same secrets


@dataclass(frozen=True)
class Move:
    environment: str
    source: Path
    target: Path


@dataclass
class LocalStatePlan:
    state_files: dict[str, Path] = field(default_factory=dict)
    """Configured environment with local state -> its state file (absolute)."""
    stack_dirs: dict[str, Path] = field(default_factory=dict)
    default_dir: Path | None = None
    moves: list[Move] = field(default_factory=list)
    unconfigured_stacks: list[Path] = field(default_factory=list)

    def carry_out(self) -> None:
        for directory in sorted({path.parent for path in self.state_files.values()}):
            _owner_only(directory, tighten=directory == self.default_dir)
        for move in self.moves:
            _move(move.source, move.target)
            if Path(f"{move.source}{BACKUP_SUFFIX}").exists():
                _move(Path(f"{move.source}{BACKUP_SUFFIX}"), Path(f"{move.target}{BACKUP_SUFFIX}"))
            print(f"mlops-cicd: moved the state of {move.environment} out of the output directory: "
                  f"{move.source} -> {move.target}", file=sys.stderr)
        for name, state_file in self.state_files.items():
            _drop_stale_backend_cache(self.stack_dirs[name], state_file)
        for stack_dir in self.unconfigured_stacks:
            shutil.rmtree(stack_dir)


def plan(config: Config, outdir: Path) -> LocalStatePlan:
    """What synth into `outdir` does to local state files; raises (nothing changed) when it must not."""
    outdir = Path(outdir).resolve()
    stacks_dir = outdir / "stacks"
    result = LocalStatePlan(default_dir=(config.directory / LOCAL_STATE_DIR).resolve())
    problems = []
    for env in config.environments:
        if not isinstance(env.backend, LocalBackend):
            continue
        target = local_state_path(config.directory, env.name, env.backend.path)
        if (generated := _generated_dir_holding(target, outdir, config.directory)) is not None:
            problems.append(Problem(
                f"environments[{env.name}].backend.path",
                f"puts the state inside {generated}, which synth rewrites and `make clean` deletes; remove "
                f"`path` (default: {LOCAL_STATE_DIR}/{env.name}.tfstate beside the configuration file) or "
                f"choose a path outside it"))
        result.state_files[env.name] = target
        result.stack_dirs[env.name] = stacks_dir / env.name
    if problems:
        raise ConfigError(str(config.source or "configuration"), problems)

    claimed: set[Path] = set()
    for name, target in result.state_files.items():
        # Where the old relative path resolved: in the directory terraform ran in.
        old = (stacks_dir / name / (config.environment(name).backend.path or f"terraform.{name}.tfstate")).resolve()
        if old == target or not old.is_file():
            continue
        if target.exists():
            raise UserError(
                f"the state of {name} is in two places: {old} ({_serial(old)}; the old place, in the output "
                f"directory) and {target} ({_serial(target)}); nothing was synthesized",
                f"keep the one you deployed with last (the higher serial): `mv {old} {target}` keeps the old "
                f"one, `rm {old}` keeps the new one")
        result.moves.append(Move(name, old, target))
        claimed |= {old, Path(f"{old}{BACKUP_SUFFIX}")}  # moved together; anything else found is refused

    configured = {env.name for env in config.environments}
    stack_dirs = sorted(p for p in stacks_dir.iterdir() if p.is_dir()) if stacks_dir.is_dir() else []
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
            result.unconfigured_stacks.append(stack_dir)
    return result


def _generated_dir_holding(path: Path, outdir: Path, config_dir: Path) -> Path | None:
    """The generated directory (synth output, `make clean`'s cdktf.out and build) that `path` is in."""
    for generated in (outdir, config_dir / "cdktf.out", config_dir / "build"):
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


def _owner_only(directory: Path, *, tighten: bool) -> None:
    """Create `directory` (and missing parents) as 0700; tighten it if asked, else warn when others can read it."""
    missing = [d for d in (directory, *directory.parents) if not d.exists()]
    for created in reversed(missing):
        created.mkdir(mode=0o700)
        created.chmod(0o700)  # mkdir's mode is filtered by the umask
    if tighten:
        for owned in (directory, directory.parent):  # .mlops-cicd/state and .mlops-cicd
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
