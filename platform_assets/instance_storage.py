"""The Dagster instance's PostgreSQL storage (runs, event log, schedules) from the same
``postgresql://`` URL the warehouse takes.

dagster-postgres hands its URL to SQLAlchemy, which since 2.1 reads a bare
``postgresql://`` as the psycopg 3 driver; dagster-postgres is written for psycopg2
(its ``NOTIFY run_events, %(id)s`` is refused by psycopg 3's server-side binding). A
deployment keeps one URL for libpq, ADBC, dbt and Dagster, so this storage names the
driver itself instead of asking for a second spelling of the URL. dagster.yaml selects
it as ``storage: custom:`` (``platform-assets instance config`` writes that).
"""

from __future__ import annotations

from typing import Any, Final

import dagster as dg
from dagster_postgres import DagsterPostgresStorage

#: The SQLAlchemy driver dagster-postgres is written for.
PSYCOPG2_SCHEME: Final = "postgresql+psycopg2"
_BARE_SCHEMES: Final = ("postgresql://", "postgres://")


def psycopg2_url(url: str) -> str:
    """``url`` with the psycopg2 driver named; a URL naming a driver already is kept."""
    for scheme in _BARE_SCHEMES:
        if url.startswith(scheme):
            return f"{PSYCOPG2_SCHEME}://{url[len(scheme) :]}"
    return url


class PlatformPostgresStorage(DagsterPostgresStorage):
    """``DagsterPostgresStorage`` configured by ``postgres_url`` (an ``{env: VAR}`` in
    dagster.yaml), with the driver named for SQLAlchemy."""

    @classmethod
    def config_type(cls) -> dict[str, dg.Field]:
        return {"postgres_url": dg.Field(dg.StringSource)}

    @classmethod
    def from_config_value(  # type: ignore[override]
        cls, inst_data: Any, config_value: dict[str, Any]
    ) -> PlatformPostgresStorage:
        return cls(postgres_url=psycopg2_url(config_value["postgres_url"]), inst_data=inst_data)
