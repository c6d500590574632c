"""Who is who in the demo: the truth the duplicate detection is measured against.

The labels are kept out of the landed tables so the matcher cannot see them. They cover
every record the population ever has; a record deleted by a later run is simply absent
from silver, so a benchmark joins the labels to the records it resolved.
"""

from __future__ import annotations

import polars as pl

from platform_assets.domains.customer.demo_source.entities import identified_records
from platform_assets.domains.customer.demo_source.population import DEFAULT_SEED, Population


def demo_truth(people: int, seed: int = DEFAULT_SEED) -> pl.DataFrame:
    """``source_record_id`` (silver's id: ``crm:<contactid>`` or
    ``spreadsheet:<record_id>``) and the ``person_id`` the record belongs to."""
    return identified_records(Population(seed=seed, people=people)).select(
        "source_record_id", "person_id"
    )


def true_pairs(truth: pl.DataFrame) -> pl.DataFrame:
    """Every pair of records of one person, once (``source_record_id_l`` sorts before
    ``source_record_id_r``, as a pairwise link is compared)."""
    return (
        truth.join(truth, on="person_id", suffix="_r")
        .filter(pl.col("source_record_id") < pl.col("source_record_id_r"))
        .select(
            source_record_id_l=pl.col("source_record_id"),
            source_record_id_r=pl.col("source_record_id_r"),
        )
        .sort("source_record_id_l", "source_record_id_r")
    )
