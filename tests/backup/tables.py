"""Every table and view of a warehouse as a digest of its sorted rows: two warehouses
hold the same data exactly when their digests are equal."""

from __future__ import annotations

import hashlib

from platform_assets.warehouse import Warehouse, quote_identifier

SYSTEM_SCHEMAS = ("information_schema", "pg_catalog", "pg_toast")


def table_digests(warehouse: Warehouse, leave_out: frozenset[str] = frozenset()) -> dict[str, str]:
    """``schema.table`` to the sha256 of its rows, sorted, without the ``leave_out``
    columns; a table's row count is part of its digest."""
    digests = {}
    with warehouse.connect(read_only=True) as session:
        names = session.execute(
            "select table_schema, table_name from information_schema.tables "
            f"where table_schema not in ({', '.join('?' for _ in SYSTEM_SCHEMAS)}) "
            "and table_schema not like 'pg_temp%' order by 1, 2",
            list(SYSTEM_SCHEMAS),
        ).fetchall()
        for schema, table in names:
            frame = session.frame(
                f"select * from {quote_identifier(schema)}.{quote_identifier(table)}"
            )
            frame = frame.drop([c for c in frame.columns if c in leave_out])
            rows = sorted(repr(row) for row in frame.iter_rows())
            digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
            digests[f"{schema}.{table}"] = f"{len(rows)}:{digest}"
    return digests
