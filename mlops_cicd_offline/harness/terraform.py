"""Drive the real terraform binary against the stand-in providers, one work dir per stack.

    h = Harness(work_root, state_dir)           # builds (or reuses) the mirror: build_dir.ensure_build
    stack = h.prepare("staging", "cdktf.out/stacks/staging")
    stack.init(); stack.validate(); stack.plan(); stack.apply(); stack.show()

TF_CLI_CONFIG_FILE, MLOPS_OFFLINE_STATE_DIR, the deployer's DATABRICKS_TOKEN (a dummy the emulator knows
as the workspace admin; `extra_env={"DATABRICKS_TOKEN": ""}` for a deployer without one) and dummy TF_VAR_* values for the stack's variables are
set only in the environment of the terraform subprocesses; the values are never printed or returned.

The calling shell's real credentials are not inherited (see `inherited_env`): DATABRICKS_*, GITHUB_TOKEN,
GH_TOKEN, TF_VAR_*, AWS_*, ARM_*, GOOGLE_* and PG_CONN_STR are dropped. A caller that needs one of them
(e.g. PG_CONN_STR for a pg backend) passes it explicitly: `Harness(..., extra_env={"PG_CONN_STR": ...})`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from mlops_cicd_offline.build.build_dir import Build, ensure_build
from mlops_cicd_offline.harness.pool import ProviderPool, locked_versions
from mlops_cicd_offline.world.databricks.auth import DEPLOYER_TOKEN
from mlops_cicd_offline.world.events import STACK_ENV, STEP_ENV
from mlops_cicd_offline.world.invariants import Guard
from mlops_cicd_offline.world.store import STATE_DIR_ENV

STACK_FILE = "cdk.tf.json"

# Never inherited from the calling shell by terraform and the stand-in providers: real credentials.
DROPPED_NAMES = frozenset({"GITHUB_TOKEN", "GH_TOKEN", "PG_CONN_STR", "TF_PLUGIN_CACHE_DIR",
                           "TF_REATTACH_PROVIDERS"})  # the shell's would send terraform to other providers
DROPPED_PREFIXES = ("DATABRICKS_", "TF_VAR_", "AWS_", "ARM_", "GOOGLE_")


def inherited_env(environ: dict[str, str] | None = None) -> dict[str, str]:
    """The part of the calling environment (default: os.environ) an offline run keeps."""
    source = os.environ if environ is None else environ
    return {k: v for k, v in source.items() if k not in DROPPED_NAMES and not k.startswith(DROPPED_PREFIXES)}


@dataclass
class StepResult:
    step: str
    exit_code: int
    output: str
    seconds: float
    stdout: str = field(default="", repr=False)
    """stdout alone (`output` is stdout + stderr), for machine-readable output such as `show -json`."""

    @property
    def ok(self) -> bool:
        return self.exit_code in (0, 2) if self.step == "plan" else self.exit_code == 0

    def mentions(self, text: str) -> bool:
        """Whether the output contains text, ignoring how terraform wrapped its lines."""
        return " ".join(text.split()) in " ".join(self.output.split())

    @property
    def no_changes(self) -> bool:
        return self.step == "plan" and self.exit_code == 0


def localize_backend(config: dict, state_path: Path) -> dict:
    """Rehearsals never touch a real backend: any backend becomes a local state file in the work dir."""
    terraform = config.setdefault("terraform", {})
    terraform["backend"] = {"local": {"path": str(state_path)}}
    terraform.pop("cloud", None)
    return config


def dummy_variables(config: dict, seed: str) -> dict[str, str]:
    """TF_VAR_* values for variables without a default; stable per seed so re-plans see no change."""
    out = {}
    for name, spec in (config.get("variable") or {}).items():
        if "default" not in (spec or {}):
            out[f"TF_VAR_{name}"] = "offline-dummy-" + hashlib.sha256(f"{seed}:{name}".encode()).hexdigest()[:24]
    return out


class InvariantBroken(AssertionError):
    """An apply broke an invariant of the emulated world (see invariants.py); raised by a strict harness."""


@dataclass
class Stack:
    name: str
    work_dir: Path
    env: dict[str, str] = field(repr=False)
    results: list[StepResult] = field(default_factory=list)
    after_step: object = field(default=None, repr=False)
    """Called with (stack, result) after each step (the harness checks invariants after apply/destroy)."""
    pool: ProviderPool | None = field(default=None, repr=False)
    """Running providers to reattach to (pool.py); None: terraform launches them, as for a user."""

    def run(self, step: str, *args: str) -> StepResult:
        started = time.perf_counter()
        # the event log names the stack and step of each API call (events.py)
        label = f"{step} #{1 + sum(r.step == step for r in self.results)}"
        env = {**self.env, STACK_ENV: self.name, STEP_ENV: label}
        with self._providers(step, env) as reattach:
            proc = subprocess.run(["terraform", step, *args], cwd=self.work_dir, env={**env, **reattach},
                                  capture_output=True, text=True)
        result = StepResult(step, proc.returncode, proc.stdout + proc.stderr, time.perf_counter() - started,
                            proc.stdout)
        self.results.append(result)
        if self.after_step is not None:
            self.after_step(self, result)
        return result

    @contextlib.contextmanager
    def _providers(self, step: str, env: dict[str, str]):
        """Extra environment reaching the pool's providers, when this step can use them. `init` always runs on
        the launch path: it installs the providers and writes the lock file that names the versions to serve."""
        versions = locked_versions(self.work_dir, self.config()) if self.pool is not None and step != "init" else {}
        if not versions:
            yield {}
            return
        with self.pool.command(versions, env) as reattach:
            yield reattach

    def init(self) -> StepResult:
        return self.run("init", "-input=false", "-no-color")

    def validate(self) -> StepResult:
        return self.run("validate", "-no-color")

    def plan(self, *extra: str) -> StepResult:
        return self.run("plan", "-input=false", "-no-color", "-detailed-exitcode", *extra)

    def apply(self, *extra: str) -> StepResult:
        return self.run("apply", "-input=false", "-no-color", "-auto-approve", *extra)

    def destroy(self) -> StepResult:
        return self.run("destroy", "-input=false", "-no-color", "-auto-approve")

    def show(self) -> dict:
        result = self.run("show", "-json", "-no-color")
        return json.loads(result.stdout) if result.exit_code == 0 and result.stdout.strip() else {}

    def resources(self) -> list[dict]:
        """Managed resources in state (from `terraform show -json`)."""
        root = self.show().get("values", {}).get("root_module", {})
        return [r for r in root.get("resources", []) if r.get("mode") == "managed"]

    def config(self) -> dict:
        return json.loads((self.work_dir / STACK_FILE).read_text())

    def write_config(self, config: dict) -> None:
        """Write the stack's configuration exactly as given (a real backend stays real)."""
        (self.work_dir / STACK_FILE).write_text(json.dumps(config, indent=2))

    def reconfigure(self, config: dict) -> None:
        """Replace the configuration for rehearsal: any backend becomes the work dir's local state."""
        self.write_config(localize_backend(json.loads(json.dumps(config)), self.work_dir / "terraform.tfstate"))


