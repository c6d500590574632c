from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from platform_assets.privacy.retention import (
    RetentionConfigError,
    load_retention_policies,
    purge_expired_rows,
)
from platform_assets.settings import PROJECT_ROOT
from platform_assets.warehouse import Warehouse
from tests.privacy.customer_warehouse import table_rows

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)
POLICIES = load_retention_policies(PROJECT_ROOT / "config" / "retention.yaml")


def seed(warehouse: Warehouse) -> None:
    """Rows one second (or one day) on either side of each boundary of the shipped config."""
    deleted_long_ago = NOW - timedelta(days=30) - SECOND
    deleted_lately = NOW - timedelta(days=30) + SECOND
    quarantined_long_ago = NOW - timedelta(days=90) - SECOND
    quarantined_lately = NOW - timedelta(days=90) + SECOND
    with warehouse.transaction() as session:
        for schema in ("bronze", "ops"):
            session.execute(f"create schema {schema}")
        session.execute(
            "create table bronze.crm_contacts (contactid VARCHAR, _deleted_at TIMESTAMPTZ)"
        )
        session.execute(
            "insert into bronze.crm_contacts values ('live', null), ('old', ?), ('recent', ?)",
            [deleted_long_ago, deleted_lately],
        )
        session.execute("create table bronze.weather_daily (postal_code VARCHAR, observed_on DATE)")
        # the cutoff is 2025-11-01 12:00 UTC: that day began before it, the next after
        session.execute(
            "insert into bronze.weather_daily values ('old', ?), ('recent', ?)",
            [date(2025, 11, 1), date(2025, 11, 2)],
        )
        session.execute(
            "create table ops.quarantine (record_key VARCHAR, quarantined_at TIMESTAMPTZ)"
        )
        session.execute(
            "insert into ops.quarantine values ('old', ?), ('recent', ?)",
            [quarantined_long_ago, quarantined_lately],
        )
        session.execute(
            "create table ops.erasure_suppression (record_key_digest VARCHAR, "
            "suppressed_at TIMESTAMPTZ)"
        )
        session.execute(
            "insert into ops.erasure_suppression values ('ancient', ?)", [NOW.replace(year=2000)]
        )


@pytest.fixture
def warehouse(any_warehouse: Warehouse) -> Warehouse:
    """Seeded DuckDB file and PostgreSQL database: the purge runs unchanged on both."""
    seed(any_warehouse)
    return any_warehouse


def keys(warehouse: Warehouse, table: str) -> list[str]:
    return sorted(row[0] for row in table_rows(warehouse, table))


def test_rows_past_retention_are_purged_and_the_rest_kept(warehouse):
    counts = purge_expired_rows(warehouse, POLICIES, now=NOW)

    assert keys(warehouse, "bronze.crm_contacts") == ["live", "recent"]
    assert keys(warehouse, "bronze.weather_daily") == ["recent"]
    assert keys(warehouse, "ops.quarantine") == ["recent"]
    assert keys(warehouse, "ops.erasure_suppression") == ["ancient"]
    assert {c.table: c.rows for c in counts if c.present} == {
        "bronze.crm_contacts": 1,
        "bronze.weather_daily": 1,
        "ops.quarantine": 1,
    }


def test_tables_not_built_yet_are_counted_as_absent(warehouse):
    counts = {c.table: c for c in purge_expired_rows(warehouse, POLICIES, now=NOW)}

    assert not counts["bronze.crm_accounts"].present
    assert counts["bronze.crm_accounts"].rows == 0
    assert "ops.erasure_log" not in counts


def test_a_second_purge_finds_nothing(warehouse):
    purge_expired_rows(warehouse, POLICIES, now=NOW)

    assert sum(c.rows for c in purge_expired_rows(warehouse, POLICIES, now=NOW)) == 0


def test_a_dry_run_counts_and_changes_nothing(warehouse):
    before = {t: table_rows(warehouse, t) for t in ("bronze.crm_contacts", "ops.quarantine")}

    counts = purge_expired_rows(warehouse, POLICIES, now=NOW, dry_run=True)

    assert sum(c.rows for c in counts) == 3
    assert {t: table_rows(warehouse, t) for t in before} == before


def test_a_configured_column_the_table_lacks_fails_and_purges_nothing(warehouse, tmp_path):
    config = tmp_path / "retention.yaml"
    config.write_text(
        "tables:\n"
        "  bronze.crm_contacts: {column: _deleted_at, days: 30}\n"
        "  ops.quarantine: {column: created_at, days: 90}\n"
    )

    with pytest.raises(RetentionConfigError, match=r"ops\.quarantine has no column 'created_at'"):
        purge_expired_rows(warehouse, load_retention_policies(config), now=NOW)

    assert keys(warehouse, "bronze.crm_contacts") == ["live", "old", "recent"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tables: [a]\n", "expected a `tables:` mapping"),
        ("tables:\n  crm_contacts: {column: x, days: 3}\n", "schema.table"),
        ("tables:\n  bronze.t: {column: x, days: 0}\n", "positive whole number or never"),
        ("tables:\n  bronze.t: {days: 3}\n", "name the timestamp or date `column`"),
        ("tables:\n  bronze.t: {column: x, days: 3, keep: 1}\n", "unknown keys"),
    ],
)
def test_a_malformed_config_names_the_entry_and_the_fix(tmp_path: Path, text, message):
    config = tmp_path / "retention.yaml"
    config.write_text(text)

    with pytest.raises(RetentionConfigError, match=message):
        load_retention_policies(config)
