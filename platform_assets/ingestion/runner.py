"""The connector-agnostic ingestion: cursor in, records out, one transactional load.

    report, landed = ingest(connector, contract, warehouse, run_id=context.run_id)

Reads the stored cursor, checks that the table still matches its contract, pulls the
entity's new records from the connector, validates them against the contract, and lands
rows, quarantine and the new cursor in one transaction. The report says what happened,
on success and on failure alike.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Protocol

import duckdb
import polars as pl

from platform_assets.ingestion.connector import Connector, Records, Rejected
from platform_assets.ingestion.contract import TableContract
from platform_assets.ingestion.failure import FailureCategory, SourceError
from platform_assets.ingestion.http_client import RequestStats
from platform_assets.ingestion.loader import LoadRequest, load
from platform_assets.ingestion.ops_tables import read_cursor
from platform_assets.ingestion.report import IngestionReport
from platform_assets.ingestion.table_drift import TableDrift, check_table
from platform_assets.ingestion.validation import validate
from platform_assets.integrations.duckdb import Warehouse


class Log(Protocol):
    def info(self, msg: str) -> None: ...

    def error(self, msg: str) -> None: ...


class IngestionFailed(Exception):
    """The ingestion stopped and kept nothing; ``report.failure_category`` says why."""

    def __init__(self, report: IngestionReport) -> None:
        super().__init__(f"{report.failure_category.value}: {report.error}")
        self.report = report


def ingest(
    connector: Connector,
    contract: TableContract,
    warehouse: Warehouse,
    *,
    run_id: str,
    log: Log,
    full_refresh: bool = False,
) -> tuple[IngestionReport, pl.DataFrame]:
    """Lands ``contract``'s entity from ``connector``. ``full_refresh`` ignores the stored
    cursor and re-reads everything the source has; the idempotent merge then changes only
    what differs. Raises IngestionFailed, after logging it, when nothing could be landed."""
    entity = contract.entity
    if entity not in connector.entities:
        raise ValueError(f"connector {connector.source_id!r} does not provide {entity!r}")
    started = time.perf_counter()
    stored_cursor = read_cursor(warehouse, connector.source_id, entity)
    cursor = None if full_refresh else stored_cursor
    report = IngestionReport(
        run_id=run_id,
        source=connector.source_id,
        sink=f"duckdb:{contract.qualified_name}",
        entity=entity,
        cursor_before=stored_cursor,
    )
    log.info(report.log_line("ingestion.started"))
    stats_before = connector.request_stats.copy()
    try:
        check_table(warehouse, contract)
        records: list[Records] = []
        rejected: list[Rejected] = []
        new_cursor = None
        for batch in connector.extract(entity, cursor):
            records.append(batch.records)
            rejected.extend(batch.rejected)
            new_cursor = batch.cursor if batch.cursor is not None else new_cursor
        report.requests = connector.request_stats.since(stats_before)
        validated = validate(contract, records, rejected)
        report.extracted, report.duplicates = validated.extracted, validated.duplicates
        report.note_quarantine(validated.quarantined)
        request = LoadRequest(
            contract=contract,
            batch=validated,
            source=connector.source_id,
            run_id=run_id,
            loaded_at=datetime.now(UTC),
            cursor=new_cursor,
        )
        counts = load(warehouse, request)
    except SourceError as error:
        _fail(report, error.category, str(error), started, connector, stats_before, log)
        raise IngestionFailed(report) from error
    except TableDrift as error:
        _fail(
            report, FailureCategory.CONFIGURATION, str(error), started, connector, stats_before, log
        )
        raise IngestionFailed(report) from error
    except duckdb.Error as error:
        _fail(report, FailureCategory.LOAD_ERROR, str(error), started, connector, stats_before, log)
        raise IngestionFailed(report) from error
    report.cursor_after = new_cursor if new_cursor is not None else stored_cursor
    report.loaded = validated.rows.height
    report.inserted, report.updated = counts.inserted, counts.updated
    report.table_rows = counts.table_rows
    report.quarantined_new = counts.quarantined_new
    report.duration_seconds = time.perf_counter() - started
    log.info(report.log_line("ingestion.loaded"))
    return report, request.landed_rows


def _fail(
    report: IngestionReport,
    category: FailureCategory,
    message: str,
    started: float,
    connector: Connector,
    stats_before: RequestStats,
    log: Log,
) -> None:
    report.failure_category = category
    report.error = message
    report.requests = connector.request_stats.since(stats_before)
    report.duration_seconds = time.perf_counter() - started
    log.error(report.log_line("ingestion.failed"))
