"""Generated directories (the synth output, a rehearsal): one command at a time in each, and each
directory for one configuration file.

`exclusive(directory, command)` holds an fcntl lock on `.<name>.lock` beside the directory for the
command's duration (synth and `rotate` on the output directory; rehearse and `rotate --rehearsal` on the
rehearsal); `shared(directory, command)` lets readers (`status --rehearsal`) run together, but not beside a
writer. The kernel releases a lock when the process ends, however it ends, so a crash never leaves a
stale lock; a second command fails at once rather than waiting, naming the one running. Python opens
files non-inheritable (PEP 446), so the terraform processes a command starts do not keep the lock alive.

`claim(directory, config, what)` refuses a directory whose last output came from another configuration
file (recorded by `record_owner` in `.mlops-cicd-config` inside it): `--config other.toml` must not
replace the default project's stacks or rehearsal.
"""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from .errors import UserError
from .config import Config

if TYPE_CHECKING:
    from .fleet import Fleet

OWNER_FILE = ".mlops-cicd-config"


def lock_file(directory: str | Path) -> Path:
    """Beside the directory, not in it: taking the lock must not create the directory."""
    directory = Path(directory).resolve()
    return directory.parent / f".{directory.name}.lock"


@contextmanager
def exclusive(directory: str | Path, command: str) -> Iterator[None]:
    """Run the block as the only command on `directory`; raise UserError at once if another holds it."""
    with _locked(directory, command, fcntl.LOCK_EX):
        yield


@contextmanager
def shared(directory: str | Path, command: str) -> Iterator[None]:
    """Run the block beside other readers of `directory`, never while an `exclusive` command runs there."""
    with _locked(directory, command, fcntl.LOCK_SH):
        yield


@contextmanager
def _locked(directory: str | Path, command: str, operation: int) -> Iterator[None]:
    path = lock_file(directory)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, operation | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            pid, _, holder = handle.read().strip().partition(" ")
            raise UserError(f"{holder or 'another command'} is already running on {Path(directory).resolve()} "
                            f"(pid {pid or 'unknown'}); {command} did nothing",
                            f"wait for it, or remove {path} if no such process is running") from None
        writer = operation == fcntl.LOCK_EX  # readers share the file: only the sole holder names itself
        if writer:
            handle.truncate(0)
            handle.write(f"{os.getpid()} {command}\n")
            handle.flush()
        try:
            yield
        finally:
            if writer:
                handle.truncate(0)  # a pid left behind would name an unrelated process later


def claim(directory: str | Path, config: Config | Fleet, what: str) -> None:
    """Refuse `directory` when it holds the `what` (e.g. "stacks") of another configuration file (for a project
    of a platform repository: of another than the platform's)."""
    source = config.owner_file
    if source is None:
        return  # built in code: the caller chose the directory
    try:
        owner = (Path(directory) / OWNER_FILE).read_text().strip()
    except (FileNotFoundError, NotADirectoryError):
        return
    if owner and owner != str(source):
        raise UserError(
            f"{directory} holds the {what} of {owner}; running {source} there would replace them",
            f"give this configuration its own directory (--output/--outdir, --rehearsal-dir), or delete "
            f"{directory} if the {what} of {owner} are no longer needed")


def record_owner(directory: str | Path, config: Config | Fleet) -> None:
    if config.owner_file is not None:
        Path(directory).mkdir(parents=True, exist_ok=True)
        (Path(directory) / OWNER_FILE).write_text(f"{config.owner_file}\n")
