"""A throwaway PostgreSQL server for the tests, from Debian's binaries.

``pytest-postgresql`` starts ``initdb`` and ``pg_ctl`` as the current user, and
``initdb`` refuses to run as root, which is what CI runs as; so this starts the cluster
as the unprivileged ``postgres`` account (Debian's package creates it) when the tests
run as root, and as the current user otherwise. One cluster per test session, in a
temporary directory, on a free loopback port; each test gets its own database.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SERVER_GLOB = "/usr/lib/postgresql/*/bin/postgres"
SUPERUSER = "platform_admin"


def server_binaries() -> Path | None:
    found = sorted(glob.glob(SERVER_GLOB))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class PostgresServer:
    port: int
    user: str = SUPERUSER

    def url(self, database: str = "postgres", user: str | None = None) -> str:
        return f"postgresql://{user or self.user}@127.0.0.1:{self.port}/{database}"

    def create_database(self, prefix: str = "test") -> str:
        """A new empty database; its URL (as the superuser)."""
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        self.psql("postgres", f'create database "{name}"')
        return self.url(name)

    def psql(self, database: str, sql: str) -> str:
        binaries = server_binaries()
        psql = shutil.which("psql") or str(binaries / "psql" if binaries else "psql")
        done = subprocess.run(
            [psql, "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-c", sql, self.url(database)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            raise RuntimeError(f"psql failed: {done.stderr.strip()}")
        return done.stdout


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


@contextmanager
def running_server() -> Iterator[PostgresServer]:
    binaries = server_binaries()
    if binaries is None:
        raise FileNotFoundError(
            f"no PostgreSQL server binaries at {SERVER_GLOB}: install Debian's `postgresql` "
            "package (.ci/run does)"
        )
    root = Path(tempfile.mkdtemp(prefix="platform-pg-"))
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, user="postgres")
    port = _free_port()
    subprocess.run(
        _as_server_user(
            [
                str(binaries / "initdb"),
                "-D",
                str(data),
                "-A",
                "trust",
                "-U",
                SUPERUSER,
                "--no-sync",
                "-E",
                "UTF8",
                "--locale",
                "C",
            ]
        ),
        check=True,
        capture_output=True,
    )
    options = (
        f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    subprocess.run(
        _as_server_user(
            [
                str(binaries / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(root / "log"),
                "-w",
                "start",
            ]
        ),
        check=True,
        capture_output=True,
    )
    try:
        server = PostgresServer(port=port)
        deadline = time.monotonic() + 30
        while True:
            try:
                server.psql("postgres", "select 1")
                break
            except RuntimeError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield server
    finally:
        subprocess.run(
            _as_server_user([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)
