"""The key of the pseudonyms that stand for people in the warehouse.

Staging replaces authors and reviewers by an HMAC-SHA256 under this key (the dbt macro
``pii_hmac``): an unkeyed hash of a name is reversed by hashing a list of names, a keyed
one is not without the key. The key is ``PLATFORM_PII_HMAC_KEY``; with nothing configured
it is a random key generated once into an owner-only file beside the warehouse and kept,
so reruns give the same pseudonyms and no two machines share a key. No key is written in
code.

Standard library only: the project's dbt-duckdb plugin imports it inside dbt's process.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path
from typing import Final

from platform_assets.owner_only import owner_only_directory, tighten_to_owner

PII_HMAC_KEY_ENV: Final = "PLATFORM_PII_HMAC_KEY"
KEY_FILE_NAME: Final = "pii_hmac.key"
#: 32 characters of a random hex key are 128 bits; shorter keys are guessable.
MIN_KEY_CHARACTERS: Final = 32
GENERATE_A_KEY: Final = "python -c 'import secrets; print(secrets.token_hex(32))'"


class PiiKeyError(RuntimeError):
    """No usable pseudonym key: the message says what to set or fix."""


def pii_hmac_key(data_dir: Path | None) -> bytes:
    """The key from ``PLATFORM_PII_HMAC_KEY``, else the one kept in ``data_dir`` (the
    warehouse's directory), generated on first use. ``data_dir`` is None when the
    warehouse is not a local file: there is then nowhere to keep a generated key."""
    configured = os.environ.get(PII_HMAC_KEY_ENV)
    if configured is not None:
        return _checked(
            configured,
            origin=PII_HMAC_KEY_ENV,
            remedy=f"set it to a random secret ({GENERATE_A_KEY}), or unset it to use "
            f"the key generated beside the warehouse ({KEY_FILE_NAME})",
        )
    if data_dir is None:
        raise PiiKeyError(
            f"{PII_HMAC_KEY_ENV} is not set and the warehouse is not a local file beside "
            f"which a key could be kept: set it to a random secret ({GENERATE_A_KEY})"
        )
    key_file = data_dir / KEY_FILE_NAME
    if not key_file.exists():
        _create_key_file(key_file)
    tighten_to_owner(key_file)
    return _checked(
        key_file.read_text(encoding="utf-8"),
        origin=f"the key file {key_file}",
        remedy="restore it from a backup, or delete it to generate a new key (every "
        "pseudonym then changes)",
    )


def _checked(key: str, *, origin: str, remedy: str) -> bytes:
    # a trailing newline from `echo` or a secrets file is not part of the key
    key = key.strip()
    if not key:
        raise PiiKeyError(f"{origin} is empty: {remedy}")
    if len(key) < MIN_KEY_CHARACTERS:
        raise PiiKeyError(
            f"{origin} has {len(key)} characters, fewer than the {MIN_KEY_CHARACTERS} a "
            f"pseudonym key needs: {remedy}"
        )
    return key.encode("utf-8")


def _create_key_file(key_file: Path) -> None:
    """Writes a new random key, whole, before it appears under its name: two processes
    starting at once both end up reading the one that was linked first."""
    owner_only_directory(key_file.parent)
    descriptor, draft = tempfile.mkstemp(dir=key_file.parent, prefix=f".{key_file.name}.")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_hex(32) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        # another process's key, linked first, is the key
        with contextlib.suppress(FileExistsError):
            os.link(draft, key_file)
    finally:
        os.unlink(draft)
