"""A quarantined record is never lost to the cursor: the stored cursor stays before the
first batch that quarantined something, so a plain rerun (no full_refresh) reads the
record again once the source is fixed, loads it and marks its quarantine rows resolved.
An operator can move past a record that will never be fixed, and the report says so."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from platform_assets.domains.dora.raw_schemas import RAW_CONTRACTS
from platform_assets.ingestion import (
    IngestionReport,
    ResilientHttpClient,
    ingest,
    read_cursor,
)
from platform_assets.integrations.file_source import FileSourceConnector
from platform_assets.integrations.pagerduty import PagerDutyConnector, PagerDutySettings
from platform_assets.warehouse import Warehouse
from platform_assets.warehouse.migrations.commands import upgrade
from tests.connectors.conftest import FAST_RETRY, rows
from tests.connectors.fakes.pagerduty_api import FakePagerDuty, incident

#: A month apart, so that any look-back window the connector reads before its cursor
#: does not reach back to the quarantined incident by itself.
CREATED = {
    "P1": "2026-05-01T10:00:00Z",
    "P2": "2026-06-01T10:00:00Z",
    "P3": "2026-07-01T10:00:00Z",
    "P4": "2026-08-01T10:00:00Z",
    "P5": "2026-09-01T10:00:00Z",
}
QUARANTINE = "select record_key, run_id, resolved_run_id from ops.quarantine order by 1, 2, 3"


def resolved(identifier: str) -> dict:
    created = CREATED[identifier]
    return incident(identifier, created, resolved_at=created.replace("10:00", "11:00"))


@pytest.fixture
def warehouse(any_warehouse: Warehouse) -> Warehouse:
    """Every test of this module on DuckDB and on PostgreSQL."""
    return any_warehouse


@pytest.fixture
def pagerduty() -> Iterator[FakePagerDuty]:
    """Five incidents two to a page, the third without a service (a required column)."""
    fake = FakePagerDuty(max_limit=2)
    fake.incidents = [resolved(i) for i in CREATED]
    fake.incidents[2] = {**fake.incidents[2], "service": None}
    with fake.running():
        yield fake


def load_incidents(
    pagerduty: FakePagerDuty, warehouse: Warehouse, log, run_id: str, **options: bool
) -> IngestionReport:
    client = ResilientHttpClient(base_url=pagerduty.base_url, retry=FAST_RETRY)
    try:
        connector = PagerDutyConnector(client, PagerDutySettings(service_ids=("PSVC1",)))
        report, _ = ingest(
            connector, RAW_CONTRACTS["incidents"], warehouse, run_id=run_id, log=log, **options
        )
    finally:
        client.close()
    return report


def test_a_record_quarantined_by_an_incremental_source_loads_once_fixed(
    pagerduty, warehouse, log
) -> None:
    first = load_incidents(pagerduty, warehouse, log, "run-1")
    assert (first.inserted, first.quarantined) == (4, 1)
    # Pages [P1, P2] [P3, P4] [P5]: the cursor stays where the clean first page left it.
    assert first.cursor_after == CREATED["P2"]
    assert first.cursor_held_back is not None
    assert "advance_past_quarantine" in first.cursor_held_back
    assert first.metadata()["cursor_held_back"].value == first.cursor_held_back

    pagerduty.incidents[2] = resolved("P3")
    second = load_incidents(pagerduty, warehouse, log, "run-2")

    assert second.inserted == 1
    assert rows(warehouse, "select incident_id from raw.incidents order by 1") == [
        (i,) for i in CREATED
    ]
    assert second.quarantine_resolved == 1
    assert rows(warehouse, QUARANTINE) == [("P3", "run-1", "run-2")]
    assert second.cursor_after == CREATED["P5"]
    assert second.cursor_held_back is None


def test_advance_past_quarantine_moves_the_cursor_and_says_so(pagerduty, warehouse, log) -> None:
    report = load_incidents(pagerduty, warehouse, log, "run-1", advance_past_quarantine=True)
    assert report.cursor_after == CREATED["P5"]
    assert report.cursor_held_back is None
    assert report.cursor_passed_quarantine == 1
    assert report.metadata()["cursor_passed_quarantine"].value == 1
    assert rows(warehouse, QUARANTINE) == [("P3", "run-1", None)], "still open, still counted"


DEPLOYMENTS = """\
deployment_id,service,environment,result,started_at,finished_at,source,trigger_kind
d-1,checkout,PRODUCTION,SUCCESS,2026-10-01T10:00:00Z,2026-10-01T10:05:00Z,ci,planned
d-2,checkout,STAGING,MAYBE,2026-10-02T09:00:00Z,2026-10-02T09:04:00Z,ci,unknown
d-3,checkout,PRODUCTION,SUCCESS,2026-10-03T10:00:00Z,2026-10-03T10:05:00Z,ci,rollback
"""


def load_file(folder: Path, warehouse: Warehouse, log, run_id: str) -> IngestionReport:
    connector = FileSourceConnector(folder, RAW_CONTRACTS)
    report, _ = ingest(connector, RAW_CONTRACTS["deployments"], warehouse, run_id=run_id, log=log)
    return report


def test_a_file_with_a_quarantined_row_is_read_again_until_the_row_loads(
    tmp_path, warehouse, log
) -> None:
    path = tmp_path / "deployments.csv"
    path.write_text(DEPLOYMENTS)
    first = load_file(tmp_path, warehouse, log, "run-1")
    assert (first.inserted, first.quarantined) == (2, 1)
    assert read_cursor(warehouse, "files", "deployments") is None

    unchanged = load_file(tmp_path, warehouse, log, "run-2")
    assert (unchanged.extracted, unchanged.quarantined_new, unchanged.inserted) == (3, 0, 0)

    path.write_text(DEPLOYMENTS.replace("MAYBE", "FAILURE"))
    fixed = load_file(tmp_path, warehouse, log, "run-3")

    assert (fixed.inserted, fixed.quarantine_resolved) == (1, 1)
    assert rows(warehouse, QUARANTINE) == [("d-2", "run-1", "run-3")]
    assert read_cursor(warehouse, "files", "deployments") is not None
    assert rows(warehouse, "select count(*) from ops.quarantine where resolved_at is null") == [
        (0,)
    ]


def test_a_record_quarantined_again_after_it_loaded_is_open_again(tmp_path, warehouse, log) -> None:
    path = tmp_path / "deployments.csv"
    path.write_text(DEPLOYMENTS)
    load_file(tmp_path, warehouse, log, "run-1")
    path.write_text(DEPLOYMENTS.replace("MAYBE", "FAILURE"))
    load_file(tmp_path, warehouse, log, "run-2")
    path.write_text(DEPLOYMENTS)

    again = load_file(tmp_path, warehouse, log, "run-3")

    assert again.quarantined_new == 1
    assert rows(warehouse, QUARANTINE) == [("d-2", "run-3", None)]


def test_an_existing_quarantine_table_gains_the_resolution_columns_in_place(tmp_path, log) -> None:
    # DuckDB only: a PostgreSQL warehouse gets its ops tables from the loader itself
    warehouse = Warehouse(database=str(tmp_path / "warehouse.duckdb"))
    with warehouse.connect() as connection:
        connection.execute("create schema ops")
        connection.execute(
            "create table ops.quarantine (source VARCHAR NOT NULL, entity VARCHAR NOT NULL, "
            "record_key VARCHAR NOT NULL, reason VARCHAR NOT NULL, payload VARCHAR, "
            "run_id VARCHAR NOT NULL, quarantined_at TIMESTAMPTZ NOT NULL, "
            "primary key (source, entity, record_key, reason))"
        )
        connection.execute(
            "insert into ops.quarantine values "
            "('files', 'deployments', 'd-9', 'old reason', '{}', 'run-0', now())"
        )
    (tmp_path / "deployments.csv").write_text(DEPLOYMENTS)

    # a warehouse from before migrations: refused until `platform-assets migrate upgrade`
    upgrade(warehouse)
    load_file(tmp_path, warehouse, log, "run-1")

    assert rows(warehouse, QUARANTINE) == [("d-2", "run-1", None), ("d-9", "run-0", None)]
