"""Options shared by the commands: one name per concept (`--config`, `--output` as cdktf says, `--json`,
`--rehearsal-dir`) and the environment as the positional argument everywhere."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ..config import DEFAULT_CONFIG_FILE, Config, load_config
from ..errors import usage_error
from ..fleet import Fleet, StackRef, load_fleet
from ..synthesized import DEFAULT_OUTPUT, OUTPUT_ENV

CONFIG_ENV = "MLOPS_CICD_CONFIG"


def add_config_option(parser: argparse.ArgumentParser) -> None:
    # default=SUPPRESS: `--config` works before or after the command name without one hiding the other.
    parser.add_argument(
        "--config", default=argparse.SUPPRESS,
        help=f"configuration file (default: ${CONFIG_ENV} or {DEFAULT_CONFIG_FILE})",
    )


def add_output_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--output", metavar="DIR", help=f"{what} (default: ${OUTPUT_ENV} or {DEFAULT_OUTPUT})")


def add_json_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--json", action="store_true",
                        help=f"print {what} as one JSON object, errors included (for machines)")


def add_environments_argument(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("environments", nargs="*", metavar="ENV",
                        help=f"environments {what} (default: all; in a platform repository stacks `<project>-<env>`, "
                             "or globs such as 'proj-a-*')")


def add_environment_argument(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("environment", metavar="ENV",
                        help=f"the environment {what} (in a platform repository its stack, `<project>-<env>`)")


def config_path(args: argparse.Namespace) -> str:
    return getattr(args, "config", None) or os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG_FILE


def config_given(args: argparse.Namespace) -> bool:
    """Whether the user named a configuration file (option or variable), or the default one exists."""
    return bool(getattr(args, "config", None) or os.environ.get(CONFIG_ENV)) or os.path.isfile(DEFAULT_CONFIG_FILE)


def config_of(args: argparse.Namespace) -> Config:
    return load_config(config_path(args))


def fleet_of(args: argparse.Namespace) -> Fleet:
    """Every project the configuration file describes: itself, or a platform repository's projects (fleet.py)."""
    return load_fleet(config_path(args))


def stack_of(args: argparse.Namespace, name: str) -> StackRef:
    """The one stack `name` (ENV; in a platform repository `<project>-<env>`) of the configuration."""
    return one_stack(fleet_of(args), name)


def one_stack(fleet: Fleet, name: str) -> StackRef:
    stacks = fleet.select([name])
    if len(stacks) != 1 or stacks[0].name != name:
        raise usage_error(f"{name} names {len(stacks)} stacks, not one", "name one stack, without wildcards")
    return stacks[0]


def add_rehearsal_dir_option(parser: argparse.ArgumentParser) -> None:
    from ..operations.rehearsal import DEFAULT_REHEARSAL_DIR, REHEARSAL_DIR_ENV

    parser.add_argument("--rehearsal-dir", metavar="DIR",
                        help=f"where rehearsals are kept (default: ${REHEARSAL_DIR_ENV} or {DEFAULT_REHEARSAL_DIR})")


def rehearsal_directory(args: argparse.Namespace) -> Path:
    from ..operations.rehearsal import rehearsal_dir

    return rehearsal_dir(args.rehearsal_dir)
