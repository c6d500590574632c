"""Records on the erasure suppression list are dropped before validation and counted
``suppressed``, from dict records and frames alike, and never quarantined; a load with
nothing suppressed does not read the pseudonym key."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest

from platform_assets.domains.dora.raw_schemas import RAW_CONTRACTS
from platform_assets.ingestion import (
    QUARANTINE_TABLE,
    FailureCategory,
    IngestionFailed,
    RecordBatch,
    Rejected,
    ingest,
)
from platform_assets.integrations.dbt.pii_key import PII_HMAC_KEY_ENV
from platform_assets.privacy.keyed_digest import record_key_digest
from platform_assets.privacy.suppression_list import SUPPRESSION_TABLE
from platform_assets.warehouse import Warehouse
from platform_assets.warehouse.migrations.guard import ensure_current
from tests.ingestion.conftest import demo
from tests.ingestion.customer_like import READINGS, ScriptedConnector, reading

KEY = "k" * 40


@pytest.fixture(autouse=True)
def pii_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PII_HMAC_KEY_ENV, KEY)


@pytest.fixture
def warehouse(any_warehouse: Warehouse) -> Warehouse:
    """Every test of this module on DuckDB and on PostgreSQL."""
    return any_warehouse


def suppress(warehouse: Warehouse, *record_keys: str, source: str = "scripted") -> None:
    ensure_current(warehouse)
    with warehouse.connect() as connection:
        for record_key in record_keys:
            digest = record_key_digest(KEY.encode(), source, "readings", record_key)
            connection.execute(
                f"insert into {SUPPRESSION_TABLE} values (?, 'readings', ?, null, ?, 'erasure-1')",
                [source, digest, datetime(2026, 12, 1, tzinfo=UTC)],
            )


def stored_ids(warehouse: Warehouse) -> list[str]:
    with warehouse.connect() as connection:
        rows = connection.execute("select reading_id from bronze.readings order by 1").fetchall()
    return [reading_id for (reading_id,) in rows]


def quarantined_keys(warehouse: Warehouse) -> list[str]:
    with warehouse.connect() as connection:
        rows = connection.execute(f"select record_key from {QUARANTINE_TABLE} order by 1")
        return [key for (key,) in rows.fetchall()]


def test_suppressed_records_are_dropped_from_dicts_and_frames(warehouse, log) -> None:
    suppress(warehouse, "r2", "f2", "bad")
    frame = pl.DataFrame([reading("f1"), reading("f2")])
    batches = [
        # r2 is invalid too: were it quarantined, the quarantine would keep the person
        RecordBatch([reading("r1"), reading("r2", value="broken")], cursor=None),
        RecordBatch(frame, cursor=None, rejected=(Rejected("bad", "unparseable", "{x"),)),
    ]

    report, landed = ingest(
        ScriptedConnector(batches), READINGS, warehouse, run_id="run-1", log=log
    )
    assert stored_ids(warehouse) == ["f1", "r1"]
    assert quarantined_keys(warehouse) == []
    assert (report.suppressed, report.extracted, report.loaded) == (3, 5, 2)
    assert report.fields()["rows_suppressed"] == 3
    assert sorted(landed.get_column("reading_id").to_list()) == ["f1", "r1"]


def test_the_list_is_per_source(warehouse, log) -> None:
    suppress(warehouse, "r1", source="another-source")
    report, _ = ingest(
        ScriptedConnector([RecordBatch([reading("r1")], cursor=None)]),
        READINGS,
        warehouse,
        run_id="run-1",
        log=log,
    )
    assert stored_ids(warehouse) == ["r1"]
    assert report.suppressed == 0


def test_a_load_with_nothing_suppressed_never_reads_the_key(
    warehouse, log, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a key this short is refused whenever it is read
    monkeypatch.setenv(PII_HMAC_KEY_ENV, "short")
    suppress(warehouse, "r1", source="another-source")
    report, _ = ingest(demo(), RAW_CONTRACTS["deployments"], warehouse, run_id="run-1", log=log)
    assert report.inserted > 0 and report.suppressed == 0


def test_an_unusable_key_fails_the_load_with_its_reason(
    warehouse, log, monkeypatch: pytest.MonkeyPatch
) -> None:
    suppress(warehouse, "r1")
    monkeypatch.setenv(PII_HMAC_KEY_ENV, "short")
    with pytest.raises(IngestionFailed, match=f"{PII_HMAC_KEY_ENV} has 5 characters") as failure:
        ingest(
            ScriptedConnector([RecordBatch([reading("r1")], cursor=None)]),
            READINGS,
            warehouse,
            run_id="run-1",
            log=log,
        )
    assert failure.value.report.failure_category is FailureCategory.CONFIGURATION