class Harness:
    def __init__(self, work_root: Path, state_dir: Path, build_dir: Path | None = None,
                 extra_env: dict[str, str] | None = None, strict_invariants: bool = False,
                 pool: ProviderPool | None = None):
        """strict_invariants: an apply or destroy that broke an invariant raises InvariantBroken naming the
        API call that broke it (tests); otherwise violations are only recorded in the world.
        pool: serve terraform from these running providers (pool.py) instead of launching them per command."""
        self.pool = pool
        self.build: Build = ensure_build(build_dir)
        self.work_root = Path(work_root).resolve()
        self.state_dir = Path(state_dir).resolve()
        self.extra_env = dict(extra_env or {})
        self.strict_invariants = strict_invariants
        self.guard = Guard(self.state_dir)
        self.broken: list[str] = []
        """Every invariant broken so far, described (strict or not): the rehearsal reports them."""

    def state_files(self) -> dict[str, Path]:
        """Each prepared stack's local state file, by stack name."""
        return {path.parent.name: path for path in sorted(self.work_root.glob("*/terraform.tfstate"))}

    def check_invariants(self, stack: Stack, result: StepResult) -> None:
        if result.step not in ("apply", "destroy"):
            return
        broken = self.guard.after_step(self.state_files())
        self.broken.extend(broken)
        if broken and self.strict_invariants:
            raise InvariantBroken(f"{stack.name}: {result.step} #{sum(r.step == result.step for r in stack.results)} "
                                  "broke an invariant of the emulated world:\n" + "\n".join(broken))

    def base_env(self) -> dict[str, str]:
        # The deployer's credentials, as a CI job has them: only the emulator's deployer token. Whatever
        # DATABRICKS_* the calling shell holds is dropped (never sent anywhere, and would change identities),
        # and so are its other real credentials (GitHub tokens, TF_VAR_*, cloud and backend credentials).
        env = inherited_env()
        env["DATABRICKS_TOKEN"] = DEPLOYER_TOKEN
        env.update(TF_CLI_CONFIG_FILE=str(self.build.cli_config), TF_IN_AUTOMATION="1", CHECKPOINT_DISABLE="1",
                   **{STATE_DIR_ENV: str(self.state_dir)})
        env.update(self.extra_env)
        return env

    def prepare(self, name: str, source: Path | dict, fresh: bool = True) -> Stack:
        """Copy a synthesized stack (dir holding cdk.tf.json, or its parsed JSON) into <work_root>/<name>."""
        work_dir = self.work_root / name
        if fresh and work_dir.exists():
            shutil.rmtree(work_dir)
        work_dir.mkdir(parents=True, exist_ok=True)
        config = source if isinstance(source, dict) else json.loads((Path(source) / STACK_FILE).read_text())
        self.state_dir.mkdir(parents=True, exist_ok=True)
        stack = Stack(name, work_dir, {**self.base_env(), **dummy_variables(config, str(self.state_dir))},
                      after_step=self.check_invariants, pool=self.pool)
        stack.reconfigure(config)
        return stack
