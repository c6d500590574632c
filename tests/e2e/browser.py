"""Headless Chromium, from Debian's package, driven by Playwright for Python.

Playwright's own browser download cannot work on these machines, so the system browser is
launched by path; the flags keep it from reaching any network service but the loopback
webserver under test.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: Wide enough that the global lineage, zoomed to fit, still draws its group nodes in
#: full (with asset counts and statuses) rather than as bare names.
VIEWPORT = {"width": 1920, "height": 1080}
#: Where screenshots go (git-ignored); E2E_SCREENSHOT_DIR points them elsewhere.
SCREENSHOT_DIR = Path(os.environ.get("E2E_SCREENSHOT_DIR", Path(__file__).parent / "screenshots"))


class BrowserUnavailable(RuntimeError):
    """Chromium is missing; the message says how to install it."""


def chromium_missing() -> str | None:
    """Why no browser test can run here, naming the fix; None when Chromium is installed."""
    if CHROMIUM.exists():
        return None
    return (
        f"{CHROMIUM} not found: install it with `sudo apt-get install -y chromium` or set "
        "E2E_CHROMIUM to its path (.ci/run installs it in CI)"
    )


@contextmanager
def chromium_page() -> Iterator[Page]:
    """A fresh page in a fresh headless Chromium, closed on exit."""
    missing = chromium_missing()
    if missing is not None:
        raise BrowserUnavailable(missing)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(viewport=VIEWPORT)
            yield context.new_page()
        finally:
            browser.close()
