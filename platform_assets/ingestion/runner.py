"""The connector-agnostic ingestion: cursor in, records out, one transactional load.

    report, landed = ingest(connector, contract, warehouse, run_id=context.run_id)

Reads the stored cursor, checks that the table still matches its contract, pulls the
entity's new records from the connector, drops those of erased people (``suppression``),
validates the rest against the contract, and lands rows, quarantine, soft deletes and
the new cursor in one transaction. The report says what happened,
on success and on failure alike.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Protocol

import polars as pl

from platform_assets.ingestion.connector import Connector, RecordBatch
from platform_assets.ingestion.contract import TableContract
from platform_assets.ingestion.failure import FailureCategory, SourceError
from platform_assets.ingestion.http_client import RequestStats
from platform_assets.ingestion.loader import LoadRequest, load
from platform_assets.ingestion.ops_tables import QUARANTINE_TABLE, read_cursor
from platform_assets.ingestion.parents import ParentLink, quarantine_orphans
from platform_assets.ingestion.report import IngestionReport
from platform_assets.ingestion.soft_deletes import Deletions, SoftDeleteConfigError, deletions_of
from platform_assets.ingestion.suppression import drop_suppressed
from platform_assets.ingestion.table_drift import TableDrift, check_table
from platform_assets.ingestion.validation import validate
from platform_assets.integrations.dbt.pii_key import PiiKeyError
from platform_assets.warehouse import Warehouse
from platform_assets.warehouse.dialect import WAREHOUSE_ERRORS


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
    max_quarantined_share: float | None = None,
    advance_past_quarantine: bool = False,
    parents: Sequence[ParentLink] = (),
) -> tuple[IngestionReport, pl.DataFrame]:
    """Lands ``contract``'s entity from ``connector``. ``full_refresh`` ignores the stored
    cursor and re-reads everything the source has; the idempotent merge then changes only
    what differs.

    The stored cursor never passes a quarantined record, so a plain rerun reads it again
    once it is fixed; ``advance_past_quarantine`` moves past it anyway (a record that will
    never be fixed must not pin the cursor). When more than ``max_quarantined_share`` of
    the records are quarantined, only the quarantine rows are written and the ingestion
    fails. Raises IngestionFailed, after logging it, when nothing could be landed.

    A stored cursor the connector cannot read from (``Connector.check_cursor``) is
    treated as no cursor: the full re-read's snapshots soft-delete what it no longer
    returns, and ``report.cursor_recovery`` says why. A load never removes a row (deletes
    are soft; only retention and erasure remove rows), so ``report.deleted`` stays 0.

    A row naming a record of one of ``parents`` that is in quarantine is quarantined
    with it (``parents``)."""
    entity = contract.entity
    if entity not in connector.entities:
        raise ValueError(f"connector {connector.source_id!r} does not provide {entity!r}")
    started = time.perf_counter()
    stored_cursor = read_cursor(warehouse, connector.source_id, entity)
    report = IngestionReport(
        run_id=run_id,
        source=connector.source_id,
        sink=f"{warehouse.dialect}:{contract.qualified_name}",
        entity=entity,
        cursor_before=stored_cursor,
    )
    log.info(report.log_line("ingestion.started"))
    stats_before = connector.request_stats.copy()
    try:
        check_table(warehouse, contract)
        report.cursor_recovery = _cursor_problem(connector, entity, stored_cursor, full_refresh)
        if report.cursor_recovery is not None:
            log.error(report.log_line("ingestion.cursor_unusable"))
        reread = full_refresh or report.cursor_recovery is not None
        batches = list(connector.extract(entity, None if reread else stored_cursor))
        report.requests = connector.request_stats.since(stats_before)
        batches, report.suppressed = drop_suppressed(
            warehouse, connector.source_id, contract, batches
        )
        deletions = deletions_of(contract, batches)
        # One load time: the rows' _loaded_at and the bound on how late a plausible
        # timestamp may be are the same instant.
        loaded_at = datetime.now(UTC)
        naive_time_zone = batches[0].naive_time_zone if batches else "UTC"
        validated = validate(
            contract,
            [batch.records for batch in batches],
            [rejected for batch in batches for rejected in batch.rejected],
            loaded_at=loaded_at,
            naive_time_zone=naive_time_zone,
            conflicts=batches[0].conflicts if batches else None,
        )
        validated = quarantine_orphans(warehouse, connector.source_id, contract, validated, parents)
        report.extracted = validated.extracted + report.suppressed
        report.duplicates = validated.duplicates
        report.columns_added = len(validated.added_columns)
        report.columns_removed = len(validated.absent_columns)
        report.rows_retyped = validated.rows_retyped
        report.note_quarantine(validated.quarantined)
        over_limit = (
            max_quarantined_share is not None and report.quarantined_share > max_quarantined_share
        )
        new_cursor = _last_cursor(batches)
        if over_limit:
            # The quarantine rows are the diagnosis and are kept; the table and the
            # cursor are not touched.
            validated, new_cursor = replace(validated, rows=validated.rows.clear()), None
            deletions = Deletions()
        elif report.quarantined and advance_past_quarantine:
            report.cursor_passed_quarantine = report.quarantined
        elif report.quarantined:
            new_cursor = _cursor_before_quarantine(contract, batches, loaded_at, naive_time_zone)
            report.cursor_held_back = (
                f"{report.quarantined:,} records quarantined: the cursor stays before the "
                "first batch that has any, so the next run reads them again; fix them at "
                "the source, or run with advance_past_quarantine: true to move past them"
            )
        report.staged = validated.rows.height
        request = LoadRequest(
            contract=contract,
            batch=validated,
            source=connector.source_id,
            run_id=run_id,
            loaded_at=loaded_at,
            cursor=new_cursor,
            deletions=deletions,
        )
        counts = load(warehouse, request)
    except SourceError as error:
        _fail(report, error.category, str(error), started, connector, stats_before, log)
        raise IngestionFailed(report) from error
    except (TableDrift, SoftDeleteConfigError, PiiKeyError) as error:
        _fail(
            report, FailureCategory.CONFIGURATION, str(error), started, connector, stats_before, log
        )
        raise IngestionFailed(report) from error
    except WAREHOUSE_ERRORS as error:
        _fail(report, FailureCategory.LOAD_ERROR, str(error), started, connector, stats_before, log)
        raise IngestionFailed(report) from error
    report.quarantined_new = counts.quarantined_new
    if over_limit:
        message = (
            f"{report.quarantine_summary()}; the limit for this asset's stage is "
            f"{max_quarantined_share:.0%}. Nothing was loaded and the cursor did not move; "
            f"the records and their reasons are in {QUARANTINE_TABLE}. Fix the source, or run "
            "with advance_past_quarantine: true to load the rest and move past them"
        )
        _fail(
            report,
            FailureCategory.MALFORMED_PAYLOAD,
            message,
            started,
            connector,
            stats_before,
            log,
        )
        raise IngestionFailed(report)
    report.cursor_after = new_cursor if new_cursor is not None else stored_cursor
    report.loaded = validated.rows.height
    report.inserted, report.updated = counts.inserted, counts.updated
    report.table_rows = counts.table_rows
    report.quarantine_resolved = counts.quarantine_resolved
    report.soft_deleted, report.restored = counts.soft_deleted, counts.restored
    report.duration_seconds = time.perf_counter() - started
    log.info(report.log_line("ingestion.loaded"))
    return report, request.landed_rows


def _cursor_problem(
    connector: Connector, entity: str, stored: str | None, full_refresh: bool
) -> str | None:
    """Why the stored cursor cannot be used, phrased for the report and the error log
    (None: it can, or it is not used at all). Checked before any request, so a bad
    cursor costs a full re-read and never a failed run."""
    if stored is None or full_refresh:
        return None
    problem = connector.check_cursor(entity, stored)
    if problem is None:
        return None
    return (
        f"{problem}; the stored cursor was discarded and {entity} is read again in full "
        "(where that read is a snapshot, rows it no longer returns are soft-deleted), and "
        "the new cursor replaces it. See docs/runbooks/warehouse-recovery.md"
    )


def _last_cursor(batches: Sequence[RecordBatch]) -> str | None:
    """The cursor the source reached (None: no batch moved it)."""
    return next((batch.cursor for batch in reversed(batches) if batch.cursor is not None), None)


def _cursor_before_quarantine(
    contract: TableContract,
    batches: Sequence[RecordBatch],
    loaded_at: datetime,
    naive_time_zone: str,
) -> str | None:
    """The cursor of the last batch before the first one that quarantined a record (None:
    the stored cursor stays). Batches carry the cursor reached so far, so the next run
    starts at that batch again. Only batches before the last one are validated again, and
    only on this path: a single-batch source (a file) pays nothing extra."""
    held = None
    for batch in batches[:-1]:
        if (
            batch.rejected
            or validate(
                contract, [batch.records], loaded_at=loaded_at, naive_time_zone=naive_time_zone
            ).quarantined.height
        ):
            break
        held = batch.cursor if batch.cursor is not None else held
    return held


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
