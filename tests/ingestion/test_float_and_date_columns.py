"""Float and date columns: typed from the Pandera model, parsed from text or taken as
typed, and a value that does not parse is quarantined with its reason; allowed values
are compared in the column's own type."""

from __future__ import annotations

from datetime import date

import pandera.polars as pa
import polars as pl

from platform_assets.ingestion import ColumnKind, RecordBatch, TableContract, ingest
from platform_assets.ingestion.validation import validate
from tests.ingestion.customer_like import READINGS, ScriptedConnector, reading


def test_the_kinds_are_read_from_the_pandera_dtypes() -> None:
    kinds = {column.name: column.kind for column in READINGS.columns}
    assert kinds["value"] is ColumnKind.FLOAT
    assert kinds["observed_on"] is ColumnKind.DATE
    assert kinds["born_on"] is ColumnKind.DATE
    assert '"value" DOUBLE' in READINGS.create_table_sql()
    assert '"observed_on" DATE' in READINGS.create_table_sql()


def test_text_and_python_values_parse_and_bad_ones_are_quarantined() -> None:
    batch = validate(
        READINGS,
        [
            [
                reading("r1", value="2.25"),
                {**reading("r2", value=3), "born_on": date(1990, 5, 17)},
                reading("r3", value="about four"),
                {**reading("r4"), "observed_on": "17/05/1990"},
            ]
        ],
    )
    assert batch.rows.schema["value"] == pl.Float64
    assert batch.rows.schema["observed_on"] == pl.Date
    assert batch.rows.select("reading_id", "value", "born_on").rows() == [
        ("r1", 2.25, None),
        ("r2", 3.0, date(1990, 5, 17)),
    ]
    assert dict(batch.quarantined.select("record_key", "reason").iter_rows()) == {
        "r3": "wrong type for value: expected float, got string 'about four'",
        "r4": "unparseable date in observed_on: '17/05/1990'",
    }


def test_a_typed_columnar_batch_is_converted_not_parsed() -> None:
    frame = pl.DataFrame(
        {
            "reading_id": ["r1", "r2"],
            "site": ["north", None],
            "value": pl.Series([1, 2], dtype=pl.Int32),
            "observed_on": [date(2026, 11, 1), None],
            "born_on": pl.Series([None, None], dtype=pl.Date),
        }
    )
    batch = validate(READINGS, [frame])
    assert batch.quarantined.height == 0
    assert batch.rows.get_column("value").to_list() == [1.0, 2.0]
    assert batch.rows.get_column("observed_on").to_list() == [date(2026, 11, 1), None]


def test_floats_and_dates_land_in_duckdb_types(warehouse, log) -> None:
    connector = ScriptedConnector([RecordBatch([reading("r1", value="0.1")], cursor=None)])
    ingest(connector, READINGS, warehouse, run_id="run-1", log=log)
    with warehouse.connect() as connection:
        row = connection.execute(
            "select value, observed_on, typeof(value), typeof(observed_on) from bronze.readings"
        ).fetchall()
    assert row == [(0.1, date(2026, 11, 1), "DOUBLE", "DATE")]


def test_allowed_values_of_an_integer_column_are_compared_as_integers() -> None:
    class States(pa.DataFrameModel):
        state_id: str = pa.Field(unique=True)
        statecode: int = pa.Field(nullable=True, isin=[0, 1])

    contract = TableContract.from_pandera(States, schema="bronze", table="states")
    batch = validate(
        contract,
        [[{"state_id": "a", "statecode": 1}, {"state_id": "b", "statecode": "2"}]],
    )
    assert batch.rows.select("state_id", "statecode").rows() == [("a", 1)]
    assert batch.quarantined.get_column("reason").to_list() == [
        "unknown value '2' for statecode (allowed: 0, 1)"
    ]
