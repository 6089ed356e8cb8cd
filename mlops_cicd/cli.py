"""The `mlops-cicd` command line."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .config import DEFAULT_CONFIG_FILE, ConfigError, load_config

EXIT_CONFIG_ERROR = 2


def _config_path(args: argparse.Namespace) -> str:
    return args.config or os.environ.get("MLOPS_CICD_CONFIG") or DEFAULT_CONFIG_FILE


def cmd_synth(args: argparse.Namespace) -> int:
    from .app import synth  # cdktf start-up is slow; only pay it when synthesizing
    from .summary import summarize

    config = load_config(_config_path(args))
    outdir = synth(config, args.output)
    print(summarize(Path(outdir)))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mlops-cicd", description="Set up Databricks + GitHub Actions CI/CD with CDKTF.")
    parser.add_argument("--config", help=f"configuration file (default: $MLOPS_CICD_CONFIG or {DEFAULT_CONFIG_FILE})")
    commands = parser.add_subparsers(dest="command", required=True)
    synth = commands.add_parser("synth", help="validate the configuration and synthesize one Terraform stack per environment")
    synth.add_argument("--output", help="output directory (default: $CDKTF_OUTDIR or cdktf.out)")
    synth.set_defaults(handler=cmd_synth)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return EXIT_CONFIG_ERROR
