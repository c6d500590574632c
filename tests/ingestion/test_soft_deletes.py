"""Deletions a source reports (``deleted_keys``) and complete re-reads (``snapshot``)
become soft deletes in the load's transaction; a row that comes back is restored; a rerun
of the same extract changes nothing; a table without soft deletes refuses deleted keys
and takes a complete re-read as a plain load."""

from __future__ import annotations

import pytest

from platform_assets.ingestion import (
    CURSORS_TABLE,
    FailureCategory,
    IngestionFailed,
    RecordBatch,
    SnapshotScope,
    ingest,
)
from platform_assets.warehouse import Warehouse
from tests.ingestion.conftest import all_tables
from tests.ingestion.customer_like import (
    PLAIN_READINGS,
    READINGS,
    ScriptedConnector,
    reading,
)

NORTH = SnapshotScope((("site", "north"),))


@pytest.fixture
def warehouse(any_warehouse: Warehouse) -> Warehouse:
    """Every test of this module on DuckDB and on PostgreSQL."""
    return any_warehouse


def load(warehouse, log, *batches: RecordBatch, run_id="run", source="scripted", contract=READINGS):
    connector = ScriptedConnector(list(batches), source_id=source)
    return ingest(connector, contract, warehouse, run_id=run_id, log=log)[0]


def marks(warehouse: Warehouse) -> dict[str, bool]:
    """Each stored reading: whether it is soft-deleted."""
    with warehouse.connect() as connection:
        rows = connection.execute(
            "select reading_id, _deleted_at is not null from bronze.readings"
        ).fetchall()
    return dict(rows)


def everything(warehouse: Warehouse) -> dict[str, list[tuple]]:
    with warehouse.connect() as connection:
        readings = connection.frame("select * from bronze.readings").sort("reading_id").rows()
    return all_tables(warehouse) | {"bronze.readings": readings}


def test_reported_deletions_are_marked_and_a_rerun_changes_nothing(warehouse, log) -> None:
    load(warehouse, log, RecordBatch([reading("r1"), reading("r2")], cursor="1"), run_id="run-1")
    deleting = RecordBatch([], cursor="2", deleted_keys=("r2", "never-loaded"))

    report = load(warehouse, log, deleting, run_id="run-2")
    assert marks(warehouse) == {"r1": False, "r2": True}
    assert (report.soft_deleted, report.restored) == (1, 0)
    assert report.fields()["rows_soft_deleted"] == 1
    with warehouse.connect() as connection:
        row = connection.execute(
            "select _deleted_at = _loaded_at, _run_id from bronze.readings where reading_id = 'r2'"
        ).fetchall()
    assert row == [(True, "run-2")]

    before = everything(warehouse)
    again = load(warehouse, log, deleting, run_id="run-3")
    assert (again.soft_deleted, again.restored) == (0, 0)
    assert everything(warehouse) == before


def test_a_row_that_comes_back_is_restored(warehouse, log) -> None:
    load(warehouse, log, RecordBatch([reading("r1")], cursor="1"))
    load(warehouse, log, RecordBatch([], cursor="2", deleted_keys=("r1",)))

    report = load(warehouse, log, RecordBatch([reading("r1")], cursor="3"), run_id="run-3")
    assert marks(warehouse) == {"r1": False}
    assert (report.restored, report.soft_deleted, report.updated) == (1, 0, 0)
    assert report.fields()["rows_restored"] == 1


def test_within_one_extract_the_later_batch_wins(warehouse, log) -> None:
    report = load(
        warehouse,
        log,
        RecordBatch([reading("r1"), reading("r2")], cursor="1", deleted_keys=()),
        RecordBatch([], cursor="2", deleted_keys=("r1", "r2")),
        RecordBatch([reading("r2")], cursor="3"),
    )
    assert marks(warehouse) == {"r1": True, "r2": False}
    assert report.soft_deleted == 1


