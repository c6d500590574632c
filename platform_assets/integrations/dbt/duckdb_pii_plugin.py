"""The dbt-duckdb plugin (``plugins:`` in dbt_project/profiles.yml) that gives every dbt
connection to the warehouse the pseudonym key, for the ``pii_hmac`` macro.

DuckDB has no HMAC function, and a Python UDF calling :mod:`hmac` is not an option: DuckDB's
Python UDFs need numpy, which the platform does not install. So the macro computes RFC
2104's HMAC-SHA256 with DuckDB's own ``sha256`` (vectorised, a million names in well under
a second): ``sha256(outer_pad || sha256(inner_pad || name))``. This plugin derives the two
padded keys with :mod:`hashlib` and sets them as DuckDB session variables, so the key is
in no SQL text: not in the compiled models, dbt's logs, nor anything the warehouse
stores. The tests compare every pseudonym with :func:`hmac.new`.
"""

from __future__ import annotations

import hashlib
import os
from functools import cached_property
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlparse

from dbt.adapters.duckdb.plugins import BasePlugin

from platform_assets.integrations.dbt.pii_key import PII_HMAC_KEY_ENV, pii_hmac_key

#: The session variables the ``duckdb__pii_hmac`` macro reads.
INNER_PAD_VARIABLE: Final = "pii_hmac_inner_pad"
OUTER_PAD_VARIABLE: Final = "pii_hmac_outer_pad"
#: Where the key came from (``environment`` or ``file``): Beta and GA customer models
#: refuse the generated key file (``require_pii_key_for_stage`` macro).
KEY_ORIGIN_VARIABLE: Final = "pii_hmac_key_origin"


def hmac_sha256_pads(key: bytes) -> tuple[bytes, bytes]:
    """RFC 2104's inner and outer padded keys for HMAC-SHA256."""
    block_size = hashlib.sha256().block_size
    if len(key) > block_size:
        key = hashlib.sha256(key).digest()
    key = key.ljust(block_size, b"\0")
    return bytes(byte ^ 0x36 for byte in key), bytes(byte ^ 0x5C for byte in key)


def local_directory(database_path: str) -> Path | None:
    """The directory of a warehouse that is a local file; None for ``:memory:`` or a
    URL (``md:``, ``s3://``), where no key file can be kept beside it."""
    if database_path == ":memory:" or urlparse(database_path).scheme:
        return None
    return Path(database_path).resolve().parent


class Plugin(BasePlugin):
    """dbt-duckdb calls ``configure_connection`` for the database it opens and
    ``configure_cursor`` for each connection it hands a thread: session variables do not
    carry from one to the other."""

    @cached_property
    def _pads(self) -> tuple[bytes, bytes]:
        # resolved on the first connection, not when the profile is read: `dbt parse`
        # needs no key
        data_dir = local_directory(self.creds.path) if self.creds is not None else None
        return hmac_sha256_pads(pii_hmac_key(data_dir))

    def _set_pads(self, connection: Any) -> None:
        inner, outer = self._pads
        connection.execute(f"set variable {INNER_PAD_VARIABLE} = ?", [inner])
        connection.execute(f"set variable {OUTER_PAD_VARIABLE} = ?", [outer])
        origin = "environment" if os.environ.get(PII_HMAC_KEY_ENV, "").strip() else "file"
        connection.execute(f"set variable {KEY_ORIGIN_VARIABLE} = ?", [origin])

    def configure_connection(self, conn: Any) -> None:
        self._set_pads(conn)

    def configure_cursor(self, cursor: Any) -> None:
        self._set_pads(cursor)
