"""Identity resolution on a real DuckDB warehouse with the committed, trained model:
deterministic runs, stable customer keys, the review band, the one-transaction write and
the Dagster asset in a real instance; on PostgreSQL, the same tables as on DuckDB, the
rollback and the asset."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import dagster as dg
import polars as pl
import pyarrow as pa
import pytest

from platform_assets.domains.customer.identity_resolution.assets import (
    REVIEW_KEY,
    XREF_KEY,
    customer_identity_resolution,
)
from platform_assets.domains.customer.identity_resolution.customer_keys import new_customer_key
from platform_assets.domains.customer.identity_resolution.model import CURRENT_MODEL, load_model
from platform_assets.domains.customer.identity_resolution.model_spec import settings_as_dict
from platform_assets.domains.customer.identity_resolution.resolution import (
    Resolution,
    resolve_customers,
)
from platform_assets.warehouse import Warehouse
from platform_assets.warehouse.dialect import create_schema_sql
from tests.customer.warehouse_roles import prepare_roles

RECORD_SCHEMA = pa.schema(
    [
        ("source_record_id", pa.string()),
        ("source_system", pa.string()),
        ("first_name", pa.string()),
        ("last_name", pa.string()),
        ("email", pa.string()),
        ("phone", pa.string()),
        ("birth_date", pa.date32()),
        ("address_line1", pa.string()),
        ("city", pa.string()),
        ("postal_code", pa.string()),
        ("country_code", pa.string()),
        ("source_updated_at", pa.timestamp("us", tz="UTC")),
        ("source_priority", pa.int32()),
    ]
)


def _record(record_id: str, first: str, last: str, born: dt.date | None, **values: Any) -> dict:
    system = record_id.split(":")[0]
    return {
        "source_record_id": record_id,
        "source_system": system,
        "first_name": first,
        "last_name": last,
        "birth_date": born,
        "email": None,
        "phone": None,
        "address_line1": None,
        "city": None,
        "postal_code": None,
        "country_code": "DE",
        "source_updated_at": dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
        "source_priority": 1 if system == "crm" else 2,
        **values,
    }


BERLIN = {"address_line1": "12 Hauptstrasse", "city": "Berlin", "postal_code": "10115"}
MUNICH = {"address_line1": "3 Schulstrasse", "city": "Munich", "postal_code": "80331"}
HAMBURG = {"address_line1": "9 Ringstrasse", "city": "Hamburg", "postal_code": "20095"}

#: Greta has neither email nor phone in either source; Anna's records share an email;
#: two Jonas Webers at one address, one without a birth date (the same man, or his
#: son?), are a close call; Ana and Paul are alone.
RECORDS = [
    _record("crm:greta", "Greta", "Lindqvist", dt.date(1980, 3, 14), **BERLIN),
    _record("spreadsheet:book.xlsx:s1:2", "Greta", "Lindqvist", dt.date(1980, 3, 14), **BERLIN),
    _record(
        "crm:anna",
        "Anna",
        "Schmidt",
        dt.date(1991, 8, 30),
        email="anna.schmidt@example.com",
        phone="+4915112345678",
        **MUNICH,
    ),
    _record(
        "spreadsheet:book.xlsx:s1:3",
        "Anna",
        "Schmit",
        None,
        email="anna.schmidt@example.com",
        **MUNICH,
    ),
    _record("crm:jonas", "Jonas", "Weber", dt.date(1975, 6, 2), **MUNICH),
    _record("spreadsheet:book.xlsx:s1:4", "Jonas", "Weber", None, **MUNICH),
    _record("crm:ana", "Ana", "Kowalska", dt.date(1990, 1, 1), email="ana.k@example.org", **BERLIN),
    _record("crm:paul", "Paul", "Dubois", dt.date(1966, 12, 5), phone="+4917099887766", **HAMBURG),
]


def _write_records(warehouse: Warehouse, records: list[dict]) -> None:
    """``records`` as silver's customer records, written as dbt writes them: by the
    transformer."""
    prepare_roles(warehouse)
    with warehouse.transaction(role="transformer") as connection:
        connection.execute(create_schema_sql("silver", connection.dialect))
        connection.register("records", pa.Table.from_pylist(records, schema=RECORD_SCHEMA))
        connection.execute("drop table if exists silver.customer_records")
        connection.execute("create table silver.customer_records as select * from records")


def _table(warehouse: Warehouse, table: str) -> list[tuple]:
    with warehouse.connect() as connection:
        return connection.execute(f"select * from gold.{table} order by 1, 2").fetchall()


def _frame(warehouse: Warehouse, table: str) -> pl.DataFrame:
    with warehouse.connect() as connection:
        return connection.frame(f"select * from gold.{table} order by 1, 2")


def _keys(warehouse: Warehouse) -> dict[str, str]:
    with warehouse.connect() as connection:
        return dict(
            connection.execute(
                "select source_record_id, customer_key from gold.customer_source_xref"
            ).fetchall()
        )


def _resolve(warehouse: Warehouse) -> Resolution:
    return resolve_customers(warehouse, load_model())


@pytest.fixture
def warehouse(any_warehouse: Warehouse) -> Warehouse:
    """RECORDS in silver, on DuckDB and on PostgreSQL."""
    _write_records(any_warehouse, RECORDS)
    return any_warehouse


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Resolution]:
    """One resolution of RECORDS, shared: each test starts from a copy of its file (a
    Splink run costs seconds even on eight records)."""
    resource = Warehouse(database=str(tmp_path_factory.mktemp("first") / "warehouse.duckdb"))
    _write_records(resource, RECORDS)
    return resource.path, _resolve(resource)


@pytest.fixture
def resolved(first_run: tuple[Path, Resolution], tmp_path: Path) -> Warehouse:
    """A warehouse after one resolution of RECORDS."""
    copy = tmp_path / "resolved.duckdb"
    shutil.copyfile(first_run[0], copy)
    return Warehouse(database=str(copy))


def test_same_records_give_identical_tables_in_two_warehouses_and_on_rerun(
    resolved: Warehouse, tmp_path: Path
) -> None:
    warehouse = resolved
    other = Warehouse(database=str(tmp_path / "other.duckdb"))
    _write_records(other, list(reversed(RECORDS)))
    _resolve(other)
    first = (_table(warehouse, "customer_source_xref"), _table(warehouse, "customer_match_review"))
    assert first == (_table(other, "customer_source_xref"), _table(other, "customer_match_review"))
    rerun = _resolve(warehouse)
    assert rerun.keys.new == 0 and rerun.keys.retired == 0
    assert (
        _table(warehouse, "customer_source_xref"),
        _table(warehouse, "customer_match_review"),
    ) == first


def test_records_without_email_or_phone_link_on_name_birth_date_and_address(
    resolved: Warehouse,
) -> None:
    keys = _keys(resolved)
    assert keys["crm:greta"] == keys["spreadsheet:book.xlsx:s1:2"]
    assert keys["crm:anna"] == keys["spreadsheet:book.xlsx:s1:3"]
    assert len(set(keys.values())) == 6


def test_first_run_keys_come_from_the_smallest_record_id(
    first_run: tuple[Path, Resolution], resolved: Warehouse
) -> None:
    warehouse, resolution = resolved, first_run[1]
    keys = _keys(warehouse)
    assert keys["crm:greta"] == new_customer_key("crm:greta")
    assert keys["crm:paul"] == new_customer_key("crm:paul")
    assert (resolution.keys.kept, resolution.keys.new, resolution.keys.retired) == (0, 6, 0)
    with warehouse.connect() as connection:
        singles = connection.execute(
            "select match_probability, cluster_size from gold.customer_source_xref "
            "where source_record_id = 'crm:paul'"
        ).fetchall()
        pair = connection.execute(
            "select min(match_probability), max(cluster_size) from gold.customer_source_xref "
            "where source_record_id like '%greta' or source_record_id like '%s1:2'"
        ).fetchall()
    assert singles == [(1.0, 1)]
    assert pair[0][0] >= load_model().threshold and pair[0][1] == 2


def test_a_record_joining_a_customer_takes_its_key_and_the_key_stays(
    resolved: Warehouse,
) -> None:
    warehouse = resolved
    before = _keys(warehouse)
    # a record that sorts before every existing one: were keys recomputed from the
    # smallest id, Greta's key would change
    newcomer = _record("crm:0-greta", "Greta", "Lindqvist", dt.date(1980, 3, 14), **BERLIN)
    _write_records(warehouse, [*RECORDS, newcomer])
    resolution = _resolve(warehouse)
    after = _keys(warehouse)
    assert after["crm:0-greta"] == before["crm:greta"] == after["crm:greta"]
    assert {k: after[k] for k in before} == before
    assert (resolution.keys.kept, resolution.keys.new, resolution.keys.retired) == (6, 0, 0)


def test_a_split_customer_keeps_its_key_with_the_larger_part(resolved: Warehouse) -> None:
    warehouse = resolved
    # a previous run had put Paul with Greta's two records, under the key derived from
    # Paul's id (the smallest of the three before Greta's 'crm:g...' sorts after 'crm:a')
    shared = new_customer_key("crm:paul")
    with warehouse.transaction() as connection:
        connection.execute(
            "update gold.customer_source_xref set customer_key = ? where source_record_id in "
            "('crm:greta', 'spreadsheet:book.xlsx:s1:2', 'crm:paul')",
            [shared],
        )
    resolution = _resolve(warehouse)
    keys = _keys(warehouse)
    assert keys["crm:greta"] == keys["spreadsheet:book.xlsx:s1:2"] == shared
    # Paul leaves with the minority; his first-choice key is taken, so he gets another
    assert keys["crm:paul"] not in {shared, keys["crm:anna"], keys["crm:jonas"]}
    assert keys["crm:paul"] == new_customer_key("crm:paul", attempt=1)
    assert (resolution.keys.kept, resolution.keys.new) == (5, 1)


def test_records_gone_from_silver_leave_the_xref_and_retire_their_key(
    resolved: Warehouse,
) -> None:
    warehouse = resolved
    paul = _keys(warehouse)["crm:paul"]
    _write_records(warehouse, [r for r in RECORDS if r["source_record_id"] != "crm:paul"])
    resolution = _resolve(warehouse)
    keys = _keys(warehouse)
    assert "crm:paul" not in keys and paul not in keys.values()
    assert resolution.keys.retired == 1


def test_close_calls_go_to_review_not_to_one_customer(resolved: Warehouse) -> None:
    warehouse = resolved
    model = load_model()
    review = _table(warehouse, "customer_match_review")
    assert [(left, right) for left, right, *_ in review] == [
        ("crm:jonas", "spreadsheet:book.xlsx:s1:4")
    ]
    assert all(
        model.review_lower <= probability < model.threshold for _, _, probability, _ in review
    )
    keys = _keys(warehouse)
    assert keys["crm:jonas"] != keys["spreadsheet:book.xlsx:s1:4"]


@pytest.mark.postgres
def test_postgresql_resolves_to_the_tables_duckdb_does(
    first_run: tuple[Path, Resolution], postgres_url: str
) -> None:
    """Same records, same rows, same column types; a rerun on PostgreSQL keeps every key."""
    duckdb_warehouse = Warehouse(database=str(first_run[0]))
    warehouse = Warehouse(postgres_url=postgres_url)
    _write_records(warehouse, RECORDS)
    resolution = _resolve(warehouse)
    assert (resolution.keys.kept, resolution.keys.new, resolution.keys.retired) == (0, 6, 0)
    for table in ("customer_source_xref", "customer_match_review"):
        expected, written = _frame(duckdb_warehouse, table), _frame(warehouse, table)
        assert written.schema == expected.schema
        assert written.rows() == expected.rows()
    keys = _keys(warehouse)
    rerun = _resolve(warehouse)
    assert (rerun.keys.new, rerun.keys.retired) == (0, 0)
    assert _keys(warehouse) == keys


def test_a_failed_write_leaves_the_previous_tables(warehouse: Warehouse) -> None:
    _resolve(warehouse)
    before = _table(warehouse, "customer_source_xref")
    _write_records(warehouse, [r for r in RECORDS if r["source_record_id"] != "crm:paul"])
    with warehouse.transaction() as connection:
        # the review table cannot be replaced by a table while a view holds its name, so
        # the write fails after the xref was already replaced inside the transaction
        connection.execute("drop table gold.customer_match_review")
        connection.execute("create view gold.customer_match_review as select 1 as x")
    with pytest.raises(Exception, match="customer_match_review"):
        _resolve(warehouse)
    assert _table(warehouse, "customer_source_xref") == before


def test_the_asset_materializes_both_tables_with_its_figures(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    home = tmp_path / "dagster_home"
    home.mkdir()
    with dg.instance_for_test(temp_dir=str(home)) as instance:
        result = dg.materialize(
            [customer_identity_resolution],
            resources={"warehouse": warehouse},
            instance=instance,
        )
        assert result.success
        xref = instance.get_latest_materialization_event(XREF_KEY)
        review = instance.get_latest_materialization_event(REVIEW_KEY)
    assert xref is not None and review is not None
    metadata = xref.asset_materialization.metadata  # type: ignore[union-attr]
    figures = {
        name: metadata[name].value
        for name in (
            "records",
            "clusters",
            "links_above_threshold",
            "review_pairs",
            "keys_new",
            "keys_kept",
            "keys_retired",
        )
    }
    assert figures == {
        "records": 8,
        "clusters": 6,
        "links_above_threshold": 2,
        "review_pairs": 1,
        "keys_new": 6,
        "keys_kept": 0,
        "keys_retired": 0,
    }
    assert metadata["pairs_scored"].value >= 3
    assert {"seconds_score", "seconds_cluster", "seconds_write"} <= set(metadata)
    checks = {
        (check.asset_key.path[-1], check.check_name): check.passed
        for check in result.get_asset_check_evaluations()
    }
    assert checks == {
        (table, check): True
        for table in ("customer_source_xref", "customer_match_review")
        for check in ("pandera_schema", "column_stability")
    }


def test_the_committed_model_is_the_trained_spec() -> None:
    """A change to the blocking rules or comparisons in model_spec.py needs a retrained
    model file: the asset runs the file, not the spec."""
    trained = load_model().splink_settings
    spec = settings_as_dict()
    assert (
        trained["blocking_rules_to_generate_predictions"]
        == (spec["blocking_rules_to_generate_predictions"])
    )
    assert [c["output_column_name"] for c in trained["comparisons"]] == [
        c["output_column_name"] for c in spec["comparisons"]
    ]
    assert [
        [level["sql_condition"] for level in c["comparison_levels"]] for c in trained["comparisons"]
    ] == [[level["sql_condition"] for level in c["comparison_levels"]] for c in spec["comparisons"]]


def test_a_missing_or_inconsistent_model_file_says_what_is_wrong(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="train_customer_linkage"):
        load_model(tmp_path / "absent.json")
    document = json.loads(CURRENT_MODEL.read_text())
    del document["splink_settings"]
    incomplete = tmp_path / "incomplete.json"
    incomplete.write_text(json.dumps(document))
    with pytest.raises(ValueError, match=r"lacks \['splink_settings'\]"):
        load_model(incomplete)
    document = json.loads(CURRENT_MODEL.read_text())
    document["review_lower_match_probability"] = 0.99
    inverted = tmp_path / "inverted.json"
    inverted.write_text(json.dumps(document))
    with pytest.raises(ValueError, match="review_lower < threshold"):
        load_model(inverted)
