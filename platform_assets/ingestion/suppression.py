"""Erased records stay erased: a load drops the records on the suppression list.

``platform-assets erase`` removes a person from every layer and lists their source
records in ``ops.erasure_suppression`` by keyed digest only (``privacy.keyed_digest``),
so the list does not itself say who was erased. The ingestion drops a listed record
before validation and counts it ``suppressed``: quarantining it would store it again.
The pseudonym key is read only when the list has entries for the source and entity, so
a load with nothing erased (every DORA load) pays one small query.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import polars as pl

from platform_assets.ingestion.connector import RecordBatch, Records
from platform_assets.ingestion.contract import TableContract
from platform_assets.ingestion.record_key import record_keys
from platform_assets.integrations.dbt.pii_key import pii_hmac_key
from platform_assets.privacy.keyed_digest import record_key_digest
from platform_assets.privacy.suppression_list import SUPPRESSION_TABLE
from platform_assets.warehouse import Warehouse
from platform_assets.warehouse.migrations.guard import ensure_current


def drop_suppressed(
    warehouse: Warehouse, source: str, contract: TableContract, batches: Sequence[RecordBatch]
) -> tuple[list[RecordBatch], int]:
    """``batches`` without the suppressed records (rejected ones included: their payload
    may hold the person too), and how many were dropped."""
    digests = _suppressed_digests(warehouse, source, contract.entity)
    if not digests:
        return list(batches), 0
    # a PostgreSQL warehouse has no directory to keep a generated key in: the key must
    # then be configured (PiiKeyError says so)
    key = pii_hmac_key(None if warehouse.dialect == "postgres" else warehouse.path.parent)

    # HMAC per record in Python: neither DuckDB nor polars has a keyed hash, and this
    # runs only for a source and entity someone was erased from.
    def suppressed(record_key: str) -> bool:
        return record_key_digest(key, source, contract.entity, record_key) in digests

    kept, dropped = [], 0
    for batch in batches:
        flags = [suppressed(k) for k in record_keys(contract.key, batch.records).to_list()]
        rejected = [r for r in batch.rejected if not suppressed(r.record_key)]
        dropped += sum(flags) + len(batch.rejected) - len(rejected)
        kept.append(
            replace(batch, records=_without(batch.records, flags), rejected=tuple(rejected))
        )
    return kept, dropped


def _without(records: Records, flags: list[bool]) -> Records:
    if not any(flags):
        return records
    if isinstance(records, pl.DataFrame):
        return records.filter(~pl.Series(flags, dtype=pl.Boolean))
    return [record for record, flag in zip(records, flags, strict=True) if not flag]


def _suppressed_digests(warehouse: Warehouse, source: str, entity: str) -> frozenset[str]:
    ensure_current(warehouse)
    with warehouse.connect(role="loader") as session:
        rows = session.execute(
            f"select record_key_digest from {SUPPRESSION_TABLE} where source = ? and entity = ?",
            [source, entity],
        ).fetchall()
    return frozenset(digest for (digest,) in rows)
