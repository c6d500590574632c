"""The same demo input built into both warehouses, compared table by table, row by row.

Each build is what `make run` does on a fresh checkout: `dagster asset materialize
--select '*'` of the project's definitions in its own process and Dagster home, once on
the embedded DuckDB file and once with PLATFORM_POSTGRES_URL naming a PostgreSQL database
(after `platform-assets warehouse setup`), which is the one variable that moves a
checkout to PostgreSQL. Every table a model or a Python asset writes is then read from
both and compared: same tables, same columns, the same rows value for value. The load's
own lineage (when and by which run) differs by construction: the raw tables' `_loaded_at`
and `_run_id` columns are left out, and where a model carries that lineage on (silver's
`loaded_at` and `load_run_id`, a spreadsheet record dated by its load when the sheet has
no update time) the value is compared as "a load instant" or "a run id" of its build.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from platform_assets.warehouse import Warehouse
from tests.postgres_server import PostgresServer

REPO = Path(__file__).resolve().parents[2]
COMPARED_SCHEMAS = ("raw", "bronze", "staging", "intermediate", "marts", "silver", "gold")
#: Lineage of the load, not data: each build has its own run ids and clock.
RUN_SPECIFIC_COLUMNS = frozenset({"_loaded_at", "_run_id", "_deleted_at_run_id"})
PII_KEY = "cross-backend-test-key-0123456789abcdef"
#: What a load instant or run id carried into a model compares as, on either side.
LOAD_INSTANT = datetime(1, 1, 1, tzinfo=UTC)
RUN_ID = "<run id of this build>"


def _platform_assets(*arguments: str, env: dict[str, str]) -> None:
    done = subprocess.run(
        [str(Path(sys.executable).parent / "platform-assets"), *arguments],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-4000:]


def _materialize_everything(env: dict[str, str], home: Path) -> None:
    """`make run`'s steps: the instance's dagster.yaml for the environment (PostgreSQL
    storage when the URL is set), the warehouse set up, every asset materialized."""
    home.mkdir()
    run_env = {
        **os.environ,
        **env,
        "DAGSTER_HOME": str(home),
        "PLATFORM_PII_HMAC_KEY": PII_KEY,
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    _platform_assets("instance", "config", "--output", str(home / "dagster.yaml"), env=run_env)
    _platform_assets("warehouse", "setup", env=run_env)
    command = [
        str(Path(sys.executable).parent / "dagster"),
        "asset",
        "materialize",
        "-m",
        "platform_assets.definitions",
        "--select",
        "*",
    ]
    done = subprocess.run(command, cwd=REPO, env=run_env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-4000:]


def _tables(warehouse: Warehouse) -> dict[str, pl.DataFrame]:
    with warehouse.connect() as session:
        names = session.execute(
            "select table_schema, table_name from information_schema.tables "
            f"where table_schema in ({', '.join('?' for _ in COMPARED_SCHEMAS)}) "
            "order by 1, 2",
            list(COMPARED_SCHEMAS),
        ).fetchall()
        return {
            f"{schema}.{table}": session.frame(f'select * from "{schema}"."{table}"')
            for schema, table in names
        }


def _nested_columns(*frames: pl.DataFrame) -> set[str]:
    """Columns that are lists or structs on either side: DuckDB keeps them as such,
    PostgreSQL as jsonb (read as its text)."""
    return {
        name
        for frame in frames
        for name, dtype in frame.schema.items()
        if isinstance(dtype, pl.List | pl.Array | pl.Struct)
    }


def _canonical_json(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = json.loads(value)
    return json.dumps(value, sort_keys=True, default=str)


@dataclass(frozen=True)
class LoadLineage:
    """The instants and run ids one build's loads recorded, so that a model carrying them
    on compares as "a load instant" rather than as one build's clock."""

    instants: frozenset[datetime]
    run_ids: frozenset[str]

    @classmethod
    def of(cls, tables: dict[str, pl.DataFrame]) -> LoadLineage:
        def values(column: str) -> set:
            return {
                value
                for frame in tables.values()
                if column in frame.columns
                for value in frame[column].drop_nulls().unique().to_list()
            }

        return cls(
            frozenset(_utc(instant) for instant in values("_loaded_at")),
            frozenset(values("_run_id")),
        )


def _utc(instant: datetime) -> datetime:
    return instant.astimezone(UTC) if instant.tzinfo else instant.replace(tzinfo=UTC)


