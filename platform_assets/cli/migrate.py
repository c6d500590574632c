"""``platform-assets migrate``: the warehouse's versioned migrations (docs/migrations.md).

platform-assets migrate upgrade [REV]     (default: head)
platform-assets migrate downgrade REV     (a revision, or ``base`` for before the first)
platform-assets migrate current
platform-assets migrate history

The warehouse is the one runs use: PostgreSQL at ``PLATFORM_POSTGRES_URL`` if set, else
the DuckDB file (``PLATFORM_WAREHOUSE_PATH``, or ``warehouse.duckdb`` under the data
root); ``--warehouse PATH`` names a DuckDB file. Exit 0 done (``current``: at head),
1 when the database refuses the change or is not at head, 2 for an unknown revision.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from platform_assets.settings import POSTGRES_URL_ENV, resolve_path, warehouse_path

if TYPE_CHECKING:
    from platform_assets.warehouse import Warehouse

PROG = "platform-assets migrate"


def _warehouse(args: argparse.Namespace) -> Warehouse:
    # imported here, as main.py does, so `platform-assets --help` does not load Dagster
    from platform_assets.warehouse import Warehouse

    if args.warehouse:
        return Warehouse(database=str(resolve_path(args.warehouse)))
    return Warehouse(
        database=str(warehouse_path()), postgres_url=os.environ.get(POSTGRES_URL_ENV, "").strip()
    )


def _change(args: argparse.Namespace) -> int:
    from alembic.util import CommandError
    from sqlalchemy.exc import DBAPIError

    from platform_assets.warehouse.migrations.commands import downgrade, upgrade
    from platform_assets.warehouse.migrations.config import head_revision

    warehouse = _warehouse(args)
    try:
        if args.migrate_command == "upgrade":
            reached = upgrade(warehouse, args.revision)
        else:
            reached = downgrade(warehouse, args.revision)
    except CommandError as error:
        print(f"{PROG} {args.migrate_command}: {error} (see `{PROG} history`)", file=sys.stderr)
        return 2
    except DBAPIError as error:
        print(
            f"{PROG} {args.migrate_command}: {warehouse.description} refused the migration, "
            f"nothing was changed: {str(error.orig).strip()}",
            file=sys.stderr,
        )
        return 1
    head = head_revision()
    state = "head" if reached == head else f"head is {head}"
    print(f"{warehouse.description}: at revision {reached or 'base'} ({state})")
    return 0


def _current(args: argparse.Namespace) -> int:
    from platform_assets.warehouse.migrations.commands import current_revision
    from platform_assets.warehouse.migrations.config import head_revision

    warehouse = _warehouse(args)
    revision, head = current_revision(warehouse), head_revision()
    if revision == head:
        print(f"{warehouse.description}: at revision {revision} (head)")
        return 0
    print(
        f"{warehouse.description}: at revision {revision or 'base'}, head is {head}: run "
        f"`{PROG} upgrade`"
    )
    return 1


def _history(args: argparse.Namespace) -> int:
    from platform_assets.warehouse.migrations.commands import history

    revisions = history()
    for index, revision in enumerate(revisions):
        marker = " (head)" if index == 0 else ""
        print(
            f"{revision.down_revision or 'base'} -> {revision.revision}{marker}  {revision.title}"
        )
    return 0


def add_migrate_commands(commands: argparse._SubParsersAction) -> None:
    """Adds ``migrate`` to the ``platform-assets`` parser."""
    migrate = commands.add_parser(
        "migrate", help="upgrade, downgrade or inspect the warehouse's migration revision"
    )
    migrate_commands = migrate.add_subparsers(dest="migrate_command", required=True)
    upgrade = migrate_commands.add_parser("upgrade", help="apply the migrations up to REV")
    upgrade.add_argument("revision", nargs="?", default="head", help="default: head")
    downgrade = migrate_commands.add_parser(
        "downgrade", help="revert the migrations down to REV (`base`: before the first)"
    )
    downgrade.add_argument("revision")
    for command in (upgrade, downgrade):
        command.set_defaults(handler=_change)
    current = migrate_commands.add_parser(
        "current", help="the warehouse's revision; exit 1 when it is not the head"
    )
    current.set_defaults(handler=_current)
    history = migrate_commands.add_parser("history", help="every revision, newest first")
    history.set_defaults(handler=_history)
    for command in (upgrade, downgrade, current):
        command.add_argument(
            "--warehouse", default="", help="a DuckDB file (default: the configured warehouse)"
        )
