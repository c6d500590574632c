"""Lands a validated batch: raw merge, quarantine rows and cursor in ONE transaction.

The merge is keyed on the table's natural key and compares data columns only: a row
whose data is unchanged is left untouched, lineage columns included, so rerunning a
window leaves the table byte-for-byte equal. A column the batch did not carry at all is
neither compared nor updated, so a file without an optional column keeps what the
warehouse holds. Quarantine rows are inserted once per (source, entity, record key,
reason) and marked resolved when the record later lands; the cursor is written only when
it moves. The batch's schema drift (``schema_drift``) is recorded in the same
transaction. ``_extras`` is compared and updated like a data column, except when no
record of the batch carried an unknown field (it then says nothing about the stored
rows). If anything fails, nothing of the load is kept and the cursor stays where it was,
so the next run fetches the same records again and completes.

The load runs as the warehouse's ``loader`` role and writes the same rows, counts and
hashes on DuckDB and PostgreSQL; the merge statement itself differs (PostgreSQL 15 has
no ``merge ... returning``), nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

import polars as pl

from platform_assets.ingestion.contract import (
    DELETED_AT_COLUMN,
    EXTRAS_COLUMN,
    LINEAGE_COLUMNS,
    LOADED_AT_COLUMN,
    ROW_HASH_COLUMN,
    RUN_ID_COLUMN,
    SOURCE_COLUMN,
    UTC_TIMESTAMP,
    TableContract,
)
from platform_assets.ingestion.ops_tables import CURSORS_TABLE, QUARANTINE_TABLE
from platform_assets.ingestion.record_key import record_key_sql
from platform_assets.ingestion.row_hash import with_row_hash
from platform_assets.ingestion.schema_drift import drift_events, record_drift
from platform_assets.ingestion.soft_deletes import Deletions, apply_soft_deletes
from platform_assets.ingestion.validation import ValidatedBatch
from platform_assets.warehouse import Warehouse, WarehouseSession, quote_identifier
from platform_assets.warehouse.dialect import create_schema_sql
from platform_assets.warehouse.migrations.guard import ensure_current


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


INCOMING_ROWS = "incoming_rows"


def load(warehouse: Warehouse, request: LoadRequest) -> LoadCounts:
    contract = request.contract
    landed = request.landed_rows
    ensure_current(warehouse)
    with warehouse.transaction(role="loader") as session:
        session.execute(create_schema_sql(contract.schema, session.dialect))
        session.execute(contract.create_table_sql())
        inserted = updated = resolved = 0
        if landed.height:
            session.register(INCOMING_ROWS, landed)
            inserted, updated = _merge(session, request)
            resolved = _resolve_quarantine(session, request)
        deletions = apply_soft_deletes(
            session,
            contract,
            request.deletions,
            source=request.source,
            run_id=request.run_id,
            loaded_at=request.loaded_at,
            incoming_table=INCOMING_ROWS if landed.height else None,
        )
        if landed.height:
            session.unregister(INCOMING_ROWS)
        quarantined_new = _quarantine(session, request)
        record_drift(
            session,
            drift_events(contract, request.batch),
            source=request.source,
            entity=contract.entity,
            run_id=request.run_id,
            seen_at=request.loaded_at,
        )
        if request.cursor is not None:
            session.execute(
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
        table_rows = session.execute(f"select count(*) from {contract.sql_name}").fetchall()
    return LoadCounts(
        inserted=inserted,
        updated=updated,
        quarantined_new=quarantined_new,
        quarantine_resolved=resolved,
        table_rows=int(table_rows[0][0]),
        soft_deleted=deletions.soft_deleted,
        restored=deletions.restored,
    )


def _merge(session: WarehouseSession, request: LoadRequest) -> tuple[int, int]:
    """(inserted, updated) rows of ``incoming_rows`` merged into the table."""
    contract = request.contract
    columns = ", ".join(quote_identifier(c) for c in _table_columns(contract))
    if _is_empty(session, contract):
        # A first load has nothing to match: a plain insert of the (key-unique) batch
        # does what the merge would, in about two thirds of its time.
        session.execute(
            f"insert into {contract.sql_name} ({columns}) select {columns} from {INCOMING_ROWS}"
        )
        return request.landed_rows.height, 0
    absent = request.batch.absent_columns
    if not request.batch.added_columns:
        absent |= {EXTRAS_COLUMN}
    if contract.row_hash and absent & set(contract.column_names):
        session.register(INCOMING_ROWS, _with_merged_row_hash(session, request))
    if session.dialect == "postgres":
        counts = session.execute(_upsert_sql(contract, absent)).fetchall()[0]
        return int(counts[0]), int(counts[1])
    actions = session.frame(_merge_sql(contract, absent)).get_column("merge_action")
    return int((actions == "INSERT").sum()), int((actions == "UPDATE").sum())


def _with_merged_row_hash(session: WarehouseSession, request: LoadRequest) -> pl.DataFrame:
    """The landed rows with the ``_row_hash`` of each row as the merge leaves it: a column
    the batch did not carry keeps its stored value (NULL for a new row), and the hash
    covers that value. Taken in Python, like every stored hash (``row_hash``)."""
    contract = request.contract
    landed = request.landed_rows
    absent = [c for c in contract.column_names if c in request.batch.absent_columns]
    key = list(contract.key)
    schema = contract.polars_schema()
    on = " and ".join(f"t.{quote_identifier(c)} = s.{quote_identifier(c)}" for c in key)
    stored = session.frame(
        f"select {', '.join(f't.{quote_identifier(c)}' for c in [*key, *absent])} "
        f"from {contract.sql_name} as t join {INCOMING_ROWS} as s on {on}"
    ).cast({c: schema[c] for c in [*key, *absent]})
    merged = landed.drop(absent).join(stored, on=key, how="left", maintain_order="left")
    hashed = with_row_hash(contract, merged.select(contract.column_names))
    return landed.with_columns(hashed.get_column(ROW_HASH_COLUMN))


def _resolve_quarantine(session: WarehouseSession, request: LoadRequest) -> int:
    """Marks resolved the open quarantine rows of the records ``incoming_rows`` landed, so
    that the rows still open are the records still missing. Keys are matched as validation
    writes them: the key values joined by ``|``."""
    scope = [request.source, request.contract.entity]
    open_rows = session.execute(
        f"select count(*) from {QUARANTINE_TABLE} "
        "where source = ? and entity = ? and resolved_at is null",
        scope,
    ).fetchall()[0][0]
    if not open_rows:
        return 0
    record_key = record_key_sql(request.contract.key, INCOMING_ROWS)
    return session.changed(
        f"update {QUARANTINE_TABLE} as q set resolved_at = ?, resolved_run_id = ? "
        f"from (select distinct {record_key} as record_key "
        f"from {INCOMING_ROWS}) as landed "
        "where q.source = ? and q.entity = ? and q.resolved_at is null "
        "and q.record_key = landed.record_key",
        [request.loaded_at, request.run_id, *scope],
    )


def _quarantine(session: WarehouseSession, request: LoadRequest) -> int:
    """Inserts the batch's quarantine rows. A row still open is left as it is (a rerun
    changes nothing); one resolved earlier opens again: the record loaded, then went bad."""
    if not request.batch.quarantined.height:
        return 0
    session.register("incoming_quarantine", request.batch.quarantined)
    written = session.changed(
        f"insert into {QUARANTINE_TABLE} as q "
        "(source, entity, record_key, reason, payload, run_id, quarantined_at) "
        "select ?, ?, record_key, reason, payload, ?, ? from incoming_quarantine "
        "on conflict (source, entity, record_key, reason) do update set "
        "payload = excluded.payload, run_id = excluded.run_id, "
        "quarantined_at = excluded.quarantined_at, resolved_at = null, resolved_run_id = null "
        "where q.resolved_at is not null",
        [request.source, request.contract.entity, request.run_id, request.loaded_at],
    )
    session.unregister("incoming_quarantine")
    return written


def _is_empty(session: WarehouseSession, contract: TableContract) -> bool:
    rows = session.execute(
        f"select count(*) from (select 1 from {contract.sql_name} limit 1) as probe"
    ).fetchall()
    return rows[0][0] == 0


def _table_columns(contract: TableContract) -> list[str]:
    return [*contract.column_names, *contract.lineage_columns]


def _updated_columns(contract: TableContract, absent: frozenset[str]) -> list[str]:
    """The data columns (and ``_extras``) a matched row compares and updates: a column
    absent from the whole batch (a file without it) says nothing about the stored values,
    so it must not overwrite them with NULL. ``_extras`` is compared so that a field a
    source adds reaches the rows it already sent; it is not hashed, since the hash stands
    for the contract's data. ``_row_hash`` is not compared (it changes exactly when the
    data does) but written with the row (``incoming_rows`` carries the hash of the row as
    merged); ``_deleted_at`` is the soft deletes' to set."""
    return [
        c
        for c in [*contract.column_names, EXTRAS_COLUMN]
        if c not in contract.key and c not in absent
    ]


