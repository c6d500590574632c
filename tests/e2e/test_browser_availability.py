"""Whether the browser tests run: skipped with a notice naming the install command on a
machine without Chromium (so `make test` passes on a fresh clone), mandatory under CI.

The runs below start no `dagster dev`: a skipped test sets up no fixture, and a browser
test that must run without a browser fails before its fixtures are set up.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e import browser
from tests.e2e.conftest import browser_skip_reason
from tests.e2e.dagster_dev import PROJECT_ROOT

MISSING = Path("/nonexistent/chromium")
INSTALL = "apt-get install -y chromium"
BROWSER_TESTS = "tests/e2e/test_browser.py"


def run_browser_tests(*args: str, ci: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["E2E_CHROMIUM"] = str(MISSING)
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", BROWSER_TESTS, *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_without_chromium_the_browser_tests_are_skipped_with_the_install_command():
    result = run_browser_tests(ci=None)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 skipped" in result.stdout
    notice = f"4 browser tests skipped: {MISSING} not found: install it with `sudo {INSTALL}`"
    assert notice in result.stdout


def test_with_ci_true_the_browser_tests_fail_without_chromium_naming_the_install_command():
    result = run_browser_tests(ci="true")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "4 errors" in result.stdout
    assert f"BrowserUnavailable: {MISSING} not found: install it with `sudo {INSTALL}`" in (
        result.stdout
    )
    assert "skipped" not in result.stdout


def test_without_chromium_opening_a_page_fails_naming_the_install_command(monkeypatch):
    monkeypatch.setattr(browser, "CHROMIUM", MISSING)
    with pytest.raises(browser.BrowserUnavailable, match=INSTALL), browser.chromium_page():
        pass


@pytest.mark.parametrize(
    ("environ", "missing", "skipped"),
    [
        ({}, "chromium not found", True),
        ({"CI": "false"}, "chromium not found", True),
        ({"CI": "true"}, "chromium not found", False),
        ({"CI": "1"}, "chromium not found", False),
        ({}, None, False),
    ],
)
def test_browser_tests_are_skipped_only_without_chromium_outside_ci(environ, missing, skipped):
    assert (browser_skip_reason(environ, missing) is not None) is skipped