def _comparable(frame: pl.DataFrame, nested: set[str], lineage: LoadLineage) -> pl.DataFrame:
    """Values as both databases mean them: run-specific columns out, load instants and
    run ids carried into models replaced by a marker, nested values as canonical JSON,
    integers as Int64, floats rounded to 9 significant digits (aggregation order differs
    between engines), timestamps in UTC microseconds, rows in a canonical order."""
    frame = frame.drop([c for c in frame.columns if c in RUN_SPECIFIC_COLUMNS])
    frame = frame.with_columns(
        pl.Series(
            name,
            [
                LOAD_INSTANT if value is not None and _utc(value) in lineage.instants else value
                for value in frame[name].to_list()
            ],
            dtype=pl.Datetime("us", "UTC"),
        )
        for name, dtype in frame.schema.items()
        if isinstance(dtype, pl.Datetime) and dtype.time_zone
    )
    frame = frame.with_columns(
        pl.when(pl.col(name).is_in(list(lineage.run_ids)))
        .then(pl.lit(RUN_ID))
        .otherwise(pl.col(name))
        .alias(name)
        for name, dtype in frame.schema.items()
        if dtype == pl.String and lineage.run_ids
    )
    frame = frame.with_columns(
        pl.Series(name, [_canonical_json(v) for v in frame[name].to_list()], dtype=pl.String)
        for name in frame.columns
        if name in nested
    )
    columns = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if dtype.is_integer():
            column = column.cast(pl.Int64)
        elif dtype.is_float() or dtype.is_decimal():
            column = column.cast(pl.Float64).map_elements(
                lambda v: float(f"{v:.9g}") if v is not None and math.isfinite(v) else v,
                return_dtype=pl.Float64,
            )
        elif isinstance(dtype, pl.Datetime):
            column = (
                column.dt.convert_time_zone("UTC") if dtype.time_zone else column
            ).dt.cast_time_unit("us")
        columns.append(column.alias(name))
    frame = frame.select(columns).select(sorted(frame.columns))
    return frame.sort(frame.columns, nulls_last=True) if frame.columns else frame


def _rows_missing_from(other: pl.DataFrame, frame: pl.DataFrame) -> int:
    return frame.join(other, on=frame.columns, how="anti", nulls_equal=True).height


@pytest.mark.postgres
def test_duckdb_and_postgresql_build_the_same_tables_from_the_same_input(
    postgres_server: PostgresServer, tmp_path: Path
):
    duckdb_file = tmp_path / "warehouse.duckdb"
    postgres_url = postgres_server.create_database("backends")
    _materialize_everything({"PLATFORM_WAREHOUSE_PATH": str(duckdb_file)}, tmp_path / "duck_home")
    _materialize_everything(
        {
            "PLATFORM_POSTGRES_URL": postgres_url,
            "PLATFORM_WAREHOUSE_PATH": str(tmp_path / "unused.duckdb"),
        },
        tmp_path / "pg_home",
    )

    raw_duckdb = _tables(Warehouse(database=str(duckdb_file)))
    raw_postgres = _tables(Warehouse(postgres_url=postgres_url))

    assert sorted(raw_postgres) == sorted(raw_duckdb)
    lineage_duckdb, lineage_postgres = LoadLineage.of(raw_duckdb), LoadLineage.of(raw_postgres)
    assert lineage_duckdb.instants and lineage_postgres.run_ids
    on_duckdb, on_postgres = {}, {}
    for name in raw_duckdb:
        nested = _nested_columns(raw_duckdb[name], raw_postgres[name])
        on_duckdb[name] = _comparable(raw_duckdb[name], nested, lineage_duckdb)
        on_postgres[name] = _comparable(raw_postgres[name], nested, lineage_postgres)
    assert len(on_duckdb) > 40
    different_columns = {
        name: (on_duckdb[name].columns, on_postgres[name].columns)
        for name in on_duckdb
        if on_duckdb[name].columns != on_postgres[name].columns
    }
    assert different_columns == {}
    different_counts = [
        f"{name}: {on_duckdb[name].height} rows on DuckDB, {on_postgres[name].height} on PostgreSQL"
        for name in on_duckdb
        if on_duckdb[name].height != on_postgres[name].height
    ]
    assert different_counts == []
    different_rows = [
        f"{name}: {_rows_missing_from(on_postgres[name], on_duckdb[name])} rows on DuckDB "
        "not on PostgreSQL"
        for name in on_duckdb
        if not on_duckdb[name].equals(on_postgres[name])
    ]
    assert different_rows == []
    assert not (tmp_path / "unused.duckdb").exists(), "the PostgreSQL build wrote the DuckDB file"
    assert sum(frame.height for frame in on_postgres.values()) > 10_000
    # the PostgreSQL build's runs and events are in PostgreSQL too, not in a SQLite file
    assert not list((tmp_path / "pg_home").glob("**/*.db"))
