"""The customer data-quality dashboard on real parts: small silver, gold and ops tables
in a DuckDB file, the bronze loads' reports in a Dagster instance in a temp directory,
the asset materialized by Dagster into a temp dashboards folder. The page shows the
figures of the tables, escapes every value, holds no personal value of the input, is
written owner-only, and says "not built yet" for a table the pipeline has not built.
The same tables in PostgreSQL, read as the analyst, give the same page."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from markupsafe import escape

from platform_assets.domains.customer.dashboards.asset import UPSTREAM, customer_data_quality
from platform_assets.domains.customer.dashboards.last_loads import last_loads
from platform_assets.domains.customer.dashboards.page import render_dashboard
from platform_assets.domains.customer.dashboards.sections import TABLES_READ
from platform_assets.warehouse import Warehouse, WarehouseRole
from platform_assets.warehouse.dialect import create_schema_sql
from platform_assets.warehouse.migrations.guard import ensure_current
from tests.customer.warehouse_roles import prepare_roles
from tests.dashboards.materializing import materialize_dashboard

#: Personal values of the input: in bronze, in the quarantine's keys and payloads, in
#: the record ids of the xref and the review queue. None may reach the page.
PERSONAL_VALUES = (
    "Zebedee",
    "Quillfeather",
    "zebedee.quillfeather@example.com",
    "+447700900123",
    "Ottoline",
    "ottoline.brisk@example.org",
)
HOSTILE = '<script>alert("customer")</script>'

INVALID_EMAIL = "email: The email address is not valid. It must have exactly one @-sign."
INVALID_PHONE = "phone: not a valid number for GB"
UNKNOWN_POSTCODE = "postal_code: not a known postal code for DE"

#: Plain SQL that DuckDB and PostgreSQL read alike (probabilities cast to the double
#: precision the real tables hold: PostgreSQL would keep the literals numeric), by the
#: role that writes the tables in production: the readers are granted what it writes.
LOADED_SQL = (
    """create table bronze.crm_contacts as select * from (values
        ('c1', 'Zebedee', 'Quillfeather', 'zebedee.quillfeather@example.com', '+447700900123'),
        ('c2', 'Ottoline', 'Brisk', 'ottoline.brisk@example.org', null)
    ) t(contactid, firstname, lastname, emailaddress1, telephone1)""",
    """insert into ops.quarantine values
        ('dataverse', 'crm_contacts', 'Zebedee', 'missing emailaddress1',
         '{"firstname": "Zebedee", "emailaddress1": "zebedee.quillfeather@example.com"}',
         'run-1', '2026-12-01 10:00:00+00', null, null),
        ('dataverse', 'crm_contacts', 'Zebedee', 'bad modifiedon', '{}',
         'run-1', '2026-12-01 10:00:00+00', null, null),
        ('dataverse', 'crm_contacts', 'c9', 'bad createdon', '{"lastname": "Quillfeather"}',
         'run-1', '2026-12-01 10:00:00+00', '2026-12-02 10:00:00+00', 'run-2'),
        ('spreadsheets', 'spreadsheet_customers', 'Ottoline.xlsx', 'unreadable workbook',
         null, 'run-1', '2026-12-01 10:00:00+00', null, null),
        ('github', 'deployments', 'd1', 'bad deployed_at', null,
         'run-1', '2026-12-01 10:00:00+00', null, null)""",
)
TRANSFORMED_SQL = (
    f"""create table silver.customer_data_quality_issues as select * from (values
        ('crm', 'crm:c1', 'emailaddress1', 'hmac-1', '{INVALID_EMAIL}'),
        ('crm', 'crm:c2', 'emailaddress1', 'hmac-2', '{INVALID_EMAIL}'),
        ('crm', 'crm:c2', 'telephone1', 'hmac-3', '{INVALID_PHONE}'),
        ('spreadsheet', 'spreadsheet:Ottoline.xlsx:Customers:4', 'postal_code', 'hmac-4',
         '{UNKNOWN_POSTCODE}')
    ) t(source_system, source_record_id, column_name, raw_value_hmac, reason)""",
    # cust_a: crm and spreadsheet; cust_b: twice in the crm; three singletons; cust_f:
    # six records, in the histogram's "5 or more" bar
    """create table gold.customer_source_xref as
        select source_record_id, source_system, customer_key,
               cast(0.99 as double precision) as match_probability,
               count(*) over (partition by customer_key) as cluster_size
        from (values
            ('crm:c1', 'crm', 'cust_a'),
            ('spreadsheet:Ottoline.xlsx:Customers:2', 'spreadsheet', 'cust_a'),
            ('crm:c2', 'crm', 'cust_b'), ('crm:c3', 'crm', 'cust_b'),
            ('crm:c4', 'crm', 'cust_c'), ('crm:c5', 'crm', 'cust_d'), ('crm:c6', 'crm', 'cust_e'),
            ('spreadsheet:f:S:1', 'spreadsheet', 'cust_f'),
            ('spreadsheet:f:S:2', 'spreadsheet', 'cust_f'),
            ('spreadsheet:f:S:3', 'spreadsheet', 'cust_f'),
            ('spreadsheet:f:S:4', 'spreadsheet', 'cust_f'),
            ('spreadsheet:f:S:5', 'spreadsheet', 'cust_f'),
            ('spreadsheet:f:S:6', 'spreadsheet', 'cust_f')
        ) t(source_record_id, source_system, customer_key)""",
    """create table gold.customer_match_review as
        select source_record_id_l, source_record_id_r,
               cast(match_probability as double precision) as match_probability,
               cast(match_weight as double precision) as match_weight
        from (values
        ('crm:c4', 'spreadsheet:zebedee.quillfeather@example.com', 0.52, 1.1),
        ('crm:c5', 'crm:c6', 0.61, 2.3),
        ('crm:c5', 'crm:c4', 0.63, 2.5),
        ('crm:c1', 'crm:c6', 0.94, 4.0)
    ) t(source_record_id_l, source_record_id_r, match_probability, match_weight)""",
    # GB: 2 areas x 3 days, one missing; DE: 3 areas x 1 day, none missing
    """create table silver.customer_weather_completeness as select * from (values
        ('GB', 'SW1A 1AA', date '2026-12-01', false), ('GB', 'SW1A 1AA', date '2026-12-02', false),
        ('GB', 'SW1A 1AA', date '2026-12-03', true), ('GB', 'M1 1AE', date '2026-12-01', false),
        ('GB', 'M1 1AE', date '2026-12-02', false), ('GB', 'M1 1AE', date '2026-12-03', false),
        ('DE', '10115', date '2026-12-01', false), ('DE', '20095', date '2026-12-01', false),
        ('DE', '80331', date '2026-12-01', false)
    ) t(country_code, postal_code, observed_on, is_missing)""",
    """create table silver.customer_weather_daily as select * from (values
        ('GB', 'SW1A 1AA', date '2026-12-01', 'open-meteo'),
        ('GB', 'SW1A 1AA', date '2026-12-02', 'open-meteo'),
        ('GB', 'M1 1AE', date '2026-12-01', 'open-meteo'),
        ('GB', 'M1 1AE', date '2026-12-02', 'open-meteo'),
        ('GB', 'M1 1AE', date '2026-12-03', 'fallback:meteostat'),
        ('DE', '10115', date '2026-12-01', 'open-meteo'),
        ('DE', '20095', date '2026-12-01', 'open-meteo'),
        ('DE', '80331', date '2026-12-01', 'open-meteo')
    ) t(country_code, postal_code, observed_on, weather_source)""",
)

CRM_LOAD = {
    "rows_extracted": 12,
    "rows_loaded": 9,
    "rows_inserted": 7,
    "rows_updated": 2,
    "rows_quarantined": 3,
    "rows_soft_deleted": 1,
}


def build_tables(warehouse: Warehouse) -> None:
    prepare_roles(warehouse)
    ensure_current(warehouse)
    written: tuple[tuple[WarehouseRole, tuple[str, ...], tuple[str, ...]], ...] = (
        ("loader", ("bronze", "ops"), LOADED_SQL),
        ("transformer", ("silver", "gold"), TRANSFORMED_SQL),
    )
    for role, schemas, statements in written:
        with warehouse.transaction(role=role) as session:
            for schema in schemas:
                session.execute(create_schema_sql(schema, session.dialect))
            for statement in statements:
                session.execute(statement)


def render(warehouse: Warehouse, instance: dg.DagsterInstance) -> str:
    """The page as the asset renders it, read as the analyst."""
    with warehouse.connect(read_only=True, role="analyst") as session:
        return render_dashboard(session, last_loads(instance)).html


@contextmanager
def dagster_instance(home: Path) -> Iterator[dg.DagsterInstance]:
    """A real instance whose storage lives in ``home``."""
    home.mkdir()
    with dg.instance_for_test(temp_dir=str(home)) as instance:
        yield instance


@dataclass(frozen=True)
class Materialized:
    result: dg.ExecuteInJobResult
    warehouse: Path
    directory: Path
    html: str


def materialize(warehouse: Path, dashboards: Path, instance: dg.DagsterInstance) -> Materialized:
    result = materialize_dashboard(customer_data_quality, warehouse, dashboards, instance)
    directory = dashboards / "customer"
    page = directory / "data_quality.html"
    return Materialized(result, warehouse, directory, page.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Materialized]:
    workdir = tmp_path_factory.mktemp("customer_dashboard")
    warehouse = workdir / "warehouse.duckdb"
    build_tables(Warehouse(database=str(warehouse)))
    with dagster_instance(workdir / "dagster_home") as instance:
        instance.report_runless_asset_event(
            dg.AssetMaterialization(asset_key=["bronze", "crm_contacts"], metadata=CRM_LOAD)
        )
        yield materialize(warehouse, workdir / "dashboards", instance)


def _row(*cells: str) -> str:
    return "<tr>" + "".join(cells) + "</tr>"


def _num(value: str) -> str:
    return f'<td class="num">{value}</td>'


def test_the_asset_writes_the_page_and_lists_it(built: Materialized) -> None:
    assert built.result.success
    with duckdb.connect(str(built.warehouse), read_only=True) as connection:
        listed = connection.sql("select * from dashboards.customer_data_quality").fetchall()
    path = built.directory / "data_quality.html"
    assert listed == [("data_quality", str(path), path.stat().st_size, None)]
    [check] = built.result.get_asset_check_evaluations()
    assert check.check_name == "pandera_schema" and check.passed


def test_the_page_and_its_folder_are_owner_only(built: Materialized) -> None:
    assert stat.S_IMODE(built.directory.stat().st_mode) == 0o700
    assert stat.S_IMODE((built.directory / "data_quality.html").stat().st_mode) == 0o600
    assert [path.name for path in built.directory.iterdir()] == ["data_quality.html"]


def test_the_page_is_offline(built: Materialized) -> None:
    for fetching in ("<script", "<link", "@import", "http://", "https://", "src="):
        assert fetching not in built.html


def test_invalid_values_per_source_column_and_reason(built: Materialized) -> None:
    html = built.html
    assert "<td>crm</td>" + _num("3") + _num("2") in html
    assert "<td>spreadsheet</td>" + _num("1") + _num("1") in html
    assert (
        _row("<td>crm</td><td>emailaddress1</td>", f"<td>{INVALID_EMAIL}</td>", _num("2")) in html
    )
    assert _row("<td>crm</td><td>telephone1</td>", f"<td>{INVALID_PHONE}</td>", _num("1")) in html
    assert f"<td>{UNKNOWN_POSTCODE}</td>" in html


def test_quarantine_counts_records_of_the_customer_tables_open_and_resolved(
    built: Materialized,
) -> None:
    html = built.html
    # one record quarantined for two reasons counts once; the other domain's is left out
    assert _row("<td>dataverse</td><td>crm_contacts</td>", _num("1"), _num("1")) in html
    assert _row("<td>spreadsheets</td><td>spreadsheet_customers</td>", _num("1"), _num("0")) in html
    assert "deployments" not in html
    assert '<div class="value">2</div><div class="label">open</div>' in html


def test_duplicates_found(built: Materialized) -> None:
    html = built.html
    for value, label in (
        ("13", "source records"),
        ("6", "customers"),
        ("3", "customers with duplicates"),
        ("1", "customers in more than one source"),
        ("4", "pairs awaiting review"),
    ):
        assert f'<div class="value">{value}</div><div class="label">{label}</div>' in html
    assert '<tr><td>1</td><td class="num">3</td>' in html
    assert '<tr><td>2</td><td class="num">2</td>' in html
    assert '<tr><td>5 or more</td><td class="num">1</td>' in html
    assert '<tr><td>0.50 to 0.55</td><td class="num">1</td>' in html
    assert '<tr><td>0.60 to 0.65</td><td class="num">2</td>' in html
    assert '<tr><td>0.90 to 0.95</td><td class="num">1</td>' in html


def test_weather_completeness_per_country_and_by_source(built: Materialized) -> None:
    html = built.html
    assert "<tr><td>GB</td>" + "".join(map(_num, ("6", "5", "1", "83.3 %"))) in html
    assert "<tr><td>DE</td>" + "".join(map(_num, ("3", "3", "0", "100.0 %"))) in html
    assert "<td>GB</td><td>open-meteo</td>" + _num("4") + _num("80.0 %") in html
    assert "<td>GB</td><td>fallback:meteostat</td>" + _num("1") + _num("20.0 %") in html
    assert "<td>DE</td><td>open-meteo</td>" + _num("3") + _num("100.0 %") in html


def test_the_last_loads_show_the_ingestion_report(built: Materialized) -> None:
    html = built.html
    [crm_row] = [line for line in html.splitlines() if "<td>bronze/crm_contacts</td>" in line]
    assert crm_row.endswith(
        "".join(_num(value) for value in ("12", "9", "7", "2", "3", "\u2013", "1")) + "</tr>"
    )
    assert '<td>bronze/crm_accounts</td><td class="empty" colspan="8">Not loaded yet.' in html


def test_no_personal_value_of_the_input_is_on_the_page(built: Materialized) -> None:
    for value in PERSONAL_VALUES:
        assert value.lower() not in built.html.lower(), value
    assert "hmac-" not in built.html


def test_values_from_the_tables_are_escaped(any_warehouse: Warehouse, tmp_path: Path) -> None:
    build_tables(any_warehouse)
    with any_warehouse.transaction() as connection:
        connection.execute(
            "insert into silver.customer_data_quality_issues values (?, 'x', ?, 'h', ?)",
            [HOSTILE, HOSTILE, HOSTILE],
        )
        connection.execute(
            "insert into ops.quarantine values (?, 'crm_accounts', 'k', 'r', null, 'run', "
            "now(), null, null)",
            [HOSTILE],
        )
        connection.execute(
            "insert into silver.customer_weather_daily values (?, 'p', date '2026-12-01', ?)",
            [HOSTILE, HOSTILE],
        )
        connection.execute(
            "insert into silver.customer_weather_completeness values (?, 'p', date '2026-12-01', "
            "false)",
            [HOSTILE],
        )
    with dagster_instance(tmp_path / "home") as instance:
        html = render(any_warehouse, instance)
    assert "<script" not in html
    escaped = f"<td>{escape(HOSTILE)}</td>"
    # issues: source (twice), column, reason; quarantine: source; weather: country (twice), source
    assert html.count(escaped) == 8


def test_tables_not_built_yet_leave_their_sections_saying_so(tmp_path: Path) -> None:
    """A fresh warehouse: the asset still writes its page, each section names the tables
    it waits for, and the asset's table lists them."""
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)):
        pass
    with dagster_instance(tmp_path / "home") as instance:
        materialized = materialize(warehouse, tmp_path / "dashboards", instance)
    assert materialized.result.success
    # the run brought the new warehouse to the migrations' head: ops.quarantine exists
    not_built = [table for table in TABLES_READ if table != "ops.quarantine"]
    for table in not_built:
        assert table in materialized.html
    assert materialized.html.count('<p class="empty">Not built yet: ') == 4
    assert "Not built yet: gold.customer_match_review, gold.customer_source_xref." not in (
        materialized.html
    )
    assert "Not built yet: gold.customer_source_xref, gold.customer_match_review." in (
        materialized.html
    )
    assert materialized.html.count("Not loaded yet.") == 4
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        [(missing,)] = connection.sql(
            "select tables_missing from dashboards.customer_data_quality"
        ).fetchall()
    assert missing == ", ".join(not_built)


