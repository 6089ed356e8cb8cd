"""Printing what a command found: JSON for machines, text for people; tables with `rich` on a terminal."""

from __future__ import annotations

import json
import sys
from typing import Sequence


def print_json(document: object) -> None:
    print(json.dumps(document, indent=2))


def plain_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Aligned plain-text lines: for pipes, CI logs and files."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in [header, *rows]]


def on_terminal() -> bool:
    return sys.stdout.isatty()


def print_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """`rows` under `header`: a `rich` table on a terminal, else plain text."""
    if not on_terminal():
        print("\n".join(plain_table(header, rows)))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(*header, box=None, header_style="bold", pad_edge=False)
    for row in rows:
        table.add_row(*row)
    Console().print(table)
