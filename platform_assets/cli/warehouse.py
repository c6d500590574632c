"""``platform-assets warehouse setup``: the PostgreSQL warehouse's schemas, roles and
grants (docs/warehouse-roles.md).

platform-assets warehouse setup [--postgres-url URL]   (then migrates it to head)
platform-assets warehouse export-consumer PATH [--warehouse PATH]

The URL defaults to ``PLATFORM_POSTGRES_URL`` and must name an administrator login (a
superuser, or the database owner with CREATEROLE); the login that runs the platform must
be the one that runs the setup, which makes it a member of the four roles. On the DuckDB
default there are no roles to create: the command says so and exits 0. Exit 1 when the
server refuses the setup.

``export-consumer`` is what the DuckDB default offers instead of a consumer role: the
models tagged ``access: consumer`` copied into a DuckDB file of their own, readable by its
owner only, to hand to consumers instead of the warehouse. Exit 1 when it cannot be made.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from platform_assets.settings import POSTGRES_URL_ENV, resolve_path, warehouse_path


def _setup(args: argparse.Namespace) -> int:
    # imported here, as main.py does, so `platform-assets --help` does not load Dagster
    from adbc_driver_manager import Error as DatabaseError
    from sqlalchemy.exc import DBAPIError

    from platform_assets.integrations.postgres.grants import SCHEMAS, set_up_and_migrate
    from platform_assets.warehouse import Warehouse
    from platform_assets.warehouse.roles import ROLES, role_name

    url = args.postgres_url or os.environ.get(POSTGRES_URL_ENV, "")
    warehouse = Warehouse(database=str(warehouse_path()), postgres_url=url)
    if warehouse.dialect != "postgres":
        print(
            f"the warehouse is the DuckDB file {warehouse.description}: DuckDB has no roles "
            "or grants, nothing to set up (the file is readable by its owner only; "
            f"docs/warehouse-roles.md). Set {POSTGRES_URL_ENV} or --postgres-url for "
            "PostgreSQL."
        )
        return 0
    try:
        statements = set_up_and_migrate(warehouse)
    except (DatabaseError, DBAPIError) as error:
        print(
            f"platform-assets warehouse setup: {warehouse.description} refused the setup: "
            f"{str(error).strip()}\n"
            "Run it as a superuser, or as the database owner with CREATEROLE.",
            file=sys.stderr,
        )
        return 1
    print(
        f"{warehouse.description}: schemas {', '.join(SCHEMAS)}; roles "
        f"{', '.join(role_name(role) for role in ROLES)}; {len(statements)} statements"
    )
    return 0


def _export_consumer(args: argparse.Namespace) -> int:
    import duckdb

    from platform_assets.integrations.dbt.project import dbt_project
    from platform_assets.integrations.duckdb.consumer_export import (
        ConsumerExportError,
        consumer_tables,
        export_consumer_tables,
    )

    if os.environ.get(POSTGRES_URL_ENV):
        print(
            f"platform-assets warehouse export-consumer: the warehouse is PostgreSQL "
            f"({POSTGRES_URL_ENV}): consumers connect with the consumer role instead "
            "(docs/warehouse-roles.md)",
            file=sys.stderr,
        )
        return 1
    warehouse = resolve_path(args.warehouse) if args.warehouse else warehouse_path()
    destination = Path(args.path).expanduser().absolute()
    try:
        tables = consumer_tables(Path(dbt_project.manifest_path))
        rows = export_consumer_tables(warehouse, tables, destination)
    except (ConsumerExportError, duckdb.Error) as error:
        print(f"platform-assets warehouse export-consumer: {error}", file=sys.stderr)
        return 1
    for table, count in rows.items():
        print(f"  {table}: {count} row(s)")
    print(f"wrote {destination} (readable by its owner only)")
    return 0


def add_warehouse_commands(commands: argparse._SubParsersAction) -> None:
    """Adds ``warehouse`` to the ``platform-assets`` parser."""
    warehouse = commands.add_parser(
        "warehouse", help="the PostgreSQL warehouse's schemas, roles and grants"
    )
    warehouse_commands = warehouse.add_subparsers(dest="warehouse_command", required=True)
    setup = warehouse_commands.add_parser(
        "setup",
        help="create the schemas and the loader, transformer, analyst and consumer roles, "
        "and grant each what it may do (idempotent)",
    )
    setup.add_argument(
        "--postgres-url",
        default="",
        help=f"an administrator's URL of the warehouse database (default ${POSTGRES_URL_ENV})",
    )
    setup.set_defaults(handler=_setup)
    export = warehouse_commands.add_parser(
        "export-consumer",
        help="copy the models tagged `access: consumer` from the DuckDB warehouse into a "
        "file of their own, for consumers (replaced if it exists)",
    )
    export.add_argument("path", help="the DuckDB file to write")
    export.add_argument(
        "--warehouse", default="", help="the warehouse file (default PLATFORM_WAREHOUSE_PATH)"
    )
    export.set_defaults(handler=_export_consumer)