def _merge_sql(contract: TableContract, absent: frozenset[str]) -> str:
    """DuckDB's merge, which says per row whether it inserted or updated."""

    def q(name: str) -> str:
        return quote_identifier(name)

    on = " and ".join(f"t.{q(c)} = s.{q(c)}" for c in contract.key)
    data = _updated_columns(contract, absent)
    # A table whose columns are all key (a change set) has nothing to update.
    update = ""
    if data:
        changed = " or ".join(f"t.{q(c)} is distinct from s.{q(c)}" for c in data)
        assignments = [f"{q(c)} = s.{q(c)}" for c in [*data, *_written_lineage(contract)]]
        update = f"when matched and ({changed}) then update set {', '.join(assignments)} "
    columns = _table_columns(contract)
    return (
        f"merge into {contract.sql_name} as t using {INCOMING_ROWS} as s on ({on}) "
        f"{update}"
        f"when not matched then insert ({', '.join(q(c) for c in columns)}) "
        f"values ({', '.join('s.' + q(c) for c in columns)}) "
        "returning merge_action"
    )


def _upsert_sql(contract: TableContract, absent: frozenset[str]) -> str:
    """PostgreSQL's equivalent of ``_merge_sql``, counting (inserted, updated): its MERGE
    returns nothing, an upsert returns each row it wrote, and ``xmax = 0`` marks the ones
    it inserted."""

    def q(name: str) -> str:
        return quote_identifier(name)

    data = _updated_columns(contract, absent)
    columns = ", ".join(q(c) for c in _table_columns(contract))
    conflict = f"on conflict ({', '.join(q(c) for c in contract.key)}) "
    if data:
        changed = " or ".join(f"t.{q(c)} is distinct from excluded.{q(c)}" for c in data)
        assignments = ", ".join(
            f"{q(c)} = excluded.{q(c)}" for c in [*data, *_written_lineage(contract)]
        )
        conflict += f"do update set {assignments} where {changed}"
    else:
        conflict += "do nothing"
    return (
        f"with merged as (insert into {contract.sql_name} as t ({columns}) "
        f"select {columns} from {INCOMING_ROWS} {conflict} returning (xmax = 0) as inserted) "
        "select count(*) filter (where inserted), count(*) filter (where not inserted) "
        "from merged"
    )


def _written_lineage(contract: TableContract) -> list[str]:
    """The loader-written columns an update sets: where the row came from and, for a
    hashed table, its new hash."""
    return [*LINEAGE_COLUMNS, *([ROW_HASH_COLUMN] if contract.row_hash else [])]
