"""The `mlops-cicd` command line: assembles the commands of `mlops_cicd.commands` and turns every
failure a user can fix into one readable line plus the fix (set MLOPS_CICD_DEBUG=1 for a traceback); with
--json, also into one JSON object on stdout. Exit codes: `mlops_cicd.errors` (README, "Operating it")."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from importlib import metadata
from typing import Iterator

from .commands import check, preflight, rehearse, rotate, status, synth, workflow
from .commands.options import add_config_option
from .config import ConfigError
from .errors import EXIT_CHECKS_FAILED, EXIT_CONFIG_ERROR, EXIT_INTERRUPTED, EXIT_USAGE, UserError
from .operations import progress
from .passed_in import secret_values
from .secret_patterns import redact

COMMANDS = (synth, check, preflight, rehearse, status, rotate, workflow)
CDKTF_APP_MARKER = "SYNTH_HCL_OUTPUT"
"""Set by cdktf-cli for the app it runs (@cdktf/cli-core 0.21.0, src/lib/synth-stack.js, beside
CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS); a user has no reason to set it."""


class _Parser(argparse.ArgumentParser):
    """argparse, with its usage errors raised (so --json reports them too) instead of printed and exited, and
    no abbreviated options (`--jso` would be `--json` to argparse, and scripts break when an option is added)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **{**kwargs, "allow_abbrev": False})  # the subcommands' parsers are _Parsers too

    def error(self, message: str):
        raise UserError(message, f"see `{self.prog} --help`", EXIT_USAGE)


def _version() -> str:
    try:
        return metadata.version("mlops-cicd")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="mlops-cicd",
        description="Set up Databricks + GitHub Actions CI/CD with CDKTF, and operate it: checks, preflight, "
                    "offline rehearsal, credential status and rotation.",
    )
    parser.add_argument("--version", action="version", version=f"mlops-cicd {_version()}")
    add_config_option(parser)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(commands)
    return parser


def _hide(text: str) -> str:
    """Messages quote user input and terraform's errors: no credential-shaped run, URL user-info, TF_VAR_* value
    or credential of the environment (DATABRICKS_TOKEN, PG_CONN_STR, ...: `secret_values`) leaves."""
    return redact(text, secret_values(os.environ).values())


def _hidden(document: object) -> object:
    """`document` with `_hide` applied to every string in it: before json.dumps, which escapes quotes,
    backslashes and non-ASCII characters, so that a secret holding one would no longer be found."""
    if isinstance(document, str):
        return _hide(document)
    if isinstance(document, dict):
        return {_hide(str(key)): _hidden(value) for key, value in document.items()}
    if isinstance(document, (list, tuple)):
        return [_hidden(item) for item in document]
    return document


def _report(error: BaseException, as_json: bool) -> int:
    """Print `error` for people (stderr) and, with --json, as one object (stdout); return its exit code."""
    from .checks import ChecksFailed

    if isinstance(error, ConfigError):
        code, text = EXIT_CONFIG_ERROR, str(error)  # already one line per problem, each with its fix
        problems = [{"field": p.field, "message": p.message} for p in error.problems]
    elif isinstance(error, ChecksFailed):
        # The report itself (each finding with its fix) has been printed already.
        fix = "see each finding's fix above, or suppress it with a reason ([[checks.suppress]] id, reason, environment)"
        code, text = EXIT_CHECKS_FAILED, f"mlops-cicd: error: {error}\n  fix: {fix}"
        problems = [finding.as_dict() for finding in error.report.errors]
    elif isinstance(error, UserError):
        code, text = error.exit_code, f"mlops-cicd: error: {error}\n  fix: {error.fix}"
        problems = [{"message": str(error), "fix": error.fix}]
    elif isinstance(error, KeyboardInterrupt):
        return _report(UserError("interrupted", "run the command again", EXIT_INTERRUPTED), as_json)
    else:
        return _report(UserError(f"unexpected {type(error).__name__}: {error}",
                                 "rerun with MLOPS_CICD_DEBUG=1 for the traceback and report it"), as_json)
    print(_hide(text), file=sys.stderr)
    if as_json:
        print(json.dumps(_hidden({"ok": False, "exit_code": code, "problems": problems}), indent=2))
    return code


def _unexpected(error: BaseException) -> bool:
    from .checks import ChecksFailed

    return not isinstance(error, (UserError, ConfigError, ChecksFailed, KeyboardInterrupt))


def run_by_cdktf(environ=os.environ) -> bool:
    return CDKTF_APP_MARKER in environ


@contextlib.contextmanager
def _progress_routed() -> Iterator[None]:
    """Under `cdktf synth`/`deploy`, progress and reports go to stdout: cdktf logs every line the app writes to
    stderr as [ERROR] (@cdktf/commons 0.21.0, src/util.js exec: processLoggerError) and prints stdout as it comes.
    Errors are printed after this block, on stderr, where cdktf rightly shows them as errors."""
    if run_by_cdktf():
        with contextlib.redirect_stderr(sys.stdout):
            yield
    else:
        yield


def _json_asked(argv: list[str]) -> bool:
    """Whether a command line that argparse refused asked for --json (also `--json=...`, refused as such)."""
    return any(arg == "--json" or arg.startswith("--json=") for arg in argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        args = build_parser().parse_args(argv)
    except UserError as error:
        return _report(error, _json_asked(argv))
    as_json = bool(getattr(args, "json", False))
    progress.started(plain=as_json)
    try:
        with _progress_routed():
            try:
                return args.handler(args)
            finally:
                progress.finished(args.command)
    except (Exception, KeyboardInterrupt) as error:  # noqa: BLE001 - the last resort: a line, not a traceback
        if os.environ.get("MLOPS_CICD_DEBUG") and _unexpected(error):
            raise
        return _report(error, as_json)


if __name__ == "__main__":
    sys.exit(main())
