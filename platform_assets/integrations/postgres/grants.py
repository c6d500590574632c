"""Least privilege on the PostgreSQL warehouse: the schemas, the four roles and what each
may do, as code (docs/warehouse-roles.md).

``set_up_warehouse`` runs as an administrator login (a superuser, or the database owner
with CREATEROLE) in one transaction and converges the database on ``ACCESS``: running it
again changes nothing, and a schema dropped from a role's entry loses that role's grant.
Tables do not exist yet when it runs, so what a role may read is granted ahead as
default privileges of the role that will create them: the loader for ingestion, the
transformer for dbt and the Python transforms. The one grant per table it cannot foresee
is the consumer's, which dbt's ``grants`` config gives each model meant for consumers
(dbt_project/dbt_project.yml).

The login that runs the platform is made a member of all four roles: steps take one
with SET ROLE (``Warehouse.connect(role=...)``, dbt's profile ``role``), and the checks,
erasure and retention, which span layers, run as the login itself.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Final

from platform_assets.ingestion.ops_tables import CURSORS_TABLE, QUARANTINE_TABLE
from platform_assets.privacy.erasure_log import ERASURE_LOG_TABLE
from platform_assets.privacy.suppression_list import SUPPRESSION_TABLE
from platform_assets.warehouse import Warehouse
from platform_assets.warehouse.migrations.commands import upgrade
from platform_assets.warehouse.migrations.config import VERSION_SCHEMA, VERSION_TABLE
from platform_assets.warehouse.quoting import quote_identifier
from platform_assets.warehouse.roles import ROLES, role_name
from platform_assets.warehouse.session import WarehouseRole, WarehouseSession

#: Where ingestion lands data and keeps its bookkeeping.
LOADED_SCHEMAS: Final = ("raw", "bronze", "ops")
#: The layers dbt and the Python transforms build.
MODEL_SCHEMAS: Final = ("staging", "intermediate", "marts", "silver", "gold", "reference")

SCHEMAS: Final = (*LOADED_SCHEMAS, *MODEL_SCHEMAS, "dashboards")


@dataclass(frozen=True)
class Access:
    """``writes``: schemas the role creates (and so owns) tables in; ``reads``: schemas
    whose tables, by whoever writes them, it may select from; ``enters``: schemas it may
    look into, reading only the tables granted to it one by one."""

    writes: tuple[str, ...] = ()
    reads: tuple[str, ...] = ()
    enters: tuple[str, ...] = ()


ACCESS: Final[Mapping[WarehouseRole, Access]] = {
    # ingestion: the landed data and its bookkeeping (quarantine, cursors, suppression)
    "loader": Access(writes=LOADED_SCHEMAS),
    # dbt and the Python transforms (the dashboard assets' tables of pages included); ops
    # for dbt's incremental-replace state tables
    "transformer": Access(
        writes=(*MODEL_SCHEMAS, "ops", "dashboards"),
        reads=(*LOADED_SCHEMAS, "reference"),
    ),
    # dashboards and people inside the platform team: everything after the raw layers,
    # where author names are pseudonymised; in ops only the quarantine's counts
    "analyst": Access(
        reads=(*MODEL_SCHEMAS, "dashboards"),
        enters=("ops",),
    ),
    # outside consumers: the gold models tagged `access: consumer`, whose personal
    # columns are masked or pseudonymised (docs/personal-data.md), and nothing else
    "consumer": Access(enters=("gold",)),
}

#: The quarantine keeps what the source sent, personal data included, in ``payload``;
#: the analyst may count quarantined records by every other column.
QUARANTINE_PRIVATE_COLUMNS: Final = frozenset({"payload"})

#: The migrations' tables, owned by the loader: every load writes the first two, the
#: erasure (as the login, a member of the loader) the suppression list and its log, and
#: the migrations, run as the loader, the version table.
LOADER_OPS_TABLES: Final = (
    QUARANTINE_TABLE,
    CURSORS_TABLE,
    SUPPRESSION_TABLE,
    ERASURE_LOG_TABLE,
    f"{VERSION_SCHEMA}.{VERSION_TABLE}",
)

#: The keyed pseudonym of the ``postgres__pii_hmac`` macro (docs/personal-data.md).
EXTENSIONS: Final = ("pgcrypto",)


class WarehouseSetupError(RuntimeError):
    """The login cannot set the warehouse up; the message says which privilege it lacks."""


def set_up_and_migrate(warehouse: Warehouse) -> list[str]:
    """What ``platform-assets warehouse setup`` does: ``set_up_warehouse`` in one
    transaction, the migrations to head (run as the loader, which may now create in
    ``ops``: docs/migrations.md), then the grants on the tables they manage. Returns the
    statements of the two grant transactions."""
    with warehouse.transaction() as session:
        statements = set_up_warehouse(session)
    upgrade(warehouse)
    with warehouse.transaction() as session:
        statements += _ops_tables_for_the_loader(session)
    return statements


def set_up_warehouse(session: WarehouseSession) -> list[str]:
    """Creates the schemas, extensions and roles and applies ``ACCESS``; returns the
    statements it ran. ``session`` is an administrator's, inside a transaction."""
    if session.dialect != "postgres":
        raise WarehouseSetupError("roles and grants exist on PostgreSQL only")
    return list(_setup_statements(session))


