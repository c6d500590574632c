"""Alembic's support for the DuckDB dialect duckdb-engine provides.

Alembic looks an implementation up by the dialect's name and has none for ``duckdb``;
declaring the subclass registers it. DuckDB runs DDL inside transactions, so a failed
upgrade rolls back whole, as on PostgreSQL.
"""

from __future__ import annotations

from alembic.ddl.impl import DefaultImpl


class DuckDBImpl(DefaultImpl):
    __dialect__ = "duckdb"
    transactional_ddl = True
