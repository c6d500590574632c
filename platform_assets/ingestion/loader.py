"""Lands a validated batch: raw merge, quarantine rows and cursor in ONE transaction.

The merge is keyed on the table's natural key and compares data columns only: a row
whose data is unchanged is left untouched, lineage columns included, so rerunning a
window leaves the table byte-for-byte equal. A column the batch did not carry at all is
neither compared nor updated, so a file without an optional column keeps what the
warehouse holds. Quarantine rows are inserted once per
(source, entity, record key, reason); the cursor is written only when it moves. If
anything fails, nothing of the load is kept and the cursor stays where it was, so the
next run fetches the same records again and completes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

import duckdb
import polars as pl

from platform_assets.ingestion.contract import (
    LINEAGE_COLUMNS,
    LOADED_AT_COLUMN,
    RUN_ID_COLUMN,
    SOURCE_COLUMN,
    TableContract,
)
from platform_assets.ingestion.ops_tables import CURSORS_TABLE, QUARANTINE_TABLE, create_ops_tables
from platform_assets.ingestion.validation import ValidatedBatch
from platform_assets.integrations.duckdb import Warehouse, quote_identifier


@dataclass(frozen=True)
class LoadCounts:
    inserted: int
    updated: int
    quarantined_new: int
    table_rows: int


@dataclass(frozen=True)
class LoadRequest:
    contract: TableContract
    batch: ValidatedBatch
    source: str
    run_id: str
    loaded_at: datetime
    cursor: str | None

    @cached_property
    def landed_rows(self) -> pl.DataFrame:
        """The batch with the lineage columns it is written with (built once: the load
        writes it and the asset's checks validate it)."""
        return self.batch.rows.with_columns(
            pl.lit(self.source, dtype=pl.String).alias(SOURCE_COLUMN),
            pl.lit(self.loaded_at).dt.cast_time_unit("us").alias(LOADED_AT_COLUMN),
            pl.lit(self.run_id, dtype=pl.String).alias(RUN_ID_COLUMN),
        ).cast(self.contract.polars_schema())


def load(warehouse: Warehouse, request: LoadRequest) -> LoadCounts:
    contract = request.contract
    landed = request.landed_rows
    with warehouse.transaction() as connection:
        connection.execute(f"create schema if not exists {quote_identifier(contract.schema)}")
        connection.execute(contract.create_table_sql())
        create_ops_tables(connection)
        inserted = updated = 0
        if landed.height:
            connection.register("incoming_rows", landed.to_arrow())
            if _is_empty(connection, contract):
                # A first load has nothing to match: a plain insert of the (key-unique)
                # batch does what the merge would, in about two thirds of its time.
                connection.execute(f"insert into {contract.sql_name} by name from incoming_rows")
                inserted = landed.height
            else:
                merge = _merge_sql(contract, request.batch.absent_columns)
                actions = connection.sql(merge).to_arrow_table()
                merge_actions = pl.DataFrame(actions).get_column("merge_action")
                inserted = int((merge_actions == "INSERT").sum())
                updated = int((merge_actions == "UPDATE").sum())
            connection.unregister("incoming_rows")
        quarantined_new = 0
        if request.batch.quarantined.height:
            connection.register("incoming_quarantine", request.batch.quarantined.to_arrow())
            quarantined_new = connection.execute(
                f"insert or ignore into {QUARANTINE_TABLE} "
                "select ?, ?, record_key, reason, payload, ?, ? from incoming_quarantine",
                [request.source, contract.entity, request.run_id, request.loaded_at],
            ).fetchall()[0][0]
            connection.unregister("incoming_quarantine")
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
        quarantined_new=int(quarantined_new),
        table_rows=int(table_rows[0][0]),
    )


def _is_empty(connection: duckdb.DuckDBPyConnection, contract: TableContract) -> bool:
    rows = connection.execute(f"select count(*) from (from {contract.sql_name} limit 1)")
    return rows.fetchall()[0][0] == 0


def _merge_sql(contract: TableContract, absent: frozenset[str]) -> str:
    """Matched rows compare and update only the data columns the batch carried: a column
    absent from the whole batch (a file without it) says nothing about the stored values,
    so it must not overwrite them with NULL. New rows get NULL there."""

    def q(name: str) -> str:
        return quote_identifier(name)

    on = " and ".join(f"t.{q(c)} = s.{q(c)}" for c in contract.key)
    data = [c for c in contract.column_names if c not in contract.key and c not in absent]
    # A table whose columns are all key (a change set) has nothing to update.
    update = ""
    if data:
        changed = " or ".join(f"t.{q(c)} is distinct from s.{q(c)}" for c in data)
        assignments = ", ".join(f"{q(c)} = s.{q(c)}" for c in [*data, *LINEAGE_COLUMNS])
        update = f"when matched and ({changed}) then update set {assignments} "
    columns = [*contract.column_names, *LINEAGE_COLUMNS]
    return (
        f"merge into {contract.sql_name} as t using incoming_rows as s on ({on}) "
        f"{update}"
        f"when not matched then insert ({', '.join(q(c) for c in columns)}) "
        f"values ({', '.join('s.' + q(c) for c in columns)}) "
        "returning merge_action"
    )
