"""Every revision goes down and up again on a representative warehouse with every row
kept (each table's sorted rows hashed before and after), on DuckDB and PostgreSQL.

The baseline is the exception by nature: going below it drops the tables it creates,
so for it the test asserts what else is kept (the raw table) and that the tables come
back with the same columns.
"""

from __future__ import annotations

from platform_assets.warehouse import Warehouse
from platform_assets.warehouse.migrations.commands import (
    current_revision,
    downgrade,
    history,
    upgrade,
)
from platform_assets.warehouse.migrations.config import head_revision
from platform_assets.warehouse.migrations.guard import PLATFORM_TABLES
from tests.migrations.conftest import row_counts, table_hashes


def _columns(warehouse: Warehouse) -> dict[str, list[str]]:
    with warehouse.connect() as session:
        rows = session.execute(
            "select table_name, column_name, data_type from information_schema.columns "
            "where table_schema = 'ops' order by table_name, ordinal_position"
        ).fetchall()
    columns: dict[str, list[str]] = {}
    for table, column, data_type in rows:
        columns.setdefault(table, []).append(f"{column} {data_type}")
    return columns


def test_every_revision_goes_down_and_up_again_keeping_every_row(filled: Warehouse) -> None:
    warehouse = filled
    before = table_hashes(warehouse)
    assert {f"ops.{table}" for table in PLATFORM_TABLES} <= set(before)
    assert any(name.startswith("raw.") for name in before)
    assert all(count > 0 for count in row_counts(warehouse).values())

    revisions = history()
    assert revisions[0].revision == head_revision()
    for revision in revisions:
        if revision.down_revision is None:
            continue
        assert downgrade(warehouse, revision.down_revision) == revision.down_revision
        assert upgrade(warehouse) == head_revision()
        assert table_hashes(warehouse) == before, f"{revision.revision} lost or changed rows"


def test_below_the_baseline_only_the_platform_tables_go(filled: Warehouse) -> None:
    warehouse = filled
    shape = _columns(warehouse)
    baseline = next(r.revision for r in history() if r.down_revision is None)
    downgrade(warehouse, baseline)
    raw_before = {k: v for k, v in table_hashes(warehouse).items() if k.startswith("raw.")}

    assert downgrade(warehouse, "base") is None
    assert current_revision(warehouse) is None
    left = table_hashes(warehouse)
    assert not [name for name in left if name.removeprefix("ops.") in PLATFORM_TABLES]
    assert {k: v for k, v in left.items() if k.startswith("raw.")} == raw_before

    assert upgrade(warehouse) == head_revision()
    assert _columns(warehouse) == shape
    assert set(row_counts(warehouse).values()) == {0}
