"""Child rows whose parent record is quarantined are quarantined too.

A deployment quarantined for an empty environment is not in ``raw.deployments``; its
``deployment_commits`` row, loaded anyway, would name a deployment that does not exist,
and the models' relationships test would fail the whole run for one bad row. So a child
table declares its parents (``ParentLink``), and its load moves the rows that name a
parent whose quarantine row is open, for the same source, into the quarantine with the
parent's reason.

The design reads ``ops.quarantine`` rather than the parent's batch: the parent's load
has already written there, in its own transaction, so no state passes between assets;
the raw asset of a child depends on its parent's (``raw_table_asset``), so in a run that
lands both the parent's quarantine is current when the child reads it. An open row
means the parent's latest record is not loaded, whichever run quarantined it; once the
parent loads, its row is resolved, and the child, whose cursor stayed before its
quarantined rows, loads on its next read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Final

import polars as pl

from platform_assets.ingestion.contract import TableContract
from platform_assets.ingestion.ops_tables import QUARANTINE_TABLE
from platform_assets.ingestion.record_key import record_key_expr
from platform_assets.ingestion.validation import ValidatedBatch, payload_json
from platform_assets.warehouse import Warehouse

#: How every reason for a row whose parent is quarantined begins.
PARENT_REASON: Final = "parent_quarantined"
_PARENT_KEY: Final = "__parent_key"
_PARENT_REASON: Final = "__parent_reason"


@dataclass(frozen=True)
class ParentLink:
    """``column`` of a child table holds the one-column key of a record of ``entity``,
    which a reason calls a ``noun`` (``deployment``)."""

    entity: str
    column: str
    noun: str


def quarantine_orphans(
    warehouse: Warehouse,
    source: str,
    contract: TableContract,
    batch: ValidatedBatch,
    parents: Sequence[ParentLink],
) -> ValidatedBatch:
    """``batch`` with the rows whose parent is quarantined moved to its quarantine."""
    for parent in parents:
        quarantined = _open_quarantine(warehouse, source, parent.entity)
        if quarantined.height == 0 or batch.rows.height == 0:
            continue
        orphans = batch.rows.join(
            quarantined, left_on=parent.column, right_on=_PARENT_KEY, how="inner"
        )
        if orphans.height == 0:
            continue
        reason = pl.format(
            f"{PARENT_REASON}: {parent.noun} {{}} quarantined ({{}})", parent.column, _PARENT_REASON
        )
        payload = payload_json(contract, batch.rows.select(contract.column_names).schema)
        batch = replace(
            batch,
            rows=batch.rows.join(
                quarantined, left_on=parent.column, right_on=_PARENT_KEY, how="anti"
            ),
            quarantined=pl.concat(
                [
                    batch.quarantined,
                    orphans.select(
                        record_key_expr(contract.key).alias("record_key"),
                        reason.alias("reason"),
                        payload,
                    ),
                ]
            ),
        )
    return batch


def _open_quarantine(warehouse: Warehouse, source: str, entity: str) -> pl.DataFrame:
    """The keys of ``entity``'s records from ``source`` still in quarantine, each with its
    reasons."""
    with warehouse.connect(role="loader") as session:
        found = session.execute(
            f"select record_key, string_agg(reason, '; ' order by reason) "
            f"from {QUARANTINE_TABLE} where source = ? and entity = ? and resolved_at is null "
            "group by record_key",
            [source, entity],
        ).fetchall()
    return pl.DataFrame(
        found, schema={_PARENT_KEY: pl.String, _PARENT_REASON: pl.String}, orient="row"
    )