def test_a_reread_scope_marks_what_it_did_not_return(warehouse, log) -> None:
    load(
        warehouse,
        log,
        RecordBatch(
            [reading("r1"), reading("r2"), reading("r3"), reading("s1", site="south")],
            cursor=None,
        ),
    )
    load(warehouse, log, RecordBatch([reading("o1")], cursor=None), source="other")
    # r3 comes back invalid: quarantined, it still exists at the source
    reread = [
        RecordBatch([reading("r1")], cursor=None, snapshot=NORTH),
        RecordBatch([reading("r3", value="broken")], cursor=None, snapshot=NORTH),
    ]

    report = load(warehouse, log, *reread, run_id="run-3")
    assert marks(warehouse) == {"r1": False, "r2": True, "r3": False, "s1": False, "o1": False}
    assert (report.soft_deleted, report.quarantined) == (1, 1)
    before = everything(warehouse)
    assert load(warehouse, log, *reread, run_id="run-4").soft_deleted == 0
    assert everything(warehouse) == before


def test_a_table_without_soft_deletes_refuses_deleted_keys_and_keeps_nothing(
    warehouse, log
) -> None:
    load(warehouse, log, RecordBatch([{"reading_id": "r1"}], cursor="1"), contract=PLAIN_READINGS)
    before = all_tables(warehouse)

    batch = RecordBatch([{"reading_id": "r2"}], cursor="2", deleted_keys=("r1",))
    with pytest.raises(IngestionFailed) as failure:
        load(warehouse, log, batch, contract=PLAIN_READINGS)
    assert failure.value.report.failure_category is FailureCategory.CONFIGURATION
    assert "metadata = {'soft_deletes': True}" in str(failure.value)
    assert all_tables(warehouse) == before


def test_a_complete_reread_of_a_table_without_soft_deletes_reconciles_nothing(
    warehouse, log
) -> None:
    load(warehouse, log, RecordBatch([{"reading_id": "r1"}], cursor="1"), contract=PLAIN_READINGS)

    batch = RecordBatch([{"reading_id": "r2"}], cursor="2", snapshot=SnapshotScope())
    report = load(warehouse, log, batch, contract=PLAIN_READINGS)
    assert report.soft_deleted == 0
    with warehouse.connect() as connection:
        stored = connection.execute(
            "select reading_id from bronze.plain_readings order by reading_id"
        ).fetchall()
    assert stored == [("r1",), ("r2",)]


def test_a_scope_by_an_unknown_column_is_refused(warehouse, log) -> None:
    batch = RecordBatch([reading("r1")], cursor=None, snapshot=SnapshotScope((("file", "a"),)))
    with pytest.raises(IngestionFailed, match="scoped by file, which the table does not have"):
        load(warehouse, log, batch)


def test_a_failed_load_keeps_no_soft_delete(warehouse, log) -> None:
    load(warehouse, log, RecordBatch([reading("r1"), reading("r2")], cursor="1"))
    # A cursor table that rejects the next cursor: the load fails at its last statement,
    # after the deletions ran inside the transaction. (Made as the loader, so on
    # PostgreSQL the loader may still write the table: the constraint is what fails.)
    with warehouse.connect(role="loader") as connection:
        connection.execute(f"create table ops.saved as select * from {CURSORS_TABLE}")
        connection.execute(f"drop table {CURSORS_TABLE}")
        connection.execute(
            f"create table {CURSORS_TABLE} (source VARCHAR NOT NULL, entity VARCHAR NOT NULL, "
            "cursor VARCHAR CHECK (cursor < '2'), run_id VARCHAR NOT NULL, "
            "updated_at TIMESTAMPTZ NOT NULL, primary key (source, entity))"
        )
        connection.execute(f"insert into {CURSORS_TABLE} select * from ops.saved")
        connection.execute("drop table ops.saved")
    before = everything(warehouse)

    with pytest.raises(IngestionFailed) as failure:
        load(warehouse, log, RecordBatch([], cursor="2", deleted_keys=("r1",)))
    assert failure.value.report.failure_category is FailureCategory.LOAD_ERROR
    assert everything(warehouse) == before


def test_a_whole_table_reread_marks_every_row_of_its_source_it_did_not_return(
    warehouse, log
) -> None:
    """A Dataverse re-baseline after 410 Gone: the scope has no columns."""
    load(warehouse, log, RecordBatch([reading("r1"), reading("s1", site="south")], cursor="1"))
    load(warehouse, log, RecordBatch([reading("o1")], cursor=None), source="other")

    report = load(
        warehouse, log, RecordBatch([reading("r1")], cursor="2", snapshot=SnapshotScope())
    )
    assert marks(warehouse) == {"r1": False, "s1": True, "o1": False}
    assert report.soft_deleted == 1
