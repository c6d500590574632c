"""The transactional, idempotent landing: reruns change nothing, a failed load keeps
nothing, and cursors make the next run read only what is new."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor, wait
from datetime import timedelta

import pytest

from platform_assets.domains.dora.raw_schemas import RAW_CONTRACTS
from platform_assets.ingestion import CURSORS_TABLE, FailureCategory, IngestionFailed, ingest
from platform_assets.integrations.postgres.grants import set_up_warehouse
from platform_assets.warehouse import Warehouse
from platform_assets.warehouse.dialect import WAREHOUSE_ERRORS
from tests.ingestion.conftest import END, all_tables, demo

#: The cursors table as the baseline migration creates it.
CURSORS_DDL = (
    f"create table {CURSORS_TABLE} (source VARCHAR NOT NULL, entity VARCHAR NOT NULL, "
    "cursor VARCHAR, run_id VARCHAR NOT NULL, updated_at TIMESTAMPTZ NOT NULL, "
    "primary key (source, entity))"
)


def load_everything(warehouse, log, run_id, full_refresh=False, end=END) -> dict[str, int]:
    connector = demo(end)
    inserted = {}
    for table, contract in RAW_CONTRACTS.items():
        report, _ = ingest(
            connector, contract, warehouse, run_id=run_id, log=log, full_refresh=full_refresh
        )
        inserted[table] = report.inserted + report.updated
    return inserted


def test_rerunning_a_window_leaves_every_table_byte_for_byte_equal(any_warehouse, log) -> None:
    warehouse = any_warehouse
    first = load_everything(warehouse, log, "run-1")
    before = all_tables(warehouse)
    changed = load_everything(warehouse, log, "run-2", full_refresh=True)
    assert all(count > 0 for count in first.values())
    assert changed == dict.fromkeys(RAW_CONTRACTS, 0)
    assert all_tables(warehouse) == before
    assert set(before) == {f"raw.{t}" for t in RAW_CONTRACTS} | {
        "ops.quarantine",
        "ops.ingestion_cursors",
        "ops.erasure_suppression",
        "ops.erasure_log",
        "ops.alembic_version",
        "ops.schema_drift_events",
    }


def test_a_load_that_fails_halfway_keeps_the_previous_state(any_warehouse, log) -> None:
    warehouse = any_warehouse
    contract = RAW_CONTRACTS["deployments"]
    ingest(demo(), contract, warehouse, run_id="run-1", log=log)
    before = all_tables(warehouse)
    # A constraint that rejects the next cursor: the load fails at its last statement,
    # after the raw merge has run inside the transaction. (Made as the loader, so on
    # PostgreSQL the loader may still write the table: the constraint is what fails.)
    with warehouse.connect(role="loader") as connection:
        connection.execute(f"create table ops.saved as select * from {CURSORS_TABLE}")
        connection.execute(f"drop table {CURSORS_TABLE}")
        connection.execute(
            f"create table {CURSORS_TABLE} (source VARCHAR NOT NULL, entity VARCHAR NOT NULL, "
            "cursor VARCHAR CHECK (cursor < '2026-11-01'), run_id VARCHAR NOT NULL, "
            "updated_at TIMESTAMPTZ NOT NULL, primary key (source, entity))"
        )
        connection.execute(f"insert into {CURSORS_TABLE} select * from ops.saved")
        connection.execute("drop table ops.saved")
    later = demo(END + timedelta(days=2))

    with pytest.raises(IngestionFailed) as failure:
        ingest(later, contract, warehouse, run_id="run-2", log=log)

    assert failure.value.report.failure_category is FailureCategory.LOAD_ERROR
    assert isinstance(failure.value.__cause__, WAREHOUSE_ERRORS)
    assert "cursor" in str(failure.value.__cause__), "the CHECK constraint, nothing else"
    assert all_tables(warehouse) == before
    with warehouse.connect(
        role="loader"
    ) as connection:  # the trap removed: the table as the baseline migration makes it
        connection.execute(f"create table ops.saved as select * from {CURSORS_TABLE}")
        connection.execute(f"drop table {CURSORS_TABLE}")
        connection.execute(CURSORS_DDL)
        connection.execute(f"insert into {CURSORS_TABLE} select * from ops.saved")
        connection.execute("drop table ops.saved")
    report, _ = ingest(later, contract, warehouse, run_id="run-3", log=log)
    assert report.inserted > 0
    assert report.cursor_before == failure.value.report.cursor_before


def test_the_second_run_reads_only_new_records(any_warehouse, log) -> None:
    warehouse = any_warehouse
    contract = RAW_CONTRACTS["pull_requests"]
    first, _ = ingest(demo(), contract, warehouse, run_id="run-1", log=log)
    again, _ = ingest(demo(), contract, warehouse, run_id="run-2", log=log)
    assert again.extracted == 0
    assert again.cursor_after == first.cursor_after

    later, landed = ingest(
        demo(END + timedelta(days=1)), contract, warehouse, run_id="run-3", log=log
    )

    assert 0 < later.extracted < first.extracted / 10
    assert later.updated > 0, "pull requests open at the first end were merged since"
    assert later.extracted == later.inserted + later.updated
    assert landed.get_column("merged_at").drop_nulls().min() is not None
    assert later.cursor_after > first.cursor_after  # type: ignore[operator]


@pytest.mark.postgres
def test_a_load_waits_for_no_reader_of_the_quarantine(postgres_server, log) -> None:
    """A dashboard counting the quarantine in a long transaction holds a share lock on it;
    a load must still go through (an exclusive lock taken by re-running the ops tables'
    DDL would wait for that reader, and every parallel load behind it)."""
    warehouse = Warehouse(postgres_url=postgres_server.create_database())
    with warehouse.transaction() as session:
        set_up_warehouse(session)
    contract = RAW_CONTRACTS["deployments"]
    ingest(demo(), contract, warehouse, run_id="run-1", log=log)

    pool = ThreadPoolExecutor(1)
    with warehouse.transaction() as reader:
        reader.execute("select count(*) from ops.quarantine").fetchall()
        later = pool.submit(
            ingest, demo(END + timedelta(days=2)), contract, warehouse, run_id="run-2", log=log
        )
        finished, _ = wait([later], timeout=30)
    # the reader has committed: a load that waited for it finishes now
    pool.shutdown()
    assert finished, "the load waited for a reader of ops.quarantine"
    report, _ = later.result()
    assert report.inserted > 0
