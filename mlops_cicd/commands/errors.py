"""Failures the CLI reports as one readable line plus the fix, and the exit codes it uses."""

from __future__ import annotations

EXIT_OK = 0
EXIT_CHECKS_FAILED = 1
"""A verdict is negative: a check error (`synth`, `check`), a failed rehearsal, or
`status --fail-on-warning` with a warning."""
EXIT_CONFIG_ERROR = 2
"""The input is invalid: the configuration file, or the command line (an option naming a file that is not
the expected one, an unwritable output directory, a malformed time, ...). Nothing was written."""
EXIT_OPERATION_FAILED = 3
"""A step outside our control failed: terraform, a missing state or rehearsal, ..."""


class UserError(Exception):
    """Something the user can fix: `str()` is what went wrong, `fix` what to do about it."""

    def __init__(self, message: str, fix: str, exit_code: int = EXIT_OPERATION_FAILED):
        super().__init__(message)
        self.fix = fix
        self.exit_code = exit_code
