"""One ``dagster dev`` per test session, shared by the webserver and the browser tests.

Starting the webserver, the daemon and the code location costs tens of seconds and
materializing the whole graph more, so both happen once: ``dagster_dev`` starts the server
on ``workspace.yaml`` with a fresh instance, warehouse, alert logs and dashboards folder
(nothing is written under ``data/``), and ``materialized`` launches one run of every asset
and check through GraphQL and waits for it to succeed.

The browser tests need Debian's Chromium. On a machine without it they are skipped with a
notice naming the install command, so `make test` passes on a fresh clone; under CI
(``CI=true``, which ``.ci/run`` sets after installing the browser) they are mandatory and
a missing browser fails them.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
import yaml

from tests.e2e.asset_run import (
    Materialized,
    fetch_repository,
    fetch_run_asset_events,
    launch_all_assets,
)
from tests.e2e.browser import BrowserUnavailable, chromium_missing
from tests.e2e.dagster_dev import PROJECT_ROOT, DagsterDev, run_dagster_dev

WORKSPACE = PROJECT_ROOT / "workspace.yaml"
ALERT_ROUTES = PROJECT_ROOT / "config" / "alert_routes.yaml"
#: Seconds for the code location to load (dbt manifest included) and for the full run.
LOAD_TIMEOUT = 180.0
RUN_TIMEOUT = 240.0
#: The fixture that opens Chromium: a test that requests it is a browser test.
BROWSER_FIXTURE = "page"
#: Values of CI that mean "this is a CI run" (GitHub Actions and most CI systems set true).
CI_VALUES = frozenset({"true", "1", "yes"})
#: The notice the run ends with when browser tests were skipped.
_BROWSER_NOTICE = pytest.StashKey[str]()
#: On a browser test that must run but cannot: why.
_BROWSER_MISSING = pytest.StashKey[str]()


def browser_skip_reason(environ: Mapping[str, str], missing: str | None) -> str | None:
    """Why the browser tests are skipped, or None when they run: they run wherever
    Chromium is installed, and in CI even without it (and fail, naming the fix)."""
    if missing is None or environ.get("CI", "").strip().lower() in CI_VALUES:
        return None
    return f"browser tests skipped: {missing}; with CI=true they are mandatory"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    missing = chromium_missing()
    if missing is None:
        return
    # The hook sees the whole session's items, not only this folder's.
    here = Path(__file__).parent
    browser_tests = [
        item
        for item in items
        if item.path.is_relative_to(here) and BROWSER_FIXTURE in getattr(item, "fixturenames", ())
    ]
    reason = browser_skip_reason(os.environ, missing)
    for item in browser_tests:
        if reason is None:
            item.stash[_BROWSER_MISSING] = missing
        else:
            item.add_marker(pytest.mark.skip(reason=reason))
    if browser_tests and reason is not None:
        config.stash[_BROWSER_NOTICE] = f"{len(browser_tests)} {reason}"


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """A browser test that must run without a browser fails before its fixtures start
    `dagster dev` and materialize the whole graph for nothing."""
    missing = item.stash.get(_BROWSER_MISSING, None)
    if missing is not None:
        raise BrowserUnavailable(missing)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    notice = terminalreporter.config.stash.get(_BROWSER_NOTICE, None)
    if notice:
        terminalreporter.write_sep("=", notice, yellow=True)


def workspace_location_name(workspace: Path = WORKSPACE) -> str:
    """The one code location ``workspace.yaml`` declares, by the name the UI shows."""
    (entry,) = yaml.safe_load(workspace.read_text())["load_from"]
    (target,) = entry.values()
    return target["location_name"]


def scratch_alert_routes(workdir: Path) -> Path:
    """The project's alert routes with every file sink moved under ``workdir``, so alerts
    raised during the test land in the test's directory, not in ``data/``."""
    routes = yaml.safe_load(ALERT_ROUTES.read_text())
    for name, sink in (routes.get("sinks") or {}).items():
        if "path" in sink:
            sink["path"] = str(workdir / "alerts" / f"{name}.jsonl")
    path = workdir / "alert_routes.yaml"
    path.write_text(yaml.safe_dump(routes))
    return path


@pytest.fixture(scope="session")
def location_name() -> str:
    return workspace_location_name()


@pytest.fixture(scope="session")
def dagster_dev(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DagsterDev]:
    workdir = tmp_path_factory.mktemp("dagster_dev")
    with run_dagster_dev(
        workdir,
        target_args=["-w", str(WORKSPACE)],
        extra_env={
            "PLATFORM_ALERT_ROUTES": str(scratch_alert_routes(workdir)),
            "PLATFORM_DASHBOARDS_DIR": str(workdir / "dashboards"),
            # the Beta and GA customer assets refuse to run without a configured key
            "PLATFORM_PII_HMAC_KEY": secrets.token_hex(32),
        },
        load_timeout=LOAD_TIMEOUT,
    ) as server:
        yield server


@pytest.fixture(scope="session")
def materialized(dagster_dev: DagsterDev, location_name: str) -> Materialized:
    run_id = launch_all_assets(dagster_dev, fetch_repository(dagster_dev, location_name))
    dagster_dev.wait_for_run(run_id, timeout=RUN_TIMEOUT)
    return Materialized(
        run_id=run_id,
        repository=fetch_repository(dagster_dev, location_name),
        events=fetch_run_asset_events(dagster_dev, run_id),
    )
