"""Stores Polars frames as warehouse tables (DuckDB or PostgreSQL), one transaction per
write.

The stock ``DuckDBPolarsIOManager`` deletes then inserts in separate statements, so a
failure between them leaves an empty table. Here the table is replaced, or merged on its
primary key, inside one transaction: a failed write leaves the previous table intact and
a rerun with the same frame leaves an identical table.

The table is ``<schema>.<name>``: the asset key's first component is the schema, its last
the table name (``["raw", "deployments"]`` is ``raw.deployments``), so dbt models read
Python assets as sources by the same names. Python assets are transforms: on PostgreSQL
they write and read as the ``transformer`` role.
"""

from __future__ import annotations

from typing import Final

import dagster as dg
import polars as pl

from platform_assets.stages.contract_metadata import PRIMARY_KEY_KEY, metadata_value
from platform_assets.warehouse.dialect import DEFAULT_SCHEMA, create_schema_sql
from platform_assets.warehouse.quoting import qualified, quote_identifier
from platform_assets.warehouse.resource import Warehouse
from platform_assets.warehouse.session import Dialect, WarehouseSession

WRITE_MODE_KEY: Final = "platform/write_mode"
WRITE_MODES: Final = ("replace", "merge")


#: Where a frame is staged for the write, for the rest of the transaction.
INCOMING_FRAME: Final = "incoming_frame"


def table_for(asset_key: dg.AssetKey, dialect: Dialect = "duckdb") -> tuple[str, str]:
    """(schema, table) of an asset; a one-part key lands in the database's default schema."""
    path = asset_key.path
    schema = path[0] if len(path) > 1 else DEFAULT_SCHEMA[dialect]
    return schema, path[-1]


class WarehouseIOManager(dg.ConfigurableIOManager):
    """Polars frames in and out of the warehouse."""

    database: str = ""
    postgres_url: str = ""

    def _warehouse(self) -> Warehouse:
        return Warehouse(database=self.database, postgres_url=self.postgres_url)

    def handle_output(self, context: dg.OutputContext, obj: pl.DataFrame) -> None:
        if not isinstance(obj, pl.DataFrame):
            raise TypeError(
                f"{context.asset_key.to_user_string()} returned {type(obj).__name__}; the "
                "warehouse IO manager stores polars.DataFrame outputs only"
            )
        warehouse = self._warehouse()
        schema, table = table_for(context.asset_key, warehouse.dialect)
        definition_metadata = context.definition_metadata or {}
        mode = metadata_value(definition_metadata, WRITE_MODE_KEY) or "replace"
        if mode not in WRITE_MODES:
            raise ValueError(f"{WRITE_MODE_KEY} must be one of {WRITE_MODES}, got {mode!r}")
        key = metadata_value(definition_metadata, PRIMARY_KEY_KEY) or []
        if mode == "merge" and not key:
            raise ValueError(
                f"{context.asset_key.to_user_string()} asks for a merge write but declares no "
                f"primary key ({PRIMARY_KEY_KEY})"
            )
        target = qualified(schema, table)
        with warehouse.transaction(role="transformer") as session:
            session.execute(create_schema_sql(schema, session.dialect))
            session.register(INCOMING_FRAME, obj)
            exists = session.execute(
                "select count(*) from information_schema.tables "
                "where table_schema = ? and table_name = ?",
                [schema, table],
            ).fetchall()[0][0]
            if mode == "replace" or not exists:
                _replace(session, target, exists=bool(exists))
                inserted, updated = obj.height, 0
            else:
                inserted, updated = _merge(session, target, obj.columns, list(key))
            total = session.execute(f"select count(*) from {target}").fetchall()[0][0]
            session.unregister(INCOMING_FRAME)
        context.add_output_metadata(
            {
                "dagster/row_count": dg.MetadataValue.int(total),
                "table": dg.MetadataValue.text(f"{schema}.{table}"),
                "write_mode": dg.MetadataValue.text(mode),
                "rows_written": dg.MetadataValue.int(obj.height),
                "rows_inserted": dg.MetadataValue.int(inserted),
                "rows_updated": dg.MetadataValue.int(updated),
            }
        )

    def load_input(self, context: dg.InputContext) -> pl.DataFrame:
        asset_key = context.upstream_output.asset_key if context.upstream_output else None
        if asset_key is None:
            raise ValueError("the warehouse IO manager loads assets only")
        warehouse = self._warehouse()
        schema, table = table_for(asset_key, warehouse.dialect)
        with warehouse.connect(read_only=False, role="transformer") as session:
            return session.frame(f"select * from {qualified(schema, table)}")


def _replace(session: WarehouseSession, target: str, *, exists: bool) -> None:
    """Makes ``target`` hold the incoming frame. A table of the same columns keeps its
    identity and only its rows are replaced: on PostgreSQL the views dbt built over it
    depend on it and would forbid dropping it. A new shape needs a new table (PostgreSQL
    then names any view in the way)."""
    if exists and _columns(session, target) == _columns(session, INCOMING_FRAME):
        session.execute(f"delete from {target}")
        session.execute(f"insert into {target} select * from {INCOMING_FRAME}")
        return
    session.execute(f"drop table if exists {target}")
    session.execute(f"create table {target} as select * from {INCOMING_FRAME}")


def _columns(session: WarehouseSession, relation: str) -> list[tuple[str, object]]:
    """Names and types of a relation's columns, as its (empty) result's Arrow schema
    spells them: the same comparison on both databases."""
    schema = session.arrow(f"select * from {relation} limit 0").schema
    return [(field.name, field.type) for field in schema]


def _merge(
    session: WarehouseSession, target: str, columns: list[str], key: list[str]
) -> tuple[int, int]:
    """Upserts the incoming frame on ``key``; returns (inserted, updated). Rows whose values
    are unchanged count as neither, so rerunning a window reports zero changes."""
    on = " and ".join(f"t.{quote_identifier(c)} = s.{quote_identifier(c)}" for c in key)
    non_key = [c for c in columns if c not in key]
    changed = (
        " or ".join(
            f"t.{quote_identifier(c)} is distinct from s.{quote_identifier(c)}" for c in non_key
        )
        or "false"
    )
    # counted before the merge: PostgreSQL's MERGE returns no rows to count
    counts = session.execute(
        f"select count(*) filter (where t_key is null), "
        f"count(*) filter (where t_key is not null and is_changed) "
        f"from (select t.{quote_identifier(key[0])} as t_key, ({changed}) as is_changed "
        f"from {INCOMING_FRAME} s left join {target} t on {on}) as matched"
    ).fetchall()[0]
    assignments = ", ".join(f"{quote_identifier(c)} = s.{quote_identifier(c)}" for c in non_key)
    update_clause = (
        f"when matched and ({changed}) then update set {assignments} " if non_key else ""
    )
    column_list = ", ".join(quote_identifier(c) for c in columns)
    session.execute(
        f"merge into {target} t using {INCOMING_FRAME} s on ({on}) "
        f"{update_clause}"
        f"when not matched then insert ({column_list}) values "
        f"({', '.join('s.' + quote_identifier(c) for c in columns)})"
    )
    return int(counts[0]), int(counts[1])
