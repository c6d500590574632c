"""The DuckDB default's stand-in for the consumer role: ``platform-assets warehouse
export-consumer`` copies only the consumer tables into an owner-only file of their own."""

from __future__ import annotations

import stat
from pathlib import Path

import duckdb
import pytest

from platform_assets.cli.main import main
from platform_assets.integrations.duckdb.consumer_export import (
    ConsumerExportError,
    ConsumerTable,
    export_consumer_tables,
)

PROFILE = ConsumerTable(schema="gold", name="consumer_customer_profile")


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    """A warehouse holding personal data in clear beside the consumer table."""
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as connection:
        for statement in (
            "create schema bronze",
            "create schema gold",
            "create table bronze.crm_contacts as select 'c1' as contactid, "
            "'ada@example.com' as email",
            "create table gold.dim_customer as select 'cust_1' as customer_key, "
            "'ada@example.com' as email",
            "create table gold.consumer_customer_profile as select 'cust_1' as customer_key, "
            "'a***@example.com' as email_masked",
        ):
            connection.execute(statement)
    return path


def _tables(path: Path) -> list[tuple[str, str]]:
    with duckdb.connect(str(path), read_only=True) as connection:
        return connection.execute(
            "select table_schema, table_name from information_schema.tables order by all"
        ).fetchall()


def test_the_export_holds_the_consumer_tables_only_readable_by_its_owner(
    warehouse: Path, tmp_path: Path
) -> None:
    destination = tmp_path / "exports" / "consumer.duckdb"

    rows = export_consumer_tables(warehouse, [PROFILE], destination)

    assert rows == {"gold.consumer_customer_profile": 1}
    assert _tables(destination) == [("gold", "consumer_customer_profile")]
    assert stat.S_IMODE(destination.stat().st_mode) == 0o600
    with duckdb.connect(str(destination), read_only=True) as connection:
        assert connection.execute("select * from gold.consumer_customer_profile").fetchall() == [
            ("cust_1", "a***@example.com")
        ]


def test_a_second_export_replaces_the_first(warehouse: Path, tmp_path: Path) -> None:
    destination = tmp_path / "consumer.duckdb"
    export_consumer_tables(warehouse, [PROFILE], destination)
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("insert into gold.consumer_customer_profile values ('cust_2', 'b***')")

    assert export_consumer_tables(warehouse, [PROFILE], destination) == {
        "gold.consumer_customer_profile": 2
    }


def test_a_consumer_table_not_built_yet_leaves_no_file(warehouse: Path, tmp_path: Path) -> None:
    destination = tmp_path / "consumer.duckdb"
    missing = ConsumerTable(schema="gold", name="consumer_orders")

    with pytest.raises(ConsumerExportError, match=r"gold\.consumer_orders not in .*build them"):
        export_consumer_tables(warehouse, [PROFILE, missing], destination)

    assert list(tmp_path.glob("*consumer*")) == []


def test_on_postgres_the_export_points_to_the_consumer_role(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PLATFORM_POSTGRES_URL", "postgresql://platform@127.0.0.1/platform")

    assert main(["warehouse", "export-consumer", str(tmp_path / "consumer.duckdb")]) == 1
    assert "consumer role" in capsys.readouterr().err
