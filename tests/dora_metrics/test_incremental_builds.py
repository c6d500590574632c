"""Incremental builds end in exactly the tables a full build makes from the same data.

Each test lands raw data in several loads (tests/dora_metrics/arrivals.py), running
`dbt build` after each (the first builds every model in full, the later ones
incrementally), and after every load compares every intermediate and mart table row for
row with a fresh full build of the same raw data. It also checks that the later builds
really were incremental: no incremental model recorded a full rebuild after the first.

The loads are chosen so that every rule by which an incremental model finds old values or
neighbouring rows to recompute is needed by some load: each was deleted in turn while
these tests were written, and each deletion made one of them fail, except two rules the
others imply (kept as guards, commented as such in the models).
"""

from __future__ import annotations

import json
import logging
import os
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest
from dbt.adapters.duckdb.connections import DuckDBConnectionManager
from dbt.cli.main import dbtRunner

from platform_assets.domains.dora.demo_source import DemoConnector, DemoSettings
from platform_assets.domains.dora.raw_schemas import RAW_CONTRACTS
from platform_assets.ingestion import ingest
from platform_assets.warehouse import Warehouse
from tests.dora_metrics.arrivals import (
    Snapshot,
    create_raw_tables,
    isolated_correction_snapshots,
    land_snapshot,
    scenario_snapshots,
    shuffled_snapshots,
)
from tests.dora_metrics.scenario import AS_OF, DBT_PROJECT_DIR, DORA_SELECTION, WINDOW_DAYS

COMPARED_SCHEMAS = ("staging", "intermediate", "marts")
# When and by which run a row was loaded: the loads differ between the two warehouses by
# design (several loads against one), so staging's lineage columns are not compared.
LOAD_LINEAGE_COLUMNS = ("loaded_at", "load_run_id")
DBT_ENVIRONMENT = {"PLATFORM_WAREHOUSE_PATH": "", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}

MODES: dict[str, dict[str, Any]] = {
    "default": {"dora_mode": "default"},
    "devlake": {"dora_mode": "devlake"},
    "four_keys": {"dora_mode": "four_keys"},
    "new_york": {
        "dora_mode": "default",
        "dora_timezone": "America/New_York",
        "dora_incident_max_lag_hours": 24,
    },
}


def _dbt(workdir: Path, path: Path, dbt_vars: dict[str, Any], *, tests: bool = True) -> None:
    """`dbt build` of the DORA nodes, in this process (dbt's start-up would double the
    suite's time); without tests for the full builds, whose results the scenario tests
    already check."""
    arguments = ["build", "--select", *DORA_SELECTION, "--threads", "1", "--quiet"]
    if not tests:
        arguments += ["--exclude-resource-type", "test"]
    arguments += ["--vars", json.dumps(dbt_vars), "--project-dir", str(DBT_PROJECT_DIR)]
    arguments += ["--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(workdir / "target")]
    arguments += ["--log-path", str(workdir / "logs")]
    saved = {name: os.environ.get(name) for name in DBT_ENVIRONMENT}
    os.environ.update({**DBT_ENVIRONMENT, "PLATFORM_WAREHOUSE_PATH": str(path)})
    try:
        outcome = dbtRunner().invoke(arguments)
    finally:
        # dbt-duckdb keeps its DuckDB instance open for the process's next invocation;
        # closed here, so the test can open the file and a later build can replace it
        environment = DuckDBConnectionManager._ENV
        if environment is not None:
            environment.close()
            DuckDBConnectionManager._ENV = None
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    failed = [
        f"{result.node.unique_id}: {result.status} {result.message}"
        for result in getattr(outcome.result, "results", [])
        if str(result.status) not in ("success", "pass")
    ]
    assert outcome.success, f"dbt build failed: {outcome.exception or failed}"


def _tables(path: Path) -> dict[str, pl.DataFrame]:
    with duckdb.connect(str(path), read_only=True) as connection:
        names = connection.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_schema in (select unnest(?)) order by 1",
            [list(COMPARED_SCHEMAS)],
        ).fetchall()
        return {
            name: connection.sql(
                f"select * exclude ({', '.join(LOAD_LINEAGE_COLUMNS)}) from {name} order by all"
                if name.startswith("staging.")
                else f"select * from {name} order by all"
            ).pl()
            for (name,) in names
        }


