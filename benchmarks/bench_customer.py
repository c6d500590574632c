"""Customer domain benchmark: identity resolution, the whole domain end to end, and the
gold query.

    .venv/bin/python -m benchmarks.bench_customer              # every measurement
    .venv/bin/python -m benchmarks.bench_customer --quality-records 100000 --scale-records 1000000
    .venv/bin/python -m benchmarks.bench_customer --quality-records 0 --scale-records 0 \
        --end-to-end-records 100000 1000000 --gold-customers 0

1. Quality: precision, recall and F1 of the pairwise links (two records are linked when
   the resolution puts them in one customer) against the demo's truth labels
   (``demo_truth``/``true_pairs``, the demo's default seed 12; the model was trained on
   seed 7), on the demo's records as silver holds them (``customer_demo_records.py``).
   Targets: precision >= 0.99, recall >= 0.97.
2. Scale: the wall time of the whole resolution (read silver, link, cluster, key, write
   gold) at a million source records, in a child process so its peak RSS is its own.
   Target: <= 120 s on the 2-core benchmark machine.

3. End to end: the project's ``customer_refresh`` job (every asset of the domain) on the
   demo source sized to about ``--end-to-end-records`` source records, on a fresh
   warehouse and Dagster instance, in a fresh interpreter (``customer_dagster_run.py``):
   total wall time, the split between ingestion (the bronze assets), contact validation,
   dbt (silver and gold, with their tests) and resolution from the run's step timings, and
   peak memory.
4. The gold query (``customer_gold_query.py``): one customer with their source records
   and the last 30 days of weather where they live, at ``--gold-customers`` customers,
   with the tables in the random order the build leaves and sorted by their lookup keys.
   Target: under 1 s.

Figures go to ``benchmarks/results/customer.json`` under ``identity_resolution``,
``end_to_end`` and ``gold_query``.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pyarrow as pa

from benchmarks._results import RESULTS_DIR, write_results
from benchmarks.customer_demo_records import demo_silver_records
from benchmarks.customer_end_to_end import run_end_to_end
from benchmarks.customer_gold_query import measure_gold_query
from platform_assets.domains.customer.demo_source.population import DEFAULT_SEED
from platform_assets.domains.customer.demo_source.truth import true_pairs
from platform_assets.domains.customer.identity_resolution.linkage import link_records
from platform_assets.domains.customer.identity_resolution.model import load_model
from platform_assets.domains.customer.identity_resolution.resolution import resolve_customers
from platform_assets.warehouse import Warehouse

MEASURE_SEED = DEFAULT_SEED


def linked_pairs(clusters: pa.Table) -> set[tuple[str, str]]:
    members: dict[Any, list[str]] = {}
    for record_id, cluster in zip(
        clusters.column("source_record_id").to_pylist(),
        clusters.column("cluster_id").to_pylist(),
        strict=True,
    ):
        members.setdefault(cluster, []).append(record_id)
    return {
        (left, right)
        for ids in members.values()
        for index, left in enumerate(sorted(ids))
        for right in sorted(ids)[index + 1 :]
    }


def measure_quality(records: int) -> dict[str, Any]:
    data = demo_silver_records(records, seed=MEASURE_SEED)
    truth = set(true_pairs(data.select("source_record_id", "person_id")).iter_rows())
    started = time.perf_counter()
    linkage = link_records(data.drop("person_id").to_arrow(), load_model())
    seconds = time.perf_counter() - started
    found = linked_pairs(linkage.clusters)
    true_positives = len(found & truth)
    precision = true_positives / len(found) if found else 1.0
    recall = true_positives / len(truth) if truth else 1.0
    return {
        "records": data.height,
        "true_pairs": len(truth),
        "linked_pairs": len(found),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(2 * precision * recall / (precision + recall), 4),
        "pairs_scored": linkage.pairs_scored,
        "review_pairs": linkage.review_pairs.num_rows,
        "seconds": round(seconds, 1),
        "seconds_by_phase": linkage.seconds,
    }


def resolve_at_scale(records: int) -> dict[str, Any]:
    """Runs in the child process: silver written to a fresh warehouse, then one timed
    resolution exactly as the asset runs it."""
    with tempfile.TemporaryDirectory() as directory:
        warehouse = Warehouse(database=str(Path(directory) / "warehouse.duckdb"))
        with warehouse.transaction() as connection:
            connection.execute("create schema silver")
            people = demo_silver_records(records, seed=MEASURE_SEED).drop("person_id")
            connection.register("people", people.to_arrow())
            connection.execute("create table silver.customer_records as select * from people")
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        resolution = resolve_customers(warehouse, load_model())
        seconds = time.perf_counter() - started
    return {
        "records": records,
        "seconds": round(seconds, 1),
        "seconds_by_phase": resolution.seconds,
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "peak_rss_mib_before_resolution": round(rss_before / 1024),
        "pairs_scored": resolution.pairs_scored,
        "links": resolution.links,
        "customers": resolution.clusters,
        "review_pairs": resolution.review_pairs.num_rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quality-records", type=int, default=100_000)
    parser.add_argument("--scale-records", type=int, default=1_000_000)
    parser.add_argument(
        "--end-to-end-records",
        type=int,
        nargs="*",
        default=[1_000_000],
        help="demo source records of each end-to-end run (none: skip)",
    )
    parser.add_argument("--gold-customers", type=int, default=1_000_000)
    parser.add_argument("--gold-lookups", type=int, default=50)
    parser.add_argument("--child-scale", type=int, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child_scale:
        print(json.dumps(resolve_at_scale(arguments.child_scale)))
        return
    figures: dict[str, Any] = {}
    if arguments.quality_records:
        figures["quality"] = measure_quality(arguments.quality_records)
        print(json.dumps(figures["quality"], indent=2), flush=True)
    if arguments.scale_records:
        child = subprocess.run(
            [
                sys.executable,
                "-m",
                "benchmarks.bench_customer",
                "--child-scale",
                str(arguments.scale_records),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        figures["scale"] = json.loads(child.stdout.strip().splitlines()[-1])
    end_to_end = {str(records): run_end_to_end(records) for records in arguments.end_to_end_records}
    for records, run in end_to_end.items():
        print(records, json.dumps(run["seconds_by_phase"]), run["total_seconds"], flush=True)
    gold_query = None
    if arguments.gold_customers:
        gold_query = measure_gold_query(arguments.gold_customers, arguments.gold_lookups)
        print(json.dumps(gold_query, indent=2), flush=True)
    existing = RESULTS_DIR / "customer.json"
    document = json.loads(existing.read_text()) if existing.exists() else {}
    document.pop("measured_at", None)
    document.pop("machine", None)
    # a run of one part keeps the other parts' last figures
    resolution = {**document.get("identity_resolution", {}), **figures}
    runs = {**document.get("end_to_end", {}), **end_to_end}
    gold = gold_query or document.get("gold_query", {})
    write_results(
        "customer",
        {**document, "identity_resolution": resolution, "end_to_end": runs, "gold_query": gold},
    )


if __name__ == "__main__":
    main()
