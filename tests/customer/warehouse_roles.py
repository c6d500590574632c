"""The platform's least-privilege roles in a bare PostgreSQL test database.

A deployment gets its roles, schemas and grants from ``platform-assets warehouse setup``;
a test database starts with none, yet the steps under test take a role (``SET ROLE``)
and fail without it. This grants what those steps rely on: the transformer writes
silver and gold and reads every layer, the analyst reads. Roles are cluster-wide, so
each is created only when missing. DuckDB has no roles: nothing to do there.
"""

from __future__ import annotations

from collections.abc import Sequence

from platform_assets.warehouse import Warehouse, quote_identifier
from platform_assets.warehouse.roles import ROLES, role_name


def prepare_roles(warehouse: Warehouse, schemas: Sequence[str]) -> None:
    """Creates ``schemas`` and the four roles, and grants the transformer and the analyst
    what they use on those schemas, tables created later included. Call it after the
    test's input tables exist or before: both are covered."""
    if warehouse.dialect != "postgres":
        return
    transformer = quote_identifier(role_name("transformer"))
    analyst = quote_identifier(role_name("analyst"))
    with warehouse.transaction() as session:
        for role in map(role_name, ROLES):
            session.execute(
                "do $$ begin if not exists (select from pg_roles where rolname = "
                f"'{role}') then create role {quote_identifier(role)}; end if; end $$"
            )
            session.execute(f"grant {quote_identifier(role)} to current_user")
        for schema in map(quote_identifier, schemas):
            session.execute(f"create schema if not exists {schema}")
            session.execute(f"grant usage, create on schema {schema} to {transformer}")
            session.execute(f"grant usage on schema {schema} to {analyst}")
            session.execute(f"grant select on all tables in schema {schema} to {transformer}")
            session.execute(f"grant select on all tables in schema {schema} to {analyst}")
            for owner in ("current_user", transformer):
                session.execute(
                    f"alter default privileges for role {owner} in schema {schema} "
                    f"grant select on tables to {transformer}, {analyst}"
                )