@pytest.mark.postgres
def test_postgresql_gives_the_page_duckdb_gives(postgres_server, tmp_path: Path) -> None:
    """The same tables, the same page: figures, order and formatting do not depend on the
    database; and so does a warehouse set up but not built yet (on PostgreSQL the setup
    creates the ops tables, so the DuckDB file gets them too)."""
    duckdb_warehouse = Warehouse(database=str(tmp_path / "warehouse.duckdb"))
    postgres = Warehouse(postgres_url=postgres_server.create_database())
    empty_duckdb = Warehouse(database=str(tmp_path / "empty.duckdb"))
    empty_postgres = Warehouse(postgres_url=postgres_server.create_database())
    for warehouse in (duckdb_warehouse, postgres):
        build_tables(warehouse)
    prepare_roles(empty_postgres)
    ensure_current(empty_duckdb)
    with dagster_instance(tmp_path / "home") as instance:
        instance.report_runless_asset_event(
            dg.AssetMaterialization(asset_key=["bronze", "crm_contacts"], metadata=CRM_LOAD)
        )
        pages = {
            name: render(w, instance)
            for name, w in (
                ("duckdb", duckdb_warehouse),
                ("postgres", postgres),
                ("empty duckdb", empty_duckdb),
                ("empty postgres", empty_postgres),
            )
        }
    assert pages["postgres"] == pages["duckdb"]
    assert (
        '<div class="value">4</div><div class="label">pairs awaiting review</div>'
        in (pages["postgres"])
    )
    assert pages["empty postgres"] == pages["empty duckdb"]
    assert pages["empty postgres"].count('<p class="empty">Not built yet: ') == 4


def test_the_asset_depends_on_every_table_it_reads() -> None:
    assert {key.to_user_string() for key in UPSTREAM} == {
        "bronze/crm_contacts",
        "bronze/crm_accounts",
        "bronze/spreadsheet_customers",
        "bronze/weather_daily",
        "silver/customer_data_quality_issues",
        "gold/customer_source_xref",
        "gold/customer_match_review",
        "silver/customer_weather_completeness",
        "silver/customer_weather_daily",
    }
    assert customer_data_quality.dependency_keys == set(UPSTREAM)
