"""Stable customer keys: a resolved customer keeps its ``customer_key`` across runs.

The rule (docs/identity-resolution.md): a cluster keeps the key most of its members had in
the previous xref (ties: the smallest key); when a previous customer splits, the part
holding most of its members keeps the key (ties: the part with the smallest record id)
and the other parts get new keys; a new cluster's key is ``cust_`` + the first 16 hex
digits of sha256 of its smallest source_record_id, so the first run is reproducible too.
A new key never reuses a key that exists or existed in the previous xref.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Final

import duckdb
import pyarrow as pa

KEY_PREFIX: Final = "cust_"
KEY_HEX_DIGITS: Final = 16

#: One row per cluster: the previous key it keeps (NULL when none) and its smallest id.
_KEPT_KEYS_SQL: Final = """
with members as (
    select c.cluster_id, c.source_record_id, p.customer_key as previous_key
    from clusters as c left join previous_xref as p using (source_record_id)
),
cluster_ids as (
    select cluster_id, min(source_record_id) as min_record_id from members group by cluster_id
),
votes as (
    select cluster_id, previous_key, count(*) as members
    from members where previous_key is not null group by cluster_id, previous_key
),
claims as (
    select cluster_id, previous_key, members from votes
    qualify row_number() over (partition by cluster_id order by members desc, previous_key) = 1
),
kept as (
    select claims.cluster_id, claims.previous_key
    from claims join cluster_ids using (cluster_id)
    qualify row_number() over (
        partition by previous_key order by members desc, min_record_id
    ) = 1
)
select cluster_ids.cluster_id, cluster_ids.min_record_id, kept.previous_key as kept_key
from cluster_ids left join kept using (cluster_id)
order by cluster_ids.min_record_id
"""


@dataclass(frozen=True)
class KeyChanges:
    kept: int
    new: int
    retired: int


def new_customer_key(min_record_id: str, attempt: int = 0) -> str:
    seed = min_record_id if attempt == 0 else f"{min_record_id}#{attempt}"
    return KEY_PREFIX + hashlib.sha256(seed.encode()).hexdigest()[:KEY_HEX_DIGITS]


def assign_customer_keys(
    clusters: pa.Table, previous_xref: pa.Table
) -> tuple[pa.Table, KeyChanges]:
    """``clusters`` (source_record_id, cluster_id, ...) gains a ``customer_key`` column.
    ``previous_xref`` holds the previous run's (source_record_id, customer_key), empty on
    the first run."""
    connection = duckdb.connect(":memory:")
    try:
        connection.register("clusters", clusters.select(["source_record_id", "cluster_id"]))
        connection.register(
            "previous_xref", previous_xref.select(["source_record_id", "customer_key"])
        )
        decisions = connection.execute(_KEPT_KEYS_SQL).fetchall()
    finally:
        connection.close()
    previous_keys = set(previous_xref.column("customer_key").to_pylist())
    taken = {kept_key for _, _, kept_key in decisions if kept_key is not None} | previous_keys
    key_by_cluster: dict[object, str] = {}
    new = 0
    for cluster_id, min_record_id, kept_key in decisions:
        if kept_key is None:
            attempt = 0
            # a split part whose smallest id was the old cluster's smallest id would
            # otherwise be given the key its sibling keeps
            while (kept_key := new_customer_key(min_record_id, attempt)) in taken:
                attempt += 1
            taken.add(kept_key)
            new += 1
        key_by_cluster[cluster_id] = kept_key
    keys = pa.array(
        [key_by_cluster[cluster_id] for cluster_id in clusters.column("cluster_id").to_pylist()],
        pa.string(),
    )
    assigned = set(key_by_cluster.values())
    changes = KeyChanges(kept=len(decisions) - new, new=new, retired=len(previous_keys - assigned))
    return clusters.append_column("customer_key", keys), changes
