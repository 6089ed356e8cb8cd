"""Progress of long-running steps, on stderr so stdout stays clean for --json and tables."""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def step(message: str) -> Iterator[None]:
    """Print `message...` before a step and how long it took after it."""
    print(f"mlops-cicd: {message}...", file=sys.stderr, flush=True)
    started = time.monotonic()
    yield
    print(f"mlops-cicd: {message}: done in {time.monotonic() - started:.1f}s", file=sys.stderr, flush=True)
