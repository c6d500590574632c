"""Keyed digests of a person's identifiers: what the platform keeps about an erased
person so a later load can recognise and drop them without keeping who they were.

An unkeyed hash of an email or a CRM id is reversed by hashing a list of candidates; an
HMAC-SHA256 under the platform's pseudonym key (``pii_key.pii_hmac_key``) is not without
the key. Standard library only: the ingestion imports it on every load.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable


def record_key_digest(key: bytes, source: str, entity: str, record_key: str) -> str:
    """Hex HMAC-SHA256 of ``source|entity|record_key``: one source record, named by the
    source and entity so equal ids of two sources never collide."""
    return _hex_hmac(key, f"{source}|{entity}|{record_key}")


def email_digest(key: bytes, email: str) -> str:
    """Hex HMAC-SHA256 of the trimmed, lower-cased email: the same address however a
    source cased or padded it."""
    return _hex_hmac(key, email.strip().lower())


def customer_key_digest(key: bytes, customer_keys: Iterable[str]) -> str:
    """Hex HMAC-SHA256 of the sorted customer keys joined by commas: what the erasure
    log keeps of whom it erased (one key, or the several an email resolved to)."""
    return _hex_hmac(key, ",".join(sorted(customer_keys)))


def _hex_hmac(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()
