"""Deletions a source reports, applied as soft deletes in the load's transaction.

A source says a record is gone in one of two ways (``connector.RecordBatch``): it names
the deleted keys (a Dataverse delta), or it re-reads a scope completely (a re-baseline
after ``410 Gone``, a re-read workbook), so a stored row of that scope it did not return
is gone. Either way the row is kept and marked: ``_deleted_at`` is the load time, and
``_loaded_at``/``_run_id`` move with it, because a deletion is a change downstream
models must see. A row the extract returns again is restored (``_deleted_at`` NULL).
Records quarantined or rejected in a re-read still count as returned: they exist at the
source. Only tables whose contract opts into soft deletes take this. A complete re-read
of another table reconciles nothing (a file source re-reads every file it lands, and a
table that does not keep deletions has nowhere to record them); a connector naming
deleted keys for it is misconfigured, and nothing is loaded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import polars as pl

from platform_assets.ingestion.connector import RecordBatch, SnapshotScope
from platform_assets.ingestion.contract import (
    DELETED_AT_COLUMN,
    LOADED_AT_COLUMN,
    RUN_ID_COLUMN,
    SOURCE_COLUMN,
    TableContract,
)
from platform_assets.ingestion.record_key import record_key_sql, record_keys
from platform_assets.warehouse import WarehouseSession, quote_identifier


class SoftDeleteConfigError(Exception):
    """A connector reports deletions a table cannot take: the table does not keep
    deleted rows, or a re-read is scoped by a column it does not have."""


@dataclass(frozen=True)
class ScopeReread:
    """A scope the extract re-read completely, and the record keys it returned there."""

    scope: SnapshotScope
    returned_keys: pl.Series


@dataclass(frozen=True)
class Deletions:
    deleted_keys: tuple[str, ...] = ()
    """Keys the source reports deleted and did not return again later in the extract."""
    rereads: tuple[ScopeReread, ...] = ()


@dataclass(frozen=True)
class DeletionCounts:
    soft_deleted: int = 0
    restored: int = 0


def deletions_of(contract: TableContract, batches: Sequence[RecordBatch]) -> Deletions:
    """What ``batches`` say was deleted. Batches are in the source's order, so a key
    deleted and then returned again later in the extract is not deleted."""
    if not contract.soft_deletes:
        if any(batch.deleted_keys for batch in batches):
            raise SoftDeleteConfigError(
                f"the connector reports deleted records for {contract.qualified_name}, "
                "whose contract does not keep them: add metadata = {'soft_deletes': True} "
                "to the Config of its Pandera model, or stop the connector sending "
                "deleted_keys for it"
            )
        return Deletions()
    if not any(batch.deleted_keys or batch.snapshot is not None for batch in batches):
        return Deletions()
    return Deletions(
        deleted_keys=_deleted_keys(contract, batches), rereads=_rereads(contract, batches)
    )


def _deleted_keys(contract: TableContract, batches: Sequence[RecordBatch]) -> tuple[str, ...]:
    deleted: dict[str, None] = {}
    returned_later: set[str] = set()
    first_deleting = next((i for i, b in enumerate(batches) if b.deleted_keys), None)
    if first_deleting is None:
        return ()
    # Walking back from the end, the records of batches after a deletion are known when
    # it is met; batches before the first deletion cannot undo one and are not read.
    for batch in reversed(batches[first_deleting:]):
        for key in batch.deleted_keys:
            if key not in returned_later:
                deleted[key] = None
        returned_later.update(record_keys(contract.key, batch.records).to_list())
    return tuple(sorted(deleted))


def _rereads(contract: TableContract, batches: Sequence[RecordBatch]) -> tuple[ScopeReread, ...]:
    scopes = list(dict.fromkeys(b.snapshot for b in batches if b.snapshot is not None))
    unknown = sorted(
        {
            column
            for scope in scopes
            for column, _ in scope.columns
            if column not in contract.column_names
        }
    )
    if unknown:
        raise SoftDeleteConfigError(
            f"a complete re-read of {contract.qualified_name} is scoped by "
            f"{', '.join(unknown)}, which the table does not have: scope it by its columns"
        )
    return tuple(
        ScopeReread(
            scope=scope,
            returned_keys=pl.concat(
                [
                    part
                    for batch in batches
                    if batch.snapshot == scope
                    for part in (
                        record_keys(contract.key, batch.records),
                        pl.Series([r.record_key for r in batch.rejected], dtype=pl.String),
                    )
                ]
            ),
        )
        for scope in scopes
    )


def apply_soft_deletes(
    session: WarehouseSession,
    contract: TableContract,
    deletions: Deletions,
    *,
    source: str,
    run_id: str,
    loaded_at: datetime,
    incoming_table: str | None,
) -> DeletionCounts:
    """Restores the rows of ``incoming_table`` (the merged batch; None when it was
    empty) and marks the deleted ones. Each statement touches only rows whose mark
    changes, so a rerun of the same extract changes nothing."""
    if not contract.soft_deletes:
        return DeletionCounts()
    key_text = record_key_sql(contract.key, "t")
    deleted_at, lineage = quote_identifier(DELETED_AT_COLUMN), _lineage_assignments()
    session.register(
        "deleted_records",
        pl.DataFrame(
            {"record_key": list(deletions.deleted_keys)}, schema={"record_key": pl.String}
        ),
    )
    restored = 0
    if incoming_table is not None:
        on = " and ".join(
            f"t.{quote_identifier(c)} = s.{quote_identifier(c)}" for c in contract.key
        )
        restored = session.changed(
            f"update {contract.sql_name} as t set {deleted_at} = null, {lineage} "
            f"from {incoming_table} as s where {on} and t.{deleted_at} is not null "
            f"and {key_text} not in (select record_key from deleted_records)",
            [loaded_at, run_id],
        )
    mark = (
        f"update {contract.sql_name} as t set {deleted_at} = ?, {lineage} "
        f"where t.{quote_identifier(SOURCE_COLUMN)} = ? and t.{deleted_at} is null and "
    )
    soft_deleted = session.changed(
        mark + f"{key_text} in (select record_key from deleted_records)",
        [loaded_at, loaded_at, run_id, source],
    )
    session.unregister("deleted_records")
    for reread in deletions.rereads:
        session.register("returned_records", reread.returned_keys.to_frame("record_key"))
        in_scope = "".join(
            f"cast(t.{quote_identifier(column)} as VARCHAR) = ? and "
            for column, _ in reread.scope.columns
        )
        soft_deleted += session.changed(
            mark + in_scope + f"{key_text} not in (select record_key from returned_records)",
            [loaded_at, loaded_at, run_id, source, *(v for _, v in reread.scope.columns)],
        )
        session.unregister("returned_records")
    return DeletionCounts(soft_deleted=soft_deleted, restored=restored)


def _lineage_assignments() -> str:
    return f"{quote_identifier(LOADED_AT_COLUMN)} = ?, {quote_identifier(RUN_ID_COLUMN)} = ?"
