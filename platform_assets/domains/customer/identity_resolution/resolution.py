"""One resolution run: read silver, link, key, write gold."""

from __future__ import annotations

import time
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from platform_assets.domains.customer.identity_resolution.customer_keys import (
    KeyChanges,
    assign_customer_keys,
)
from platform_assets.domains.customer.identity_resolution.linkage import link_records
from platform_assets.domains.customer.identity_resolution.model import LinkageModel
from platform_assets.domains.customer.identity_resolution.tables import (
    XREF_COLUMNS,
    read_inputs,
    replace_resolution,
)
from platform_assets.warehouse import Warehouse


@dataclass(frozen=True)
class Resolution:
    """What a run wrote and how it went, for the materialization metadata."""

    xref: pa.Table
    review_pairs: pa.Table
    records: int
    pairs_scored: int
    links: int
    clusters: int
    keys: KeyChanges
    seconds: dict[str, float]


def resolve_customers(warehouse: Warehouse, model: LinkageModel) -> Resolution:
    """Replaces gold's xref and review table with a resolution of silver's current records.
    Records gone from silver (deleted, erased) are gone from the xref, and their keys are
    retired unless another record of the customer carries them on."""
    started = time.perf_counter()
    records, previous_xref = read_inputs(warehouse)
    read_seconds = time.perf_counter() - started
    linkage = link_records(records, model)
    started = time.perf_counter()
    keyed, keys = assign_customer_keys(linkage.clusters, previous_xref)
    xref = keyed.select(list(XREF_COLUMNS))
    key_seconds = time.perf_counter() - started
    started = time.perf_counter()
    replace_resolution(warehouse, xref, linkage.review_pairs)
    write_seconds = time.perf_counter() - started
    return Resolution(
        xref=xref,
        review_pairs=linkage.review_pairs,
        records=records.num_rows,
        pairs_scored=linkage.pairs_scored,
        links=linkage.links,
        clusters=pc.count_distinct(xref.column("customer_key")).as_py(),
        keys=keys,
        seconds={
            "read": round(read_seconds, 3),
            **linkage.seconds,
            "keys": round(key_seconds, 3),
            "write": round(write_seconds, 3),
        },
    )