def _assert_same_tables(incremental: Path, full: Path, load: int) -> None:
    built, expected = _tables(incremental), _tables(full)
    assert built.keys() == expected.keys()
    assert any(frame.height for frame in expected.values()), "the comparison needs data"
    different = {
        name: (built[name].height, expected[name].height)
        for name in expected
        if not built[name].equals(expected[name])
    }
    assert different == {}, (
        f"after load {load}, incremental != full (rows incremental, full): {different}"
    )


def _assert_built_incrementally(path: Path) -> None:
    """Every incremental model was rebuilt in full only by the first build."""
    with duckdb.connect(str(path), read_only=True) as connection:
        rows = connection.execute(
            "select model, full_built_at = "
            "(select min(full_built_at) from ops.incremental_replace_state) "
            "from ops.incremental_replace_state"
        ).fetchall()
    assert len(rows) >= 9, f"expected the incremental models to record state, got {rows}"
    assert [model for model, first_only in rows if not first_only] == []


def _full_build(workdir: Path, snapshot: Snapshot, dbt_vars: dict[str, Any]) -> Path:
    """A fresh warehouse built in full from ``snapshot`` (same file each time, so dbt's
    partial parsing still applies)."""
    full = workdir / "full.duckdb"
    full.unlink(missing_ok=True)
    create_raw_tables(full)
    land_snapshot(full, None, snapshot, 0)
    _dbt(workdir / "full", full, dbt_vars, tests=False)
    return full


def _replay(
    workdir: Path, snapshots: list[Snapshot], dbt_vars: dict[str, Any], *, tests: bool = True
) -> None:
    """Lands the snapshots one after the other, building after each, and compares the
    tables with a full build of the same snapshot every time: a wrong incremental step
    can be hidden by a later correction, so comparing the end state alone is not enough."""
    incremental = workdir / "incremental.duckdb"
    create_raw_tables(incremental)
    previous = None
    last = len(snapshots) - 1
    for load, snapshot in enumerate(snapshots):
        land_snapshot(incremental, previous, snapshot, load)
        previous = snapshot
        # every dbt test runs on the last incremental build; the earlier builds skip
        # them to keep the suite quick
        _dbt(workdir / "incremental", incremental, dbt_vars, tests=tests and load == last)
        if load > 0:
            _assert_same_tables(incremental, _full_build(workdir, snapshot, dbt_vars), load)
    _assert_built_incrementally(incremental)


@pytest.mark.parametrize("mode", MODES)
def test_incremental_loads_with_corrections_build_what_a_full_build_does(
    mode: str, tmp_path: Path
) -> None:
    dbt_vars = {"dora_as_of": AS_OF, "dora_window_days": WINDOW_DAYS, **MODES[mode]}
    _replay(tmp_path, scenario_snapshots(), dbt_vars)


@pytest.mark.parametrize("mode", ["default", "devlake"])
def test_isolated_corrections_build_what_a_full_build_does(mode: str, tmp_path: Path) -> None:
    """Each load changes one thing that only one rule of the incremental models catches
    (see arrivals.isolated_correction_snapshots); DevLake mode attributes incidents
    project-wide, so it is checked as well."""
    dbt_vars = {"dora_as_of": AS_OF, "dora_window_days": WINDOW_DAYS, **MODES[mode]}
    _replay(tmp_path, isolated_correction_snapshots(), dbt_vars)


