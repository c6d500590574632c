"""Reading the customer tables for the dashboard.

The page is built while the domain is being built: a table the pipeline has not written
yet must leave its section saying so, not fail the page. Which tables exist is read once
from the catalog.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from platform_assets.warehouse import WarehouseSession


def existing_tables(session: WarehouseSession, names: Iterable[str]) -> frozenset[str]:
    """Those of the qualified table names (``schema.table``) the warehouse holds (on
    PostgreSQL: that the session's role may read)."""
    rows = session.execute(
        "select table_schema || '.' || table_name from information_schema.tables"
    ).fetchall()
    present = {row[0] for row in rows}
    return frozenset(name for name in names if name in present)


def rows(session: WarehouseSession, query: str) -> list[dict[str, Any]]:
    """The result of ``query`` as one dict per row, for the template."""
    return session.frame(query).to_dicts()


def with_bars(table: list[dict[str, Any]], value: str) -> list[dict[str, Any]]:
    """Each row with ``bar``: its ``value`` over the table's largest, the length of the
    row's bar (a CSS width: no chart library, nothing fetched)."""
    largest = max((row[value] for row in table), default=0)
    return [{**row, "bar": row[value] / largest if largest else 0.0} for row in table]
