"""A real headless browser for the tests marked `browser`: Debian's Chromium (`make setup-browser` installs it)
driven by Playwright, its profile, HOME and temp files under a directory of the test's, nothing fetched."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@contextlib.contextmanager
def headless_chromium(directory: Path) -> Iterator[object]:
    """A Playwright browser context of /usr/bin/chromium whose files all stay under `directory`."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: the browser tests need Debian's Chromium; run `make setup-browser` "
                    "(as root: apt-get install -y chromium)", pytrace=False)
    from playwright.sync_api import sync_playwright

    home, temp = directory / "home", directory / "tmp"
    home.mkdir(parents=True, exist_ok=True)
    temp.mkdir(exist_ok=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TMPDIR", str(temp))  # Playwright's driver keeps its artifacts there
        with sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(
                str(directory / "profile"), executable_path=str(CHROMIUM), headless=True, args=ARGS,
                env={**os.environ, "HOME": str(home), "TMPDIR": str(temp)})  # Chromium writes ~/.pki too
            try:
                yield context
            finally:
                context.close()


@dataclass
class LoadedPage:
    """A page opened from a file, with everything it reported while loading."""

    page: object
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        """Console errors and warnings (a Content-Security-Policy violation is one), uncaught exceptions, dialogs."""
        return self.console + self.errors + self.dialogs


def open_file(context, path: Path) -> LoadedPage:
    page = context.new_page()
    loaded = LoadedPage(page)
    page.on("console", lambda m: m.type in ("error", "warning") and loaded.console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: loaded.errors.append(f"page error: {e}"))
    page.on("request", lambda r: loaded.requests.append(r.url))
    page.on("dialog", lambda d: (loaded.dialogs.append(f"dialog: {d.message}"), d.dismiss()))
    page.goto(path.resolve().as_uri(), wait_until="load")
    return loaded
