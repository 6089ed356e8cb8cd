"""Failures a user can fix, reported as one readable line plus the fix, and the exit codes of `mlops-cicd`.

Library-level (locks, local state and the operations raise them; the CLI prints them), so nothing below the
command line imports the command line.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_CHECKS_FAILED = 1
"""A verdict is negative: a check error (`synth`, `check`), a failed rehearsal, a failed preflight, or
`status --fail-on-warning` with a warning."""
EXIT_USAGE = 2
"""The command line is wrong: an unknown option or command, a missing or malformed argument (a `--now` that is
not a time, an `--output` that is a file or cannot be written, a `--from-json` file that is not `terraform show
-json` output, an environment the configuration does not have). argparse's own code for usage errors. Nothing
was written."""
EXIT_OPERATION_FAILED = 3
"""A step outside our control failed: terraform, a missing state or rehearsal, a lock held by another command."""
EXIT_CONFIG_ERROR = 4
"""The configuration file is invalid (every problem listed with its fix), or the stacks cannot be built from
it. Nothing was written."""

EXIT_INTERRUPTED = 130
"""Interrupted (Ctrl-C): 128 + SIGINT, as shells report it."""


class UserError(Exception):
    """Something the user can fix: `str()` is what went wrong, `fix` what to do about it."""

    def __init__(self, message: str, fix: str, exit_code: int = EXIT_OPERATION_FAILED):
        super().__init__(message)
        self.fix = fix
        self.exit_code = exit_code


def usage_error(message: str, fix: str) -> UserError:
    """A wrong command line (EXIT_USAGE)."""
    return UserError(message, fix, EXIT_USAGE)
