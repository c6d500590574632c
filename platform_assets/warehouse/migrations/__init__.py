"""Versioned, reversible changes to the tables the platform manages outside dbt
(docs/migrations.md).

Alembic runs them, configured in code (``config.py``) so an installed wheel migrates
without an ``alembic.ini``; the revision applied is kept in ``ops.alembic_version``.
``guard.ensure_current`` refuses to run on a warehouse behind the code.
"""