def test_another_mode_or_a_lost_state_rebuilds_in_full(tmp_path: Path) -> None:
    """Rows computed under one dora_mode never mix with another's: the fingerprint
    changes, so every incremental model rebuilds in full. A warehouse whose models were
    built before they were incremental (tables, no recorded state) rebuilds in full too."""
    first, second, *_ = scenario_snapshots()
    incremental = tmp_path / "incremental.duckdb"
    create_raw_tables(incremental)
    land_snapshot(incremental, None, first, 0)
    default = {"dora_as_of": AS_OF, "dora_window_days": WINDOW_DAYS, "dora_mode": "default"}
    _dbt(tmp_path / "incremental", incremental, default, tests=False)

    devlake = {**default, "dora_mode": "devlake"}
    _dbt(tmp_path / "incremental", incremental, devlake)
    _assert_same_tables(incremental, _full_build(tmp_path, first, devlake), 0)

    with duckdb.connect(str(incremental)) as connection:
        connection.execute("drop schema ops cascade")
    land_snapshot(incremental, first, second, 1)
    _dbt(tmp_path / "incremental", incremental, devlake)
    _assert_same_tables(incremental, _full_build(tmp_path, second, devlake), 1)


def test_another_pseudonym_key_rebuilds_in_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The staging tables keep the pseudonyms of earlier runs. Under another key they, and
    every incremental model, rebuild in full: a table mixing two keys' pseudonyms (an
    author no longer equal to themselves) would differ from the full build here."""
    first, second, *_ = scenario_snapshots()
    incremental = tmp_path / "incremental.duckdb"
    create_raw_tables(incremental)
    land_snapshot(incremental, None, first, 0)
    dbt_vars = {"dora_as_of": AS_OF, "dora_window_days": WINDOW_DAYS, "dora_mode": "default"}
    _dbt(tmp_path / "incremental", incremental, dbt_vars, tests=False)

    monkeypatch.setenv("PLATFORM_PII_HMAC_KEY", "another pseudonym key, rotated " * 2)
    land_snapshot(incremental, first, second, 1)
    _dbt(tmp_path / "incremental", incremental, dbt_vars)
    _assert_same_tables(incremental, _full_build(tmp_path, second, dbt_vars), 1)


@pytest.mark.parametrize("seed", [1, 2])
def test_rows_arriving_in_any_order_build_what_a_full_build_does(seed: int, tmp_path: Path) -> None:
    dbt_vars = {"dora_as_of": AS_OF, "dora_window_days": WINDOW_DAYS, "dora_mode": "default"}
    # without the dbt tests: a relationships test rightly fails (and stops the models
    # downstream) while a pull request's commits wait for the pull request
    _replay(tmp_path, shuffled_snapshots(seed), dbt_vars, tests=False)


def _ingest_demo(path: Path, end: date) -> None:
    """The demo source's window ending at ``end``, landed by the real ingestion: an
    incremental pull after the first one brings only what is new or changed."""
    connector = DemoConnector(DemoSettings(scale=0.5, days=21, end=end))
    warehouse = Warehouse(database=str(path))
    for contract in RAW_CONTRACTS.values():
        ingest(
            connector, contract, warehouse, run_id=f"demo-{end}", log=logging.getLogger(__name__)
        )


def _copy_raw(source: Path, target: Path) -> None:
    target.unlink(missing_ok=True)
    with duckdb.connect(str(target)) as connection:
        connection.execute(f"attach '{source}' as landed (read_only)")
        connection.execute("create schema raw")
        for table in RAW_CONTRACTS:
            connection.execute(f"create table raw.{table} as select * from landed.raw.{table}")


def test_demo_source_advancing_day_by_day_builds_what_a_full_build_does(tmp_path: Path) -> None:
    first_end = date(2024, 3, 5)
    ends = [first_end, first_end + timedelta(days=1), first_end + timedelta(days=4)]
    incremental, full = tmp_path / "incremental.duckdb", tmp_path / "full.duckdb"
    for load, end in enumerate(ends):
        _ingest_demo(incremental, end)
        dbt_vars = {"dora_as_of": str(end), "dora_window_days": 14}
        _dbt(tmp_path / "incremental", incremental, dbt_vars, tests=load > 0)
        if load > 0:
            _copy_raw(incremental, full)
            _dbt(tmp_path / "full", full, dbt_vars, tests=False)
            _assert_same_tables(incremental, full, load)
    _assert_built_incrementally(incremental)
