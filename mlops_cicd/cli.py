"""The `mlops-cicd` command line: assembles the commands of `mlops_cicd.commands` and turns every
failure a user can fix into one readable line plus the fix (set MLOPS_CICD_DEBUG=1 for a traceback)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .commands import check, rehearse, rotate, status, synth
from .commands.common import add_config_option
from .commands.errors import EXIT_CHECKS_FAILED, EXIT_CONFIG_ERROR, EXIT_OPERATION_FAILED, UserError
from .config import ConfigError
from .passed_in import passed_in_values
from .secret_patterns import redact

COMMANDS = (synth, check, rehearse, status, rotate)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mlops-cicd",
        description="Set up Databricks + GitHub Actions CI/CD with CDKTF, and operate it: checks, "
                    "offline rehearsal, credential status and rotation.",
    )
    add_config_option(parser)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(commands)
    return parser


def _error(text: str) -> None:
    """Print to stderr; messages quote user input, so no credential-shaped run or TF_VAR_* value leaves."""
    print(redact(text, passed_in_values(os.environ).values()), file=sys.stderr)


def _fail(message: str, fix: str, code: int) -> int:
    _error(f"mlops-cicd: error: {message}\n  fix: {fix}")
    return code


def _prefer_project_node() -> None:
    """jsii prints an end-of-life banner on the machine's Node 20; use the project's Node 22 if installed."""
    node = Path("node_modules/node/bin/node")
    if "JSII_NODE" not in os.environ and node.is_file():
        os.environ["JSII_NODE"] = str(node.resolve())


def main(argv: list[str] | None = None) -> int:
    from .checks import ChecksFailed

    args = build_parser().parse_args(argv)
    _prefer_project_node()
    try:
        return args.handler(args)
    except ConfigError as error:
        _error(str(error))  # already one line per problem, each with its fix
        return EXIT_CONFIG_ERROR
    except ChecksFailed as error:
        # The report itself (each finding with its fix) has been printed already.
        return _fail(str(error), "see each finding's fix above, or suppress it with a reason "
                     "([[checks.suppress]] id, reason, environment)", EXIT_CHECKS_FAILED)
    except UserError as error:
        return _fail(str(error), error.fix, error.exit_code)
    except KeyboardInterrupt:
        return _fail("interrupted", "run the command again", EXIT_OPERATION_FAILED)
    except Exception as error:  # noqa: BLE001 - the last resort: a line, not a traceback
        if os.environ.get("MLOPS_CICD_DEBUG"):
            raise
        return _fail(f"unexpected {type(error).__name__}: {error}",
                     "rerun with MLOPS_CICD_DEBUG=1 for the traceback and report it", EXIT_OPERATION_FAILED)


if __name__ == "__main__":
    sys.exit(main())
