"""The same loads into a DuckDB file and into a PostgreSQL database report the same
counts and leave the same tables, row for row: data, keys, row hashes, soft-delete
marks, quarantine rows and cursors. Only the clock differs between the two runs, so
timestamps the loader takes from it are compared as set or not set."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from platform_assets.domains.dora.raw_schemas import RAW_CONTRACTS
from platform_assets.ingestion import IngestionReport, RecordBatch, SnapshotScope, ingest
from platform_assets.integrations.dbt.pii_key import PII_HMAC_KEY_ENV
from platform_assets.integrations.postgres.grants import set_up_warehouse
from platform_assets.privacy.keyed_digest import record_key_digest
from platform_assets.privacy.suppression_list import SUPPRESSION_TABLE
from platform_assets.warehouse import Warehouse
from platform_assets.warehouse.migrations.guard import ensure_current
from tests.ingestion.conftest import END, demo, table_frames
from tests.ingestion.customer_like import READINGS, ScriptedConnector, reading
from tests.postgres_server import PostgresServer

pytestmark = pytest.mark.postgres

#: Set by the loader from the clock: equal only in whether they are set.
CLOCK_COLUMNS = frozenset(
    {
        "_loaded_at",
        "_deleted_at",
        "quarantined_at",
        "resolved_at",
        "updated_at",
        "suppressed_at",
        "first_seen_at",
        "last_seen_at",
    }
)
#: Report fields that describe the run, not what it loaded.
RUN_FIELDS = frozenset({"duration_seconds", "sink"})
KEY = "k" * 40


@pytest.fixture
def both(tmp_path, postgres_server: PostgresServer) -> tuple[Warehouse, Warehouse]:
    postgres = Warehouse(postgres_url=postgres_server.create_database())
    with postgres.transaction() as session:
        set_up_warehouse(session)
    return Warehouse(database=str(tmp_path / "warehouse.duckdb")), postgres


def tables(warehouse: Warehouse) -> dict[str, list[tuple]]:
    frames = table_frames(warehouse, ("raw", "bronze", "ops"))
    return {name: _comparable(frame) for name, frame in frames.items()}


def _comparable(frame: pl.DataFrame) -> list[tuple]:
    frame = frame.with_columns(
        pl.col(c).is_not_null().alias(c) for c in frame.columns if c in CLOCK_COLUMNS
    )
    return frame.sort(frame.columns, nulls_last=True).rows()


def counts(report: IngestionReport) -> dict[str, object]:
    return {k: v for k, v in report.fields().items() if k not in RUN_FIELDS}


def test_the_dora_loads_agree(both, log) -> None:
    reports: list[list[dict[str, object]]] = []
    for warehouse in both:
        runs = []
        for run_id, end in (("run-1", END), ("run-2", END + timedelta(days=2))):
            connector = demo(end)
            for contract in RAW_CONTRACTS.values():
                report, _ = ingest(connector, contract, warehouse, run_id=run_id, log=log)
                runs.append(counts(report))
        reports.append(runs)

    duckdb_reports, postgres_reports = reports
    assert duckdb_reports == postgres_reports
    assert any(r["rows_updated"] for r in duckdb_reports), "the second window updates rows"
    duckdb_tables, postgres_tables = (tables(w) for w in both)
    assert set(duckdb_tables) == {f"raw.{t}" for t in RAW_CONTRACTS} | {
        "ops.quarantine",
        "ops.ingestion_cursors",
        "ops.erasure_suppression",
        "ops.schema_drift_events",
        "ops.erasure_log",
        "ops.alembic_version",
    }
    assert duckdb_tables == postgres_tables


def test_deletions_quarantine_and_suppression_agree(both, log, monkeypatch) -> None:
    monkeypatch.setenv(PII_HMAC_KEY_ENV, KEY)
    north = SnapshotScope((("site", "north"),))
    extracts = [
        [RecordBatch([reading("r1"), reading("r2"), reading("r3", value=1.0)], cursor="1")],
        # r2 deleted, r4 quarantined, e1 suppressed
        [
            RecordBatch(
                [reading("r4", value="broken"), reading("e1"), {**reading("r1"), "value": 2.0}],
                cursor="2",
                deleted_keys=("r2",),
            )
        ],
        # a re-read of north returning r2 (restored) and r4 fixed; r3 is gone
        [
            RecordBatch(
                [reading("r1", value=2.0), reading("r2"), reading("r4")],
                cursor="3",
                snapshot=north,
            )
        ],
    ]
    reports = []
    for warehouse in both:
        ensure_current(warehouse)
        with warehouse.connect() as session:
            digest = record_key_digest(KEY.encode(), "scripted", "readings", "e1")
            session.execute(
                f"insert into {SUPPRESSION_TABLE} values (?, 'readings', ?, null, ?, 'erasure-1')",
                ["scripted", digest, datetime(2026, 12, 1, tzinfo=UTC)],
            )
        runs = []
        for number, batches in enumerate([*extracts, extracts[-1]], start=1):
            report, _ = ingest(
                ScriptedConnector(batches), READINGS, warehouse, run_id=f"run-{number}", log=log
            )
            runs.append(counts(report))
        reports.append(runs)

    duckdb_reports, postgres_reports = reports
    assert duckdb_reports == postgres_reports
    summary = [
        (
            r["rows_inserted"],
            r["rows_updated"],
            r["rows_soft_deleted"],
            r["rows_restored"],
            r["rows_quarantined_new"],
            r["quarantine_resolved"],
            r["rows_suppressed"],
        )
        for r in duckdb_reports
    ]
    assert summary == [
        (3, 0, 0, 0, 0, 0, 0),
        (0, 1, 1, 0, 1, 0, 1),
        (1, 0, 1, 1, 0, 1, 0),
        (0, 0, 0, 0, 0, 0, 0),
    ]
    assert tables(both[0]) == tables(both[1])