def _setup_statements(session: WarehouseSession) -> Iterator[str]:
    def run(statement: str) -> str:
        session.execute(statement)
        return statement

    for schema in SCHEMAS:
        yield run(f"create schema if not exists {quote_identifier(schema)}")
    for extension in EXTENSIONS:
        yield run(f"create extension if not exists {quote_identifier(extension)}")
    for role in ROLES:
        yield run(_create_role(role_name(role)))
        yield run(f"grant {quote_identifier(role_name(role))} to current_user")
    for role in ROLES:
        yield from (run(statement) for statement in _revoke_schema_access(role))
    for role, access in ACCESS.items():
        yield from (run(statement) for statement in _grant_schema_access(role, access))
    for role, access in ACCESS.items():
        yield from (run(statement) for statement in _grant_existing_tables(role, access))


def _create_role(name: str) -> str:
    # Roles belong to the cluster, not the database: a second database on the same
    # server (another environment, a parallel test) may be creating them at this moment.
    literal = name.replace("'", "''")
    return (
        "do $$ begin "
        f"if not exists (select from pg_roles where rolname = '{literal}') then "
        f"create role {quote_identifier(name)} nologin; end if; "
        "exception when duplicate_object or unique_violation then null; "
        "end $$"
    )


def _revoke_schema_access(role: WarehouseRole) -> Iterator[str]:
    """Takes back the schema-level grants and default privileges, so that the grants
    that follow are all the role has: a schema removed from ``ACCESS`` is closed again.
    Grants on single tables (dbt's ``grants``) are left alone."""
    grantee = quote_identifier(role_name(role))
    for schema in SCHEMAS:
        yield f"revoke all on schema {quote_identifier(schema)} from {grantee}"
        for writer in ROLES:
            if writer != role:
                yield (
                    f"alter default privileges for role {quote_identifier(role_name(writer))} "
                    f"in schema {quote_identifier(schema)} revoke all on tables from {grantee}"
                )


def _grant_schema_access(role: WarehouseRole, access: Access) -> Iterator[str]:
    grantee = quote_identifier(role_name(role))
    for schema in access.writes:
        yield f"grant usage, create on schema {quote_identifier(schema)} to {grantee}"
    for schema in (*access.reads, *access.enters):
        if schema not in access.writes:
            yield f"grant usage on schema {quote_identifier(schema)} to {grantee}"
    for schema in access.reads:
        # every table the roles that write the schema create later
        for writer, writer_access in ACCESS.items():
            if writer != role and schema in writer_access.writes:
                yield (
                    f"alter default privileges for role {quote_identifier(role_name(writer))} "
                    f"in schema {quote_identifier(schema)} grant select on tables to {grantee}"
                )


def _grant_existing_tables(role: WarehouseRole, access: Access) -> Iterator[str]:
    """The tables already there: the ops tables just created, and every table of a
    warehouse set up again after its first runs."""
    grantee = quote_identifier(role_name(role))
    for schema in access.reads:
        yield f"grant select on all tables in schema {quote_identifier(schema)} to {grantee}"


def _ops_tables_for_the_loader(session: WarehouseSession) -> list[str]:
    """The migrations' tables owned by the loader (also those a migration run by the
    login before the setup created) and the analyst's column grant on the quarantine,
    whose columns are read from the table as the migrations left it."""
    loader = quote_identifier(role_name("loader"))
    statements = [
        f"alter table {table} owner to {loader}"
        for table in LOADER_OPS_TABLES
        if _columns(session, table)
    ]
    columns = [
        quote_identifier(column)
        for column in _columns(session, QUARANTINE_TABLE)
        if column not in QUARANTINE_PRIVATE_COLUMNS
    ]
    if columns:
        analyst = quote_identifier(role_name("analyst"))
        statements.append(f"grant select ({', '.join(columns)}) on {QUARANTINE_TABLE} to {analyst}")
    for statement in statements:
        session.execute(statement)
    return statements


def _columns(session: WarehouseSession, qualified_table: str) -> list[str]:
    schema, table = qualified_table.split(".")
    rows = session.execute(
        "select column_name from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table],
    ).fetchall()
    return [str(row[0]) for row in rows]
