"""Shared test fixtures.

``integration_instance`` is how an integration test earns its coverage claim: a test
marked ``@pytest.mark.integration(covers=[...])`` must use it, and at teardown every
asset it claims (keys, or ``group:<name>`` resolved against the project's definitions)
must have been materialized in that instance. The stage audit reads the claims
statically; this fixture makes sure they are true.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from platform_assets.warehouse import Warehouse
from tests.postgres_server import PostgresServer, running_server, server_binaries

INTEGRATION_FIXTURE = "integration_instance"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "coverage_not_measured",
        type="linelist",
        help="test files run with coverage paused (pytest-cov's no_cover): see pyproject.toml",
    )
    parser.addini(
        "scheduled_first",
        type="linelist",
        help="test files (or folders) run first, in this order: see pyproject.toml",
    )


def _scheduled_first(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Stable-sorts the listed files to the front: each xdist worker reports this order,
    and `--dist loadfile --no-loadscope-reorder` hands files out in it."""
    first = list(config.getini("scheduled_first"))

    def rank(item: pytest.Item) -> int:
        return next(
            (i for i, prefix in enumerate(first) if item.nodeid.startswith(prefix)), len(first)
        )

    items.sort(key=rank)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    _scheduled_first(config, items)
    unmeasured = tuple(config.getini("coverage_not_measured"))
    for item in items:
        if unmeasured and item.nodeid.startswith(unmeasured):
            item.add_marker(pytest.mark.no_cover)
        marker = item.get_closest_marker("integration")
        if (
            marker
            and marker.kwargs.get("covers")
            and INTEGRATION_FIXTURE not in getattr(item, "fixturenames", ())
        ):
            raise pytest.UsageError(
                f"{item.nodeid} claims integration coverage but does not use the "
                f"`{INTEGRATION_FIXTURE}` fixture that verifies the claim"
            )


def _covered_keys(covers: list[str]) -> list[dg.AssetKey]:
    keys = [dg.AssetKey.from_user_string(c) for c in covers if not c.startswith("group:")]
    groups = {c.removeprefix("group:") for c in covers if c.startswith("group:")}
    if groups:
        from platform_assets.definitions import defs

        graph = defs.resolve_asset_graph()
        keys += [
            node.key
            for node in graph.asset_nodes
            if node.group_name in groups and node.is_materializable
        ]
    return keys


@pytest.fixture
def integration_instance(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[dg.DagsterInstance]:
    home = tmp_path / "dagster_home"
    home.mkdir()
    with dg.instance_for_test(temp_dir=str(home)) as instance:
        yield instance
        marker = request.node.get_closest_marker("integration")
        covers = list(marker.kwargs.get("covers", ())) if marker else []
        missing = [
            key.to_user_string()
            for key in _covered_keys(covers)
            if instance.get_latest_materialization_event(key) is None
        ]
        assert not missing, f"claims integration coverage of unmaterialized assets: {missing}"


@pytest.fixture
def warehouse_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh DuckDB file, also handed to dbt through the environment."""
    path = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("PLATFORM_WAREHOUSE_PATH", str(path))
    return path


# Set before anything imports the definitions: the warehouse resource is then bound to
# the environment variable (resolved at run time, so a test's own path applies) instead
# of the project's data/warehouse.duckdb, which tests must never touch.
os.environ.setdefault("PLATFORM_WAREHOUSE_PATH", str(Path(tempfile.mkdtemp()) / "tests.duckdb"))
# Everything else the platform writes locally (alert logs, backups) goes under the data
# root: a temporary one, so no test writes into the project's data/.
os.environ.setdefault("PLATFORM_DATA_DIR", tempfile.mkdtemp())
os.environ.setdefault("PLATFORM_DASHBOARDS_DIR", tempfile.mkdtemp())
# A smaller demo window keeps the end-to-end runs of the suite quick.
os.environ.setdefault("PLATFORM_DORA_DEMO_DAYS", "30")
os.environ.setdefault("DAGSTER_TELEMETRY_DISABLED", "1")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One throwaway PostgreSQL cluster for the session. Without Debian's server binaries
    the test fails under CI (a `postgres` test is never silently skipped there) and is
    skipped with a notice on a developer's machine."""
    if server_binaries() is None:
        message = "PostgreSQL server binaries missing: `apt-get install postgresql`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with running_server() as server:
        yield server


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """A fresh empty database on the session's server, as its superuser."""
    return postgres_server.create_database()


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_warehouse(request: pytest.FixtureRequest, tmp_path: Path) -> Warehouse:
    """The same test on the embedded DuckDB file and on a PostgreSQL database."""
    if request.param == "duckdb":
        return Warehouse(database=str(tmp_path / "warehouse.duckdb"))
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return Warehouse(postgres_url=server.create_database())
