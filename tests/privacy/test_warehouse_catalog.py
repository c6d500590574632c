"""The catalog erasure and retention act on gives one answer on DuckDB and PostgreSQL."""

from __future__ import annotations

import polars as pl

from platform_assets.privacy.warehouse_catalog import base_tables
from platform_assets.warehouse import Warehouse


def test_base_tables_are_the_same_on_both_and_leave_out_views_and_temporary_tables(
    any_warehouse: Warehouse,
):
    with any_warehouse.connect() as session:
        session.execute("create schema ops")
        session.execute("create table ops.quarantine (record_key VARCHAR, quarantined_at DATE)")
        session.execute("create view ops.open_quarantine as select * from ops.quarantine")
        # unqualified: DuckDB's default schema main, PostgreSQL's public
        session.execute("create table settings (name VARCHAR)")
        session.register("incoming", pl.DataFrame({"record_key": ["a"]}))

        tables = base_tables(session, ["ops", "main", "bronze"])

    assert tables == {
        ("ops", "quarantine"): frozenset({"record_key", "quarantined_at"}),
        ("main", "settings"): frozenset({"name"}),
    }
