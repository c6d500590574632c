"""Lands a validated batch: raw merge, quarantine rows and cursor in ONE transaction.

The merge is keyed on the table's natural key and compares data columns only: a row
whose data is unchanged is left untouched, lineage columns included, so rerunning a
window leaves the table byte-for-byte equal. A column the batch did not carry at all is
neither compared nor updated, so a file without an optional column keeps what the
warehouse holds. Quarantine rows are inserted once per (source, entity, record key,
reason) and marked resolved when the record later lands; the cursor is written only when
it moves. If anything fails, nothing of the load is kept and the cursor stays where it
was, so the next run fetches the same records again and completes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

import duckdb
import polars as pl

from platform_assets.ingestion.contract import (
    DELETED_AT_COLUMN,
    LINEAGE_COLUMNS,
    LOADED_AT_COLUMN,
    ROW_HASH_COLUMN,
    RUN_ID_COLUMN,
    SOURCE_COLUMN,
    UTC_TIMESTAMP,
    TableContract,
)
from platform_assets.ingestion.ops_tables import CURSORS_TABLE, QUARANTINE_TABLE, create_ops_tables
from platform_assets.ingestion.record_key import record_key_sql
from platform_assets.ingestion.row_hash import row_hash_sql, with_row_hash
from platform_assets.ingestion.soft_deletes import Deletions, apply_soft_deletes
from platform_assets.ingestion.validation import ValidatedBatch
from platform_assets.warehouse import Warehouse, quote_identifier


@dataclass(frozen=True)
class LoadCounts:
    inserted: int
    updated: int
    quarantined_new: int
    quarantine_resolved: int
    table_rows: int
    soft_deleted: int = 0
    restored: int = 0


@dataclass(frozen=True)
class LoadRequest:
    contract: TableContract
    batch: ValidatedBatch
    source: str
    run_id: str
    loaded_at: datetime
    cursor: str | None
    deletions: Deletions = field(default_factory=Deletions)

    @cached_property
    def landed_rows(self) -> pl.DataFrame:
        """The batch with the lineage columns it is written with (built once: the load
        writes it and the asset's checks validate it). A landed row exists at the
        source, so its ``_deleted_at`` is NULL."""
        rows = self.batch.rows
        if self.contract.row_hash:
            rows = with_row_hash(self.contract, rows)
        landed = rows.with_columns(
            pl.lit(self.source, dtype=pl.String).alias(SOURCE_COLUMN),
            pl.lit(self.loaded_at).dt.cast_time_unit("us").alias(LOADED_AT_COLUMN),
            pl.lit(self.run_id, dtype=pl.String).alias(RUN_ID_COLUMN),
        )
        if self.contract.soft_deletes:
            landed = landed.with_columns(pl.lit(None, dtype=UTC_TIMESTAMP).alias(DELETED_AT_COLUMN))
        return landed.select(self.contract.polars_schema().names()).cast(
            self.contract.polars_schema()
        )


def load(warehouse: Warehouse, request: LoadRequest) -> LoadCounts:
    contract = request.contract
    landed = request.landed_rows
    with warehouse.transaction() as connection:
        connection.execute(f"create schema if not exists {quote_identifier(contract.schema)}")
        connection.execute(contract.create_table_sql())
        create_ops_tables(connection)
        inserted = updated = resolved = 0
        if landed.height:
            connection.register("incoming_rows", landed.to_arrow())
            inserted, updated = _merge(connection, request)
            resolved = _resolve_quarantine(connection, request)
        deletions = apply_soft_deletes(
            connection,
            contract,
            request.deletions,
            source=request.source,
            run_id=request.run_id,
            loaded_at=request.loaded_at,
            incoming_table="incoming_rows" if landed.height else None,
        )
        if landed.height:
            connection.unregister("incoming_rows")
        quarantined_new = _quarantine(connection, request)
        if request.cursor is not None:
            connection.execute(
                f"insert into {CURSORS_TABLE} as c values (?, ?, ?, ?, ?) "
                "on conflict (source, entity) do update set cursor = excluded.cursor, "
                "run_id = excluded.run_id, updated_at = excluded.updated_at "
                "where c.cursor is distinct from excluded.cursor",
                [
                    request.source,
                    contract.entity,
                    request.cursor,
                    request.run_id,
                    request.loaded_at,
                ],
            )
        table_rows = connection.execute(f"select count(*) from {contract.sql_name}").fetchall()
    return LoadCounts(
        inserted=inserted,
        updated=updated,
        quarantined_new=quarantined_new,
        quarantine_resolved=resolved,
        table_rows=int(table_rows[0][0]),
        soft_deleted=deletions.soft_deleted,
        restored=deletions.restored,
    )


def _merge(connection: duckdb.DuckDBPyConnection, request: LoadRequest) -> tuple[int, int]:
    """(inserted, updated) rows of ``incoming_rows`` merged into the table."""
    contract = request.contract
    if _is_empty(connection, contract):
        # A first load has nothing to match: a plain insert of the (key-unique) batch
        # does what the merge would, in about two thirds of its time.
        connection.execute(f"insert into {contract.sql_name} by name from incoming_rows")
        return request.landed_rows.height, 0
    merge = _merge_sql(contract, request.batch.absent_columns)
    actions = pl.DataFrame(connection.sql(merge).to_arrow_table()).get_column("merge_action")
    return int((actions == "INSERT").sum()), int((actions == "UPDATE").sum())


def _resolve_quarantine(connection: duckdb.DuckDBPyConnection, request: LoadRequest) -> int:
    """Marks resolved the open quarantine rows of the records ``incoming_rows`` landed, so
    that the rows still open are the records still missing. Keys are matched as validation
    writes them: the key values joined by ``|``."""
    scope = [request.source, request.contract.entity]
    open_rows = connection.execute(
        f"select count(*) from {QUARANTINE_TABLE} "
        "where source = ? and entity = ? and resolved_at is null",
        scope,
    ).fetchall()[0][0]
    if not open_rows:
        return 0
    record_key = record_key_sql(request.contract.key, "incoming_rows")
    resolved = connection.execute(
        f"update {QUARANTINE_TABLE} as q set resolved_at = ?, resolved_run_id = ? "
        f"from (select distinct {record_key} as record_key "
        "from incoming_rows) as landed "
        "where q.source = ? and q.entity = ? and q.resolved_at is null "
        "and q.record_key = landed.record_key",
        [request.loaded_at, request.run_id, *scope],
    ).fetchall()[0][0]
    return int(resolved)


def _quarantine(connection: duckdb.DuckDBPyConnection, request: LoadRequest) -> int:
    """Inserts the batch's quarantine rows. A row still open is left as it is (a rerun
    changes nothing); one resolved earlier opens again: the record loaded, then went bad."""
    if not request.batch.quarantined.height:
        return 0
    connection.register("incoming_quarantine", request.batch.quarantined.to_arrow())
    written = connection.execute(
        f"insert into {QUARANTINE_TABLE} as q "
        "(source, entity, record_key, reason, payload, run_id, quarantined_at) "
        "select ?, ?, record_key, reason, payload, ?, ? from incoming_quarantine "
        "on conflict (source, entity, record_key, reason) do update set "
        "payload = excluded.payload, run_id = excluded.run_id, "
        "quarantined_at = excluded.quarantined_at, resolved_at = null, resolved_run_id = null "
        "where q.resolved_at is not null",
        [request.source, request.contract.entity, request.run_id, request.loaded_at],
    ).fetchall()[0][0]
    connection.unregister("incoming_quarantine")
    return int(written)


def _is_empty(connection: duckdb.DuckDBPyConnection, contract: TableContract) -> bool:
    rows = connection.execute(f"select count(*) from (from {contract.sql_name} limit 1)")
    return rows.fetchall()[0][0] == 0


def _merge_sql(contract: TableContract, absent: frozenset[str]) -> str:
    """Matched rows compare and update only the data columns the batch carried: a column
    absent from the whole batch (a file without it) says nothing about the stored values,
    so it must not overwrite them with NULL. New rows get NULL there. ``_row_hash`` is
    not compared (it changes exactly when the data does) but recomputed over the row as
    merged, stored values of absent columns included; ``_deleted_at`` is the soft
    deletes' to set."""

    def q(name: str) -> str:
        return quote_identifier(name)

    on = " and ".join(f"t.{q(c)} = s.{q(c)}" for c in contract.key)
    data = [c for c in contract.column_names if c not in contract.key and c not in absent]
    # A table whose columns are all key (a change set) has nothing to update.
    update = ""
    if data:
        changed = " or ".join(f"t.{q(c)} is distinct from s.{q(c)}" for c in data)
        assignments = [f"{q(c)} = s.{q(c)}" for c in [*data, *LINEAGE_COLUMNS]]
        if contract.row_hash:
            merged = row_hash_sql(contract, lambda c: f"{'t' if c in absent else 's'}.{q(c)}")
            assignments.append(f"{q(ROW_HASH_COLUMN)} = {merged}")
        update = f"when matched and ({changed}) then update set {', '.join(assignments)} "
    columns = [*contract.column_names, *contract.lineage_columns]
    return (
        f"merge into {contract.sql_name} as t using incoming_rows as s on ({on}) "
        f"{update}"
        f"when not matched then insert ({', '.join(q(c) for c in columns)}) "
        f"values ({', '.join('s.' + q(c) for c in columns)}) "
        "returning merge_action"
    )
