"""One ``dagster dev`` per test session, shared by the webserver and the browser tests.

Starting the webserver, the daemon and the code location costs tens of seconds and
materializing the whole graph more, so both happen once: ``dagster_dev`` starts the server
on ``workspace.yaml`` with a fresh instance, warehouse, alert logs and dashboards folder
(nothing is written under ``data/``), and ``materialized`` launches one run of every asset
and check through GraphQL and waits for it to succeed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.e2e.asset_run import Materialized, fetch_repository, launch_all_assets
from tests.e2e.dagster_dev import PROJECT_ROOT, DagsterDev, run_dagster_dev

WORKSPACE = PROJECT_ROOT / "workspace.yaml"
ALERT_ROUTES = PROJECT_ROOT / "config" / "alert_routes.yaml"
#: Seconds for the code location to load (dbt manifest included) and for the full run.
LOAD_TIMEOUT = 180.0
RUN_TIMEOUT = 240.0


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
        },
        load_timeout=LOAD_TIMEOUT,
    ) as server:
        yield server


@pytest.fixture(scope="session")
def materialized(dagster_dev: DagsterDev, location_name: str) -> Materialized:
    run_id = launch_all_assets(dagster_dev, fetch_repository(dagster_dev, location_name))
    dagster_dev.wait_for_run(run_id, timeout=RUN_TIMEOUT)
    return Materialized(run_id=run_id, repository=fetch_repository(dagster_dev, location_name))
