"""``ops.erasure_suppression``: the keyed digests of erased people's source records.

The erasure writes it, every load reads it (``ingestion/suppression.py``) and drops the
records it lists. Its DDL lives here, beside the erasure, so both sides can create it
from one statement: the ingestion imports this package, never the other way round.
"""

from __future__ import annotations

from typing import Final

SUPPRESSION_TABLE: Final = "ops.erasure_suppression"

CREATE_SUPPRESSION: Final = f"""create table if not exists {SUPPRESSION_TABLE} (
    source VARCHAR NOT NULL,
    entity VARCHAR NOT NULL,
    record_key_digest VARCHAR NOT NULL,
    email_digest VARCHAR,
    suppressed_at TIMESTAMPTZ NOT NULL,
    erasure_id VARCHAR NOT NULL,
    primary key (source, entity, record_key_digest)
)"""
