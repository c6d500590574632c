"""Deletes end to end: a full read of the file source is a snapshot, so a record removed
from the file is soft-deleted and restored when it returns; a load never removes a row
(``deleted`` stays 0, ``staged`` counts what the merge was handed); and the dbt staging
leaves soft-deleted raw rows out, which the ``excludes_soft_deleted`` test proves."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from platform_assets.domains.dora.raw_schemas import RAW_CONTRACTS
from platform_assets.ingestion import IngestionReport, ingest
from platform_assets.integrations.dbt.project import DBT_PROJECT_DIR
from platform_assets.integrations.file_source import FileSourceConnector
from platform_assets.warehouse import Warehouse
from tests.dbt_invocation import invoke_dbt

HEADER = "deployment_id,service,environment,result,started_at,finished_at,source,trigger_kind\n"
ROWS = {
    "d-1": "d-1,checkout,PRODUCTION,SUCCESS,,2026-10-01T10:05:00Z,jenkins,planned\n",
    "d-2": "d-2,checkout,PRODUCTION,SUCCESS,,2026-10-02T10:05:00Z,jenkins,planned\n",
    "d-3": "d-3,search,PRODUCTION,SUCCESS,,2026-10-03T10:05:00Z,jenkins,hotfix\n",
}
CONTRACT = RAW_CONTRACTS["deployments"]


def write_file(folder: Path, *ids: str) -> None:
    (folder / "deployments.csv").write_text(HEADER + "".join(ROWS[i] for i in ids))


def land(folder: Path, warehouse: Warehouse, run_id: str) -> IngestionReport:
    connector = FileSourceConnector(folder, RAW_CONTRACTS)
    report, _ = ingest(connector, CONTRACT, warehouse, run_id=run_id, log=logging.getLogger())
    return report


def counts(report: IngestionReport) -> tuple[int, int, int, int | None]:
    """(staged, soft-deleted, deleted, rows in the table after the load)."""
    return report.staged, report.soft_deleted, report.deleted, report.table_rows


def marks(warehouse: Warehouse) -> list[tuple[str, bool, str]]:
    with warehouse.connect() as session:
        return [
            (key, bool(deleted), run)
            for key, deleted, run in session.execute(
                "select deployment_id, _deleted_at is not null, _run_id "
                "from raw.deployments order by 1"
            ).fetchall()
        ]


def test_a_full_file_read_soft_deletes_a_removed_record_and_restores_it(
    tmp_path: Path, any_warehouse: Warehouse
) -> None:
    write_file(tmp_path, "d-1", "d-2", "d-3")
    first = land(tmp_path, any_warehouse, "run-1")
    write_file(tmp_path, "d-1", "d-3")
    removed = land(tmp_path, any_warehouse, "run-2")
    after_removal = marks(any_warehouse)
    write_file(tmp_path, "d-1", "d-2", "d-3")
    returned = land(tmp_path, any_warehouse, "run-3")

    assert (first.staged, first.inserted, first.soft_deleted) == (3, 3, 0)
    assert after_removal == [
        ("d-1", False, "run-1"),
        ("d-2", True, "run-2"),
        ("d-3", False, "run-1"),
    ]
    # The row is marked, never removed: the table keeps all three.
    assert counts(removed) == (2, 1, 0, 3)
    assert (returned.restored, returned.soft_deleted, returned.deleted) == (1, 0, 0)
    assert marks(any_warehouse) == [
        ("d-1", False, "run-1"),
        ("d-2", False, "run-3"),
        ("d-3", False, "run-1"),
    ]


def test_an_empty_file_marks_every_row_and_removes_none(tmp_path: Path) -> None:
    warehouse = Warehouse(database=str(tmp_path / "warehouse.duckdb"))
    write_file(tmp_path, "d-1", "d-2", "d-3")
    land(tmp_path, warehouse, "run-1")
    write_file(tmp_path)
    emptied = land(tmp_path, warehouse, "run-2")
    (tmp_path / "deployments.csv").unlink()
    missing = land(tmp_path, warehouse, "run-3")

    assert counts(emptied) == (0, 3, 0, 3)
    # A missing file is not a deletion: nothing is read and nothing changes.
    assert (missing.extracted, missing.soft_deleted, missing.table_rows) == (0, 0, 3)
    assert [deleted for _, deleted, _ in marks(warehouse)] == [True, True, True]


def test_staging_and_an_incremental_model_leave_soft_deleted_rows_out(
    tmp_path: Path, warehouse_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The staging filter hides a deletion from the incremental models' deltas, so a
    deletion since a model's watermark makes it build in full (incremental_replace)."""
    warehouse = Warehouse(database=str(warehouse_path))
    monkeypatch.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    with warehouse.transaction() as session:
        session.execute("create schema if not exists raw")
        for contract in RAW_CONTRACTS.values():
            session.execute(contract.create_table_sql())
    write_file(tmp_path, "d-1", "d-2", "d-3")
    land(tmp_path, warehouse, "run-1")
    write_file(tmp_path, "d-1", "d-2")
    land(tmp_path, warehouse, "run-2")

    def build() -> dict[str, str]:
        built = invoke_dbt(DBT_PROJECT_DIR, tmp_path, "build", "--select", *SELECTION)
        assert built.success, [(r.node.name, r.message) for r in built.result]
        return {r.node.name: str(r.status) for r in built.result}

    def ids(relation: str) -> list[str]:
        with warehouse.connect() as session:
            rows = session.execute(f"select deployment_id from {relation} order by 1").fetchall()
        return [deployment_id for (deployment_id,) in rows]

    first = build()
    staged, production = ids("staging.stg_dora__deployments"), ids(PRODUCTION)
    write_file(tmp_path, "d-1")
    land(tmp_path, warehouse, "run-3")
    build()

    assert [s for name, s in first.items() if name.startswith("excludes_soft_deleted")] == ["pass"]
    assert staged == production == ["d-1", "d-2"]
    assert ids("staging.stg_dora__deployments") == ids(PRODUCTION) == ["d-1"]


SELECTION = ("stg_dora__deployments", "int_dora__production_deployments")
PRODUCTION = "intermediate.int_dora__production_deployments"
