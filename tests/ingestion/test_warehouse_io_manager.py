"""The warehouse IO manager on DuckDB and on PostgreSQL: a replace swaps the whole table
in one transaction, keeping the table itself when its columns stay the same (views built
over it survive); a merge upserts on the primary key and counts only real changes; a
failed write leaves the previous table; the frame read back is the frame written."""

from __future__ import annotations

from datetime import UTC, datetime

import dagster as dg
import polars as pl

from platform_assets.stages.contract_metadata import PRIMARY_KEY_KEY
from platform_assets.warehouse import WRITE_MODE_KEY, Warehouse, WarehouseIOManager

KEY = dg.AssetKey(["silver", "scores"])
AT = datetime(2026, 11, 1, 12, tzinfo=UTC)


def scores(**values: float) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "team": list(values),
            "score": list(values.values()),
            "scored_at": [AT] * len(values),
        },
        schema={"team": pl.String, "score": pl.Float64, "scored_at": pl.Datetime("us", "UTC")},
    )


def materialize(
    warehouse: Warehouse, frame: pl.DataFrame, mode: str, read: list[pl.DataFrame] | None = None
) -> dict[str, object] | None:
    """Writes ``frame`` as silver.scores through the IO manager and reads it back as an
    input (into ``read``); the write's metadata, or None when the run failed."""

    @dg.asset(
        key=KEY,
        metadata={WRITE_MODE_KEY: mode, PRIMARY_KEY_KEY: ["team"]},
        io_manager_key="warehouse_io_manager",
    )
    def written() -> pl.DataFrame:
        return frame

    @dg.asset(ins={"scores": dg.AssetIn(KEY)}, io_manager_key="mem")
    def read_back(scores: pl.DataFrame) -> None:
        if read is not None:
            read.append(scores)

    manager = WarehouseIOManager(database=warehouse.database, postgres_url=warehouse.postgres_url)
    result = dg.materialize(
        [written, read_back],
        resources={"warehouse_io_manager": manager, "mem": dg.InMemoryIOManager()},
        raise_on_error=False,
    )
    if not result.success:
        return None
    (materialization,) = [
        m for m in result.get_asset_materialization_events() if m.asset_key == KEY
    ]
    metadata = materialization.materialization.metadata
    return {k: v.value for k, v in metadata.items()}


def stored(warehouse: Warehouse) -> list[tuple]:
    with warehouse.connect() as session:
        return session.frame("select * from silver.scores").sort("team").rows()


def test_replace_writes_the_frame_and_keeps_views_over_it(any_warehouse) -> None:
    read: list[pl.DataFrame] = []
    first = materialize(any_warehouse, scores(a=1.0, b=2.0), "replace", read)
    with any_warehouse.connect() as session:
        session.execute("create view silver.top_scores as select team from silver.scores")

    second = materialize(any_warehouse, scores(c=3.0), "replace")

    assert first is not None and second is not None
    assert read[0].sort("team").rows() == scores(a=1.0, b=2.0).rows()
    # the instant, not the zone's name: DuckDB names its session zone (Etc/UTC here)
    assert read[0].schema.names() == scores().columns
    assert (first["rows_inserted"], second["rows_inserted"]) == (2, 1)
    assert second["dagster/row_count"] == 1
    assert stored(any_warehouse) == [("c", 3.0, AT)]
    with any_warehouse.connect() as session:
        assert session.execute("select team from silver.top_scores").fetchall() == [("c",)]


def test_replace_with_new_columns_recreates_the_table(any_warehouse) -> None:
    materialize(any_warehouse, scores(a=1.0), "replace")
    wider = scores(a=1.0).with_columns(pl.lit("x").alias("note"))
    materialize(any_warehouse, wider, "replace")
    assert stored(any_warehouse) == [("a", 1.0, AT, "x")]


def test_merge_upserts_on_the_key_and_counts_changes_only(any_warehouse) -> None:
    materialize(any_warehouse, scores(a=1.0, b=2.0), "merge")
    merged = materialize(any_warehouse, scores(b=2.5, c=3.0, a=1.0), "merge")
    again = materialize(any_warehouse, scores(b=2.5, c=3.0, a=1.0), "merge")

    assert merged is not None and again is not None
    assert (merged["rows_inserted"], merged["rows_updated"]) == (1, 1)
    assert (again["rows_inserted"], again["rows_updated"]) == (0, 0)
    assert stored(any_warehouse) == [("a", 1.0, AT), ("b", 2.5, AT), ("c", 3.0, AT)]


def test_a_failed_write_keeps_the_previous_table(any_warehouse) -> None:
    materialize(any_warehouse, scores(a=1.0, b=2.0), "replace")
    duplicated = pl.concat([scores(a=5.0), scores(a=6.0)])
    with any_warehouse.connect() as session:
        session.execute("alter table silver.scores add primary key (team)")

    assert materialize(any_warehouse, duplicated, "replace") is None
    assert stored(any_warehouse) == [("a", 1.0, AT), ("b", 2.0, AT)]
