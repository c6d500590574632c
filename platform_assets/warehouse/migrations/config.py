"""The Alembic configuration of a warehouse, built in code.

The script location is this package, found through the import system, so migrations run
the same from a checkout and from an installed wheel, with no ``alembic.ini``. The
database is the one ``Warehouse`` points at: its DuckDB file through duckdb-engine, or
its PostgreSQL URL with the psycopg2 driver named (SQLAlchemy 2.1 reads a bare
``postgresql://`` as psycopg 3, which is not installed; see instance_storage.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from alembic.config import Config
from alembic.script import ScriptDirectory

from platform_assets.instance_storage import psycopg2_url
from platform_assets.owner_only import owner_only_directory
from platform_assets.warehouse import Warehouse
from platform_assets.warehouse.roles import role_name

SCRIPT_LOCATION: Final = Path(__file__).resolve().parent
VERSION_SCHEMA: Final = "ops"
VERSION_TABLE: Final = "alembic_version"
#: ``Config.attributes`` keys env.py reads. Attributes, not main options: a main option
#: goes through ConfigParser interpolation, which a ``%`` in a password breaks.
URL_ATTRIBUTE: Final = "platform_url"
RUN_AS_ATTRIBUTE: Final = "platform_run_as"


def sqlalchemy_url(warehouse: Warehouse) -> str:
    if warehouse.dialect == "postgres":
        return psycopg2_url(warehouse.postgres_url)
    # the Warehouse resource keeps its directory readable by its owner only; a first
    # upgrade may be what creates the file
    owner_only_directory(warehouse.path.parent)
    return f"duckdb:///{warehouse.path}"


def alembic_config(warehouse: Warehouse) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    config.attributes[URL_ATTRIBUTE] = sqlalchemy_url(warehouse)
    config.attributes[RUN_AS_ATTRIBUTE] = role_name("loader")
    return config


def script_directory() -> ScriptDirectory:
    """The revisions this code ships; reading them needs no database."""
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    return ScriptDirectory.from_config(config)


def head_revision() -> str:
    head = script_directory().get_current_head()
    if head is None:
        raise RuntimeError(f"no migration under {SCRIPT_LOCATION / 'versions'}")
    return head
