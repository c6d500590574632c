"""A PostgreSQL database (the warehouse, or the Dagster instance's) dumped with
``pg_dump -Fc`` and restored with ``pg_restore --clean --if-exists --no-owner``.

The dump reads the snapshot the caller exported (``pg_export_snapshot``), so the row
counts in the manifest are those of the dump. The restore runs in one transaction: a
failure leaves the database as it was. ``--no-owner`` because the roles of the backed-up
cluster may not exist where it is restored; ownership is given back afterwards from the
manifest (``restore_owners``). The password travels in ``PGPASSWORD``, never on the
command line where ``ps`` shows it.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final
from urllib.parse import unquote, urlsplit, urlunsplit

from platform_assets.backup.catalog import BackupError
from platform_assets.warehouse import Warehouse, WarehouseSession
from platform_assets.warehouse.quoting import quote_identifier

#: Debian's server package installs the client binaries here, one folder per version.
DEBIAN_BINARIES: Final = "/usr/lib/postgresql/*/bin/{name}"
_SYSTEM_SCHEMAS: Final = ("pg_catalog", "information_schema", "pg_toast")
#: ALTER statement per ``pg_class.relkind`` whose owner a restore gives back.
_OWNED_KINDS: Final = {"r": "table", "p": "table", "v": "view", "m": "materialized view"}


def client_binary(name: str) -> str:
    """``name`` (pg_dump, pg_restore) on PATH, else the newest of Debian's server
    packages."""
    on_path = shutil.which(name)
    if on_path:
        return on_path
    found = sorted(glob.glob(DEBIAN_BINARIES.format(name=name)))
    if found:
        return found[-1]
    raise BackupError(
        f"{name} not found on PATH or under {DEBIAN_BINARIES.format(name='')}: install "
        "PostgreSQL's client tools (`apt-get install postgresql-client`)"
    )


def libpq_target(url: str) -> tuple[str, dict[str, str]]:
    """The URL libpq takes (no SQLAlchemy driver, no password) and the environment that
    carries the password."""
    parts = urlsplit(url)
    scheme = "postgresql"
    environment = {}
    netloc = parts.netloc
    if parts.password is not None:
        environment["PGPASSWORD"] = unquote(parts.password)
        user, _, host = netloc.rpartition("@")
        netloc = f"{user.split(':', 1)[0]}@{host}"
    return urlunsplit((scheme, netloc, parts.path, parts.query, parts.fragment)), environment


def _run(command: list[str], url: str, what: str) -> None:
    target, environment = libpq_target(url)
    done = subprocess.run(
        [*command, "--dbname", target],
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise BackupError(f"{what} failed ({Path(command[0]).name}): {done.stderr.strip()}")


def dump(url: str, target: Path, snapshot: str | None = None) -> None:
    command = [client_binary("pg_dump"), "--format=custom", "--file", str(target)]
    if snapshot:
        command += ["--snapshot", snapshot]
    _run(command, url, "pg_dump")


def restore(url: str, dump_file: Path) -> None:
    command = [
        client_binary("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        "--exit-on-error",
        str(dump_file),
    ]
    _run(command, url, "pg_restore")


@contextmanager
def exported_snapshot(warehouse: Warehouse) -> Iterator[tuple[str, WarehouseSession]]:
    """A repeatable-read transaction whose snapshot ``pg_dump --snapshot`` can read: the
    counts made in the session and the dump see the same rows."""
    with warehouse.transaction() as session:
        session.execute("set transaction isolation level repeatable read")
        row = session.execute("select pg_export_snapshot()").fetchone()
        assert row is not None
        yield str(row[0]), session


def table_names(session: WarehouseSession) -> list[str]:
    """Every base table outside the system schemas, as ``schema.table``."""
    rows = session.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_type = 'BASE TABLE' and table_schema not in (?, ?, ?) order by 1, 2",
        list(_SYSTEM_SCHEMAS),
    ).fetchall()
    return [f"{schema}.{table}" for schema, table in rows]


def table_rows(session: WarehouseSession) -> dict[str, int]:
    counts = {}
    for name in table_names(session):
        schema, table = name.split(".", 1)
        counted = session.execute(
            f"select count(*) from {quote_identifier(schema)}.{quote_identifier(table)}"
        ).fetchone()
        counts[name] = int(counted[0]) if counted else 0
    return counts


def relation_owners(session: WarehouseSession) -> dict[str, str]:
    """``kind:schema.name`` of every table and view, with its owner."""
    rows = session.execute(
        "select c.relkind::text, n.nspname, c.relname, pg_get_userbyid(c.relowner) "
        "from pg_class c join pg_namespace n on n.oid = c.relnamespace "
        "where c.relkind in ('r', 'p', 'v', 'm') and n.nspname not in (?, ?, ?) "
        "and n.nspname not like 'pg_temp%'",
        list(_SYSTEM_SCHEMAS),
    ).fetchall()
    return {f"{kind}:{schema}.{name}": str(owner) for kind, schema, name, owner in rows}


def restore_owners(session: WarehouseSession, owners: dict[str, str]) -> list[str]:
    """Gives each relation back to the owner the manifest recorded, where that role
    exists; returns what could not be given back."""
    current = relation_owners(session)
    roles = {str(row[0]) for row in session.execute("select rolname from pg_roles").fetchall()}
    missing = []
    for relation, owner in sorted(owners.items()):
        if current.get(relation) in (None, owner):
            continue
        if owner not in roles:
            missing.append(f"{relation.split(':', 1)[1]} (owner {owner} does not exist)")
            continue
        kind, qualified = relation.split(":", 1)
        schema, name = qualified.split(".", 1)
        session.execute(
            f"alter {_OWNED_KINDS[kind]} {quote_identifier(schema)}.{quote_identifier(name)} "
            f"owner to {quote_identifier(owner)}"
        )
    return missing


def user_tables(url: str) -> list[str]:
    """The tables of the database at ``url``: what a restore would replace."""
    with Warehouse(postgres_url=url).connect() as session:
        return table_names(session)
