"""A small customer warehouse (a real DuckDB file or PostgreSQL database, created with
plain SQL that runs on both), with the design's tables of every
layer: customer A (a CRM contact and a spreadsheet row, matched, and an older CRM contact
the source deleted, c-0) and customer B (a CRM contact), with a review pair between
them, another deleted contact (c-9), weather, quarantine rows and the contact
validations."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final

from platform_assets.warehouse import Warehouse
from platform_assets.warehouse.migrations.guard import ensure_current

KEY: Final = b"k" * 32
CUSTOMER_A: Final = "cust_aaaaaaaaaaaaaaaa"
CUSTOMER_B: Final = "cust_bbbbbbbbbbbbbbbb"
CRM_SOURCE: Final = "dataverse"
SPREADSHEET_SOURCE: Final = "spreadsheet_folder"
A_SHEET_ROW: Final = "legacy.xlsx:Customers:2"
LOADED: Final = datetime(2026, 12, 1, tzinfo=UTC)

SCHEMA_SQL: Final = (
    "create schema bronze",
    "create schema silver",
    "create schema gold",
    """create table bronze.crm_contacts (contactid VARCHAR primary key, firstname VARCHAR,
        lastname VARCHAR, emailaddress1 VARCHAR, telephone1 VARCHAR, mobilephone VARCHAR,
        address1_country VARCHAR, _source VARCHAR, _loaded_at TIMESTAMPTZ, _run_id VARCHAR,
        _row_hash VARCHAR, _deleted_at TIMESTAMPTZ)""",
    """create table bronze.spreadsheet_customers (record_id VARCHAR primary key,
        source_file VARCHAR, first_name VARCHAR, email VARCHAR, phone VARCHAR,
        country VARCHAR, _source VARCHAR, _loaded_at TIMESTAMPTZ, _run_id VARCHAR,
        _row_hash VARCHAR, _deleted_at TIMESTAMPTZ)""",
    """create table bronze.weather_daily (country_code VARCHAR, postal_code VARCHAR,
        observed_on DATE, temperature_max_c DOUBLE PRECISION, weather_source VARCHAR)""",
    """create table silver.customer_crm_contacts (contactid VARCHAR, first_name VARCHAR,
        email VARCHAR, is_deleted BOOLEAN)""",
    """create table silver.customer_spreadsheet_records (record_id VARCHAR,
        first_name VARCHAR, email VARCHAR, is_deleted BOOLEAN)""",
    """create table silver.customer_records (source_record_id VARCHAR,
        source_system VARCHAR, first_name VARCHAR, email VARCHAR, phone VARCHAR,
        source_priority INTEGER)""",
    """create table silver.customer_data_quality_issues (source_system VARCHAR,
        source_record_id VARCHAR, column_name VARCHAR, raw_value_hmac VARCHAR,
        reason VARCHAR)""",
    """create table silver.contact_validation (kind VARCHAR, raw_value VARCHAR,
        country_code VARCHAR, normalized_value VARCHAR, invalid_reason VARCHAR)""",
    """create table silver.customer_weather_daily (country_code VARCHAR,
        postal_code VARCHAR, observed_on DATE, temperature_max_c DOUBLE PRECISION)""",
    """create table gold.customer_source_xref (source_record_id VARCHAR,
        source_system VARCHAR, customer_key VARCHAR, match_probability DOUBLE PRECISION,
        cluster_size INTEGER)""",
    """create table gold.customer_match_review (source_record_id_l VARCHAR,
        source_record_id_r VARCHAR, match_probability DOUBLE PRECISION,
        match_weight DOUBLE PRECISION)""",
    """create table gold.dim_customer (customer_key VARCHAR, first_name VARCHAR,
        email VARCHAR, phone VARCHAR)""",
    """create table gold.fct_customer_weather (customer_key VARCHAR, observed_on DATE,
        temperature_max_c DOUBLE PRECISION)""",
    """create table gold.consumer_customer_profile (customer_key VARCHAR,
        email_masked VARCHAR, email_pseudonym VARCHAR)""",
)

ROWS_SQL: Final = (
    f"""insert into bronze.crm_contacts values
        ('c-1', 'Jane', 'Doe', 'Jane.Doe@Example.com', '020 7946 0001', null, 'GB',
         '{CRM_SOURCE}', '2026-12-01', 'r1', 'h1', null),
        ('c-2', 'Bob', 'Roe', 'bob@example.org', '020 7946 0002', '07700 900002', 'GB',
         '{CRM_SOURCE}', '2026-12-01', 'r1', 'h2', null),
        ('c-0', 'Jane', 'Doe', ' JANE.DOE@example.com', null, null, 'GB',
         '{CRM_SOURCE}', '2026-11-01', 'r0', 'h0', '2026-11-15'),
        ('c-9', 'Ann', 'Poe', 'ann@example.net', null, null, 'GB',
         '{CRM_SOURCE}', '2026-11-01', 'r0', 'h9', '2026-11-15')""",
    f"""insert into bronze.spreadsheet_customers values
        ('{A_SHEET_ROW}', 'legacy.xlsx', 'Jane', 'jane.doe@example.com ', '+44 20 7946 0001',
         'United Kingdom', '{SPREADSHEET_SOURCE}', '2026-12-01', 'r1', 'h3', null)""",
    """insert into bronze.weather_daily
        values ('GB', 'SW1A 1AA', '2026-11-30', 8.5, 'open-meteo')""",
    """insert into silver.customer_crm_contacts values
        ('c-1', 'Jane', 'jane.doe@example.com', false),
        ('c-2', 'Bob', 'bob@example.org', false)""",
    f"""insert into silver.customer_spreadsheet_records values
        ('{A_SHEET_ROW}', 'Jane', 'jane.doe@example.com', false)""",
    f"""insert into silver.customer_records values
        ('crm:c-1', 'crm', 'Jane', 'jane.doe@example.com', '+442079460001', 1),
        ('spreadsheet:{A_SHEET_ROW}', 'spreadsheet', 'Jane', 'jane.doe@example.com',
         '+442079460001', 2),
        ('crm:c-2', 'crm', 'Bob', 'bob@example.org', '+442079460002', 1)""",
    f"""insert into silver.customer_data_quality_issues values
        ('spreadsheet', 'spreadsheet:{A_SHEET_ROW}', 'birth_date', 'hmac-a', 'not a date'),
        ('crm', 'crm:c-2', 'postal_code', 'hmac-b', 'unknown postal code')""",
    """insert into silver.contact_validation values
        ('email', 'Jane.Doe@Example.com', '', 'jane.doe@example.com', null),
        ('email', 'jane.doe@example.com ', '', 'jane.doe@example.com', null),
        ('phone', '020 7946 0001', 'GB', '+442079460001', null),
        ('phone', '+44 20 7946 0001', 'GB', '+442079460001', null),
        ('email', 'bob@example.org', '', 'bob@example.org', null),
        ('phone', '020 7946 0002', 'GB', '+442079460002', null),
        ('phone', '07700 900002', 'GB', '+447700900002', null)""",
    """insert into silver.customer_weather_daily values ('GB', 'SW1A 1AA', '2026-11-30', 8.5)""",
    f"""insert into gold.customer_source_xref values
        ('crm:c-1', 'crm', '{CUSTOMER_A}', 0.99, 2),
        ('spreadsheet:{A_SHEET_ROW}', 'spreadsheet', '{CUSTOMER_A}', 0.99, 2),
        ('crm:c-2', 'crm', '{CUSTOMER_B}', 1.0, 1)""",
    """insert into gold.customer_match_review values ('crm:c-1', 'crm:c-2', 0.6, 1.2)""",
    f"""insert into gold.dim_customer values
        ('{CUSTOMER_A}', 'Jane', 'jane.doe@example.com', '+442079460001'),
        ('{CUSTOMER_B}', 'Bob', 'bob@example.org', '+442079460002')""",
    f"""insert into gold.fct_customer_weather values
        ('{CUSTOMER_A}', '2026-11-30', 8.5), ('{CUSTOMER_A}', '2026-11-29', 7.0),
        ('{CUSTOMER_B}', '2026-11-30', 8.5)""",
    f"""insert into gold.consumer_customer_profile values
        ('{CUSTOMER_A}', 'j***@example.com', 'p-a'), ('{CUSTOMER_B}', 'b***@example.org', 'p-b')""",
    f"""insert into ops.quarantine values
        ('{CRM_SOURCE}', 'crm_contacts', 'c-1', 'birthdate: not a date', '{{}}', 'r1',
         '2026-12-01', null, null),
        ('{SPREADSHEET_SOURCE}', 'spreadsheet_customers', '{A_SHEET_ROW}', 'email: too long',
         '{{}}', 'r1', '2026-12-01', null, null),
        ('{CRM_SOURCE}', 'crm_contacts', 'c-2', 'birthdate: not a date', '{{}}', 'r1',
         '2026-12-01', null, null)""",
)


def seed_customer_warehouse(warehouse: Warehouse) -> None:
    """The warehouse at head (``ops`` from the migrations), then the layers and rows."""
    ensure_current(warehouse)
    with warehouse.transaction() as session:
        for statement in (*SCHEMA_SQL, *ROWS_SQL):
            session.execute(statement)


def table_rows(warehouse: Warehouse, table: str) -> list[tuple]:
    with warehouse.connect() as session:
        return sorted(session.execute(f"select * from {table}").fetchall(), key=repr)
