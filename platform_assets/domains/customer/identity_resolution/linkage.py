"""Scoring and clustering the customer records with Splink on its own DuckDB connection.

Splink runs in an in-memory DuckDB of its own, not in the warehouse: its dozens of
intermediate tables never touch the warehouse file, and the warehouse is opened only to
read the input and, once, to write the result.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Final

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker

from platform_assets.domains.customer.identity_resolution.model import LinkageModel
from platform_assets.domains.customer.identity_resolution.model_spec import UNIQUE_ID

#: What Splink compares, derived from silver's standardised columns. Silver already
#: validated and normalised the values; here they are only put in the comparison's form.
PREPARED_RECORDS_SQL: Final = f"""
select
    source_record_id as {UNIQUE_ID},
    source_system,
    nullif(lower(trim(first_name)), '') as first_name,
    nullif(lower(trim(last_name)), '') as last_name,
    nullif(concat_ws(' ', lower(trim(first_name)), lower(trim(last_name))), '') as full_name,
    nullif(lower(trim(email)), '') as email,
    nullif(trim(phone), '') as phone,
    cast(birth_date as date) as birth_date,
    year(cast(birth_date as date)) as birth_year,
    nullif(lower(trim(address_line1)), '') as address_line1,
    nullif(lower(trim(city)), '') as city,
    case when nullif(trim(postal_code), '') is not null
        then concat(upper(coalesce(country_code, '')), ' ', upper(trim(postal_code)))
    end as postal_code
from input_records
order by source_record_id
"""


@dataclass(frozen=True)
class Linkage:
    """What one resolution found. ``clusters`` has one row per record (source_record_id,
    source_system, cluster_id, match_probability, cluster_size); ``review_pairs`` the pairs
    in the review band; ``seconds`` the wall time per phase."""

    clusters: pa.Table
    review_pairs: pa.Table
    pairs_scored: int
    links: int
    seconds: dict[str, float] = field(default_factory=dict)


@contextmanager
def _phase(seconds: dict[str, float], name: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    seconds[name] = round(time.perf_counter() - started, 3)


def link_records(records: pa.Table, model: LinkageModel) -> Linkage:
    """Scores every blocked pair with the trained model and clusters the links at or above
    its threshold (connected components). Deterministic: fixed parameters, and every
    table read back in a fixed order."""
    seconds: dict[str, float] = {}
    connection = duckdb.connect(":memory:")
    try:
        with _phase(seconds, "prepare"):
            connection.register("input_records", records)
            connection.execute(f"create table prepared_records as {PREPARED_RECORDS_SQL}")
            connection.unregister("input_records")
            database = DuckDBAPI(connection)
            prepared = database.register("prepared_records")
            # log_level=None: Splink would otherwise configure the root logging of the
            # Dagster step process
            linker = Linker(prepared, model.splink_settings, log_level=None)
            logging.getLogger("splink").setLevel(logging.WARNING)
        with _phase(seconds, "block"):
            blocked = linker.inference.compute_blocked_pairs_for_predict()
            pairs_scored = _count(connection, blocked.physical_name)
        with _phase(seconds, "score"):
            predictions = linker.inference.predict(
                threshold_match_probability=model.review_lower, warning_mode="never"
            )
        with _phase(seconds, "cluster"):
            clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
                predictions, threshold_match_probability=model.threshold
            )
            clusters = _clusters(
                connection, clustered.physical_name, predictions.physical_name, model
            )
            links = connection.execute(
                f"select count(*) from {predictions.physical_name} where match_probability >= ?",
                [model.threshold],
            ).fetchall()[0][0]
            review_pairs = _review_pairs(connection, predictions.physical_name, model)
    finally:
        connection.close()
    return Linkage(
        clusters=clusters,
        review_pairs=review_pairs,
        pairs_scored=pairs_scored,
        links=int(links),
        seconds=seconds,
    )


def _count(connection: duckdb.DuckDBPyConnection, table: str) -> int:
    return int(connection.execute(f"select count(*) from {table}").fetchall()[0][0])


def _clusters(
    connection: duckdb.DuckDBPyConnection, clustered: str, predictions: str, model: LinkageModel
) -> pa.Table:
    """One row per record: its cluster, its strongest link into it (1.0 for a record
    alone) and the cluster's size."""
    return connection.sql(
        f"""
        with edges as (
            select {UNIQUE_ID}_l as record_id, match_probability from {predictions}
            where match_probability >= $threshold
            union all
            select {UNIQUE_ID}_r, match_probability from {predictions}
            where match_probability >= $threshold
        ),
        strongest as (
            select record_id, max(match_probability) as match_probability
            from edges group by record_id
        )
        select
            c.{UNIQUE_ID} as source_record_id,
            p.source_system,
            c.cluster_id,
            coalesce(s.match_probability, 1.0) as match_probability,
            count(*) over (partition by c.cluster_id) as cluster_size
        from {clustered} as c
        join prepared_records as p using ({UNIQUE_ID})
        left join strongest as s on s.record_id = c.{UNIQUE_ID}
        order by source_record_id
        """,
        params={"threshold": model.threshold},
    ).to_arrow_table()


def _review_pairs(
    connection: duckdb.DuckDBPyConnection, predictions: str, model: LinkageModel
) -> pa.Table:
    """The close calls: pairs scored in the review band, below the linking threshold. The
    smaller id is on the left so a pair has one spelling."""
    return connection.sql(
        f"""
        select
            least({UNIQUE_ID}_l, {UNIQUE_ID}_r) as source_record_id_l,
            greatest({UNIQUE_ID}_l, {UNIQUE_ID}_r) as source_record_id_r,
            match_probability,
            match_weight
        from {predictions}
        where match_probability >= $lower and match_probability < $threshold
        order by source_record_id_l, source_record_id_r
        """,
        params={"lower": model.review_lower, "threshold": model.threshold},
    ).to_arrow_table()
