"""Table options read from the Pandera model's Config.metadata, and the loader-written
``_row_hash``: the sha256 of the data columns, deterministic, NULL distinct from empty."""

from __future__ import annotations

import hashlib
import json

import pytest

from platform_assets.domains.dora.raw_schemas import RAW_CONTRACTS
from platform_assets.ingestion import RecordBatch, ingest
from platform_assets.ingestion.contract import (
    DELETED_AT_COLUMN,
    EXTRAS_COLUMN,
    LINEAGE_COLUMNS,
    ROW_HASH_COLUMN,
)
from platform_assets.warehouse import Warehouse
from tests.ingestion.conftest import all_tables
from tests.ingestion.customer_like import PLAIN_READINGS, READINGS, ScriptedConnector, reading


@pytest.fixture
def warehouse(any_warehouse: Warehouse) -> Warehouse:
    """The tests of the stored hash on DuckDB and on PostgreSQL."""
    return any_warehouse


def stored(warehouse: Warehouse, columns: str = "*") -> list[tuple]:
    with warehouse.connect() as connection:
        return connection.execute(
            f"select {columns} from bronze.readings order by reading_id"
        ).fetchall()


def test_the_options_add_their_lineage_columns_and_dora_opts_into_soft_deletes_only() -> None:
    assert READINGS.soft_deletes and READINGS.row_hash
    assert READINGS.lineage_columns == (
        *LINEAGE_COLUMNS,
        ROW_HASH_COLUMN,
        DELETED_AT_COLUMN,
        EXTRAS_COLUMN,
    )
    assert '"_row_hash" VARCHAR NOT NULL, "_deleted_at" TIMESTAMPTZ,' in (
        READINGS.create_table_sql()
    )
    assert not PLAIN_READINGS.soft_deletes and not PLAIN_READINGS.row_hash
    assert all(
        contract.lineage_columns == (*LINEAGE_COLUMNS, DELETED_AT_COLUMN, EXTRAS_COLUMN)
        and "_row_hash" not in contract.create_table_sql()
        for contract in RAW_CONTRACTS.values()
    )


def test_the_hash_is_the_sha256_of_the_data_columns_as_canonical_text(warehouse, log) -> None:
    record = {**reading("r1", value=0.5), "born_on": "1990-05-17"}
    report, landed = ingest(
        ScriptedConnector([RecordBatch([record], cursor=None)]),
        READINGS,
        warehouse,
        run_id="run-1",
        log=log,
    )
    canonical = json.dumps(
        ["r1", "north", "0.5", "2026-11-01", "1990-05-17"], separators=(",", ":")
    )
    expected = hashlib.sha256(canonical.encode()).hexdigest()
    assert stored(warehouse, "_row_hash, _deleted_at") == [(expected, None)]
    assert landed.get_column(ROW_HASH_COLUMN).to_list() == [expected]
    assert report.inserted == 1


def test_null_and_empty_text_hash_differently(tmp_path, log) -> None:
    hashes = []
    for name, site in (("empty", ""), ("null", None)):
        warehouse = Warehouse(database=str(tmp_path / f"{name}.duckdb"))
        ingest(
            ScriptedConnector([RecordBatch([reading("r1", site=site)], cursor=None)]),
            READINGS,
            warehouse,
            run_id="run-1",
            log=log,
        )
        hashes.append(stored(warehouse, "site, _row_hash")[0])
    (empty_site, empty_hash), (null_site, null_hash) = hashes
    assert (empty_site, null_site) == ("", None)
    assert empty_hash != null_hash


def test_equal_data_hashes_equal_across_runs_and_a_change_changes_it(tmp_path, log) -> None:
    first, second = (Warehouse(database=str(tmp_path / f"{n}.duckdb")) for n in ("a", "b"))
    for warehouse, run_id in ((first, "run-1"), (second, "run-2")):
        ingest(
            ScriptedConnector([RecordBatch([reading("r1"), reading("r2")], cursor=None)]),
            READINGS,
            warehouse,
            run_id=run_id,
            log=log,
        )
    assert stored(first, "_row_hash") == stored(second, "_row_hash")
    ingest(
        ScriptedConnector([RecordBatch([reading("r1", value=2.5), reading("r2")], cursor=None)]),
        READINGS,
        second,
        run_id="run-3",
        log=log,
    )
    (r1_before, r2_before), (r1_after, r2_after) = (
        [h for (h,) in stored(w, "_row_hash")] for w in (first, second)
    )
    assert r1_after != r1_before
    assert r2_after == r2_before


def test_a_rerun_changes_nothing(warehouse, log) -> None:
    def load(run_id: str):
        return ingest(
            ScriptedConnector([RecordBatch([reading("r1"), reading("r2")], cursor=None)]),
            READINGS,
            warehouse,
            run_id=run_id,
            log=log,
        )[0]

    load("run-1")
    before = all_tables(warehouse) | {"bronze.readings": stored(warehouse)}
    again = load("run-2")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)
    assert all_tables(warehouse) | {"bronze.readings": stored(warehouse)} == before


def test_a_column_the_batch_did_not_carry_is_hashed_as_stored(tmp_path, warehouse, log) -> None:
    """A batch without ``site`` keeps the stored site, and the hash is that of the row as
    it now stands: equal to loading the whole row at once, into a DuckDB file whichever
    database took the partial row (a float such as 9.0 is text DuckDB and PostgreSQL
    spell differently, and the hashes must still agree)."""
    partial, whole = warehouse, Warehouse(database=str(tmp_path / "whole.duckdb"))
    ingest(
        ScriptedConnector([RecordBatch([reading("r1", site="south")], cursor=None)]),
        READINGS,
        partial,
        run_id="run-1",
        log=log,
    )
    without_site = {k: v for k, v in reading("r1", value=9.0).items() if k != "site"}
    ingest(
        ScriptedConnector([RecordBatch([without_site], cursor=None)]),
        READINGS,
        partial,
        run_id="run-2",
        log=log,
    )
    ingest(
        ScriptedConnector([RecordBatch([reading("r1", site="south", value=9.0)], cursor=None)]),
        READINGS,
        whole,
        run_id="run-3",
        log=log,
    )
    assert stored(partial, "site, value, _row_hash") == stored(whole, "site, value, _row_hash")
