"""Retention: rows past their table's retention period are purged, in one transaction.

The periods are configuration (``config/retention.yaml``, ``PLATFORM_RETENTION_CONFIG``),
per table: a timestamp or date column and a number of days, or ``never``. A row is past
retention when its column is older than the run's time minus the days; a NULL column
(a bronze row the source has not deleted) is never past it. Tables the warehouse does not
hold yet are skipped; a configured column the table lacks is an error, because skipping
it would keep the table's rows forever without anyone noticing.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final

import yaml

from platform_assets.privacy.dry_run import transaction_or_dry_run
from platform_assets.privacy.warehouse_catalog import base_tables
from platform_assets.settings import resolve_path
from platform_assets.warehouse import Warehouse, WarehouseSession, quote_identifier

RETENTION_CONFIG_ENV: Final = "PLATFORM_RETENTION_CONFIG"
DEFAULT_RETENTION_CONFIG: Final = "config/retention.yaml"
NEVER: Final = "never"


class RetentionConfigError(ValueError):
    """The retention configuration is unusable: the message names the file and entry."""


@dataclass(frozen=True)
class RetentionPolicy:
    schema: str
    table: str
    column: str | None
    days: int | None
    """None: kept forever."""

    @property
    def name(self) -> str:
        return f"{self.schema}.{self.table}"


@dataclass(frozen=True)
class PurgeCount:
    table: str
    column: str
    days: int
    cutoff: datetime
    rows: int
    """Rows purged; rows that would be, on a dry run; 0 for a table not built yet."""
    present: bool


def retention_config_path() -> Path:
    return resolve_path(os.environ.get(RETENTION_CONFIG_ENV) or DEFAULT_RETENTION_CONFIG)


def load_retention_policies(path: Path) -> tuple[RetentionPolicy, ...]:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise RetentionConfigError(f"{path}: cannot read the retention config: {error}") from error
    tables = document.get("tables") if isinstance(document, Mapping) else None
    if not isinstance(tables, Mapping):
        raise RetentionConfigError(f"{path}: expected a `tables:` mapping of schema.table")
    return tuple(_policy(path, str(name), entry) for name, entry in tables.items())


def _policy(path: Path, name: str, entry: Any) -> RetentionPolicy:
    where = f"{path}: tables.{name}"
    schema, dot, table = name.partition(".")
    if not dot or not schema or not table:
        raise RetentionConfigError(f"{where}: name the table as schema.table")
    if not isinstance(entry, Mapping) or "days" not in entry:
        raise RetentionConfigError(f"{where}: give `days` (a number, or never) and `column`")
    unknown = set(entry) - {"days", "column"}
    if unknown:
        raise RetentionConfigError(f"{where}: unknown keys {sorted(unknown)}")
    days = entry["days"]
    if days == NEVER:
        return RetentionPolicy(schema, table, None, None)
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise RetentionConfigError(f"{where}: days must be a positive whole number or never")
    column = entry.get("column")
    if not isinstance(column, str) or not column:
        raise RetentionConfigError(f"{where}: name the timestamp or date `column` days count from")
    return RetentionPolicy(schema, table, column, days)


def purge_expired_rows(
    warehouse: Warehouse,
    policies: Sequence[RetentionPolicy],
    *,
    now: datetime | None = None,
    dry_run: bool = False,
) -> list[PurgeCount]:
    """Purges every policy's expired rows in one transaction (rolled back on a dry run,
    so its counts are exact) and counts them per table."""
    run_at = now or datetime.now(UTC)
    purged = []
    with transaction_or_dry_run(warehouse, dry_run=dry_run) as session:
        tables = base_tables(session, {p.schema for p in policies})
        for policy in policies:
            if policy.column is None or policy.days is None:
                continue
            cutoff = run_at - timedelta(days=policy.days)
            columns = tables.get((policy.schema, policy.table))
            if columns is not None and policy.column not in columns:
                raise RetentionConfigError(
                    f"{policy.name} has no column {policy.column!r}: fix its entry in "
                    f"the retention config ({sorted(columns)})"
                )
            rows = 0 if columns is None else _purge(session, policy, cutoff)
            purged.append(
                PurgeCount(
                    policy.name, policy.column, policy.days, cutoff, rows, columns is not None
                )
            )
    return purged


def _purge(session: WarehouseSession, policy: RetentionPolicy, cutoff: datetime) -> int:
    assert policy.column is not None
    table = f"{quote_identifier(policy.schema)}.{quote_identifier(policy.table)}"
    # a DATE (or zone-less TIMESTAMP) column is read as UTC, whatever the session's time
    # zone: a day counts from its 00:00 UTC
    column = f"timezone('UTC', {quote_identifier(policy.column)}::TIMESTAMP)"
    if _is_timestamptz(session, policy):
        column = quote_identifier(policy.column)
    return session.changed(f"delete from {table} where {column} < ?", [cutoff])


def _is_timestamptz(session: WarehouseSession, policy: RetentionPolicy) -> bool:
    # DuckDB spells the type in capitals, PostgreSQL in lower case
    rows = session.execute(
        "select data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? and column_name = ?",
        [policy.schema, policy.table, policy.column],
    ).fetchall()
    return bool(rows) and rows[0][0].upper().startswith("TIMESTAMP WITH TIME ZONE")
