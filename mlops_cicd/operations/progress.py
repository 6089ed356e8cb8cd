"""Progress of long-running work, on stderr so stdout stays clean for --json and tables.

On a terminal, a step shows a `rich` spinner and work over several stacks a progress bar; otherwise (a pipe, a
CI log, `--json`) each step is one plain line when it starts and one with its time when it ends. The command
line closes with one line timing the whole command (`finished`), measured from `started()`.
"""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")
_state = {"plain": False, "started": time.monotonic(), "steps": 0}


def started(plain: bool) -> None:
    """A command starts now; `plain`: no spinner or bar even on a terminal (--json)."""
    _state.update(plain=plain, started=time.monotonic(), steps=0)


def _console():
    """A rich console on stderr when it is a terminal and fancy output is wanted; else None."""
    if _state["plain"] or not sys.stderr.isatty():
        return None
    from rich.console import Console  # only on a terminal: plain runs never import it

    console = Console(file=sys.stderr)
    return console if console.is_terminal and not console.is_dumb_terminal else None


def _line(text: str) -> None:
    print(f"mlops-cicd: {text}", file=sys.stderr, flush=True)


@contextmanager
def step(message: str) -> Iterator[None]:
    """`message...` while the block runs, then how long it took."""
    _state["steps"] += 1
    begun = time.monotonic()
    console = _console()
    if console is None:
        _line(f"{message}...")
        yield
    else:
        with console.status(f"{message}..."):
            yield
    _line(f"{message}: done in {time.monotonic() - begun:.1f}s")


@contextmanager
def counted(total: int, message: str) -> Iterator[Callable[[str], None]]:
    """Work on `total` items: the block calls the function it gets with an item's label as each one starts,
    shown with a bar on a terminal, else one line per item; then how long it all took."""
    _state["steps"] += 1
    begun, console = time.monotonic(), _console()
    if console is None:
        number = iter(range(1, total + 1))
        yield lambda label: _line(f"{message} ({next(number, total)}/{total}: {label})...")
    else:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console) as bar:
            task = bar.add_task(message, total=total)
            begun_items = [0]

            def advance(label: str) -> None:
                if begun_items[0]:
                    bar.advance(task)
                begun_items[0] += 1
                bar.update(task, description=f"{message}: {label}")

            yield advance
            bar.update(task, completed=total, description=message)
    _line(f"{message}: done in {time.monotonic() - begun:.1f}s")


def track(items: Iterable[T], message: str, label: Callable[[T], str] = str) -> Iterator[T]:
    """Yield each item while showing `message` with a bar (on a terminal) or one line per item."""
    items = list(items)
    with counted(len(items), message) as begin:
        for item in items:
            begin(label(item))
            yield item


def finished(command: str) -> None:
    """One line timing the whole command, when it showed any progress (quick commands stay quiet)."""
    if _state["steps"]:
        _line(f"{command} finished in {time.monotonic() - _state['started']:.1f}s (the whole command)")
