"""What the integration tests of the domains share: a job of the project's definitions
that runs one domain's graph, and the tables a run leaves, to compare runs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl


def project_job(defs: dg.Definitions, name: str, selection: dg.AssetSelection) -> dg.JobDefinition:
    """``selection`` as a job of the project's definitions, with their resources and
    checks: the code location holds every domain, and a domain's test runs its own."""
    job = dg.define_asset_job(name, selection=selection)
    return dg.Definitions.merge(defs, dg.Definitions(jobs=[job])).resolve_job_def(name)


def schema_tables(path: Path, schemas: Sequence[str]) -> dict[str, pl.DataFrame]:
    """Every table and view of ``schemas``, by ``schema.table``, rows in a stable order."""
    with duckdb.connect(str(path), read_only=True) as connection:
        names = connection.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in (select unnest(?)) order by 1, 2",
            [list(schemas)],
        ).fetchall()
        return {
            f"{schema}.{table}": connection.sql(
                f'select * from "{schema}"."{table}" order by all'
            ).pl()
            for schema, table in names
        }
