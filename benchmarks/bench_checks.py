"""How much a Pandera schema check costs next to the same predicates in raw Polars.

    python benchmarks/bench_checks.py [--rows 10000000] [--repeats 3] [--iterations 3]

Builds a 10-column orders table (a unique key, ranges, accepted values, an e-mail regex,
a nullable column) and measures, each in a fresh subprocess so that one measurement's
memory cannot hide in another's:

- ``polars``: the schema's predicates written by hand as one Polars ``select``;
- ``pandera``: ``validate_with_pandera`` on the valid table (the platform's check);
- ``pandera_full``: Pandera's own validation at schema-and-data depth, for reference;
- ``pandera_failing``: ``validate_with_pandera`` on a table where 0.01% of rows break
  a check, which pays for Pandera's failure cases on top.

Time is the median over ``--repeats`` processes of the fastest of ``--iterations``
validations in each. Peak memory is the growth of the process's peak RSS during the
validation: the process builds the table, then resets its peak (``/proc/self/clear_refs``)
so that only what the validation allocates counts.

Writes ``benchmarks/results/checks.json`` and prints it. Targets: ``ratio_vs_polars`` at
most 1.5, and ``peak_rss_ratio`` (peak growth / ``frame.estimated_size()``) at most 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dagster as dg
import pandera
import pandera.polars as pa
import polars as pl
from pandera.config import ValidationDepth, config_context

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._results import write_results
from platform_assets.integrations.pandera import validate_with_pandera
from platform_assets.stages.delivery_stage import DeliveryStage

TARGET_RATIO = 1.5
TARGET_PEAK_RSS_RATIO = 2.0
#: Every 10,000th row of the failing table has a negative amount.
BROKEN_ROW_STRIDE = 10_000

EMAIL = r"^[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}$"
STATUSES = ["placed", "paid", "shipped", "delivered", "returned"]
COUNTRIES = ["US", "GB", "DE", "FR", "NL", "CA"]
CHANNELS = ["web", "store", "app"]


class Orders(pa.DataFrameModel):
    order_id: int = pa.Field(unique=True)
    customer_id: int = pa.Field(ge=1)
    amount: float = pa.Field(in_range={"min_value": 0, "max_value": 10_000})
    quantity: pl.Int32 = pa.Field(in_range={"min_value": 1, "max_value": 100})
    status: str = pa.Field(isin=STATUSES)
    country: str = pa.Field(isin=COUNTRIES)
    email: str = pa.Field(str_matches=EMAIL)
    discount: float = pa.Field(in_range={"min_value": 0, "max_value": 1}, nullable=True)
    created_at: dt.datetime
    channel: str = pa.Field(isin=CHANNELS)


def orders_table(rows: int, *, broken: bool = False) -> pl.DataFrame:
    """Deterministic pseudo-random data. The key is a permutation of 0..rows-1 (a
    multiplier coprime with ``rows``), so it is unique but not sorted: Polars would
    otherwise answer uniqueness from the sorted flag without looking at the data."""

    def draw(seed: int) -> pl.Expr:
        return pl.int_range(rows, dtype=pl.Int64).hash(seed)

    multiplier = next(m for m in range(1_000_003, 2 * rows + 1_000_004) if _coprime(m, rows))
    amount = (draw(2) % 1_000_000).cast(pl.Float64) / 100
    if broken:
        amount = pl.when(pl.int_range(rows) % BROKEN_ROW_STRIDE == 0).then(-1.0).otherwise(amount)
    return pl.select(
        order_id=(pl.int_range(rows, dtype=pl.Int64) * multiplier) % rows,
        customer_id=(draw(1) % 1_000_000 + 1).cast(pl.Int64),
        amount=amount,
        quantity=(draw(3) % 100 + 1).cast(pl.Int32),
        status=pl.lit(pl.Series(STATUSES)).get(draw(4) % len(STATUSES)),
        country=pl.lit(pl.Series(COUNTRIES)).get(draw(5) % len(COUNTRIES)),
        email=pl.format("customer{}@example.com", draw(6) % 1_000_000),
        discount=pl.when(draw(7) % 10 == 0)
        .then(None)
        .otherwise((draw(7) % 51).cast(pl.Float64) / 100),
        created_at=pl.lit(dt.datetime(2024, 1, 1)) + pl.duration(seconds=draw(8) % 50_000_000),
        channel=pl.lit(pl.Series(CHANNELS)).get(draw(9) % len(CHANNELS)),
    )


def _coprime(a: int, b: int) -> bool:
    while b:
        a, b = b, a % b
    return a == 1


def polars_pass(frame: pl.DataFrame) -> bool:
    """The schema's predicates by hand, as one ``select``: the floor for any validator."""
    expected = {name: dtype for name, dtype in Orders.to_schema().dtypes.items()}
    types_match = all(str(frame.schema[name]) == str(dtype) for name, dtype in expected.items())
    not_null = [pl.col(name).is_not_null().all() for name in frame.columns if name != "discount"]
    predicates = [
        pl.col("order_id").n_unique() == pl.len(),
        pl.col("customer_id").ge(1).all(),
        pl.col("amount").is_between(0, 10_000).all(),
        pl.col("quantity").is_between(1, 100).all(),
        pl.col("status").is_in(STATUSES).all(),
        pl.col("country").is_in(COUNTRIES).all(),
        pl.col("email").str.contains(EMAIL).all(),
        (pl.col("discount").is_between(0, 1) | pl.col("discount").is_null()).all(),
        pl.col("amount").is_not_nan().all(),
        *not_null,
    ]
    outcome = frame.select(
        predicate.alias(f"predicate_{index}") for index, predicate in enumerate(predicates)
    )
    return types_match and all(outcome.row(0))


def platform_check(frame: pl.DataFrame) -> bool:
    result = validate_with_pandera(
        Orders, frame, stage=DeliveryStage.BETA, asset_key=dg.AssetKey(["raw", "orders"])
    )
    return result.passed


def pandera_full(frame: pl.DataFrame) -> bool:
    with config_context(validation_depth=ValidationDepth.SCHEMA_AND_DATA):
        try:
            Orders.to_schema().validate(frame, lazy=True)
        except pa.errors.SchemaErrors:
            return False
    return True


MEASUREMENTS: dict[str, tuple[Callable[[pl.DataFrame], bool], bool, bool]] = {
    # name: (function, validate the broken table, expected outcome)
    "polars": (polars_pass, False, True),
    "pandera": (platform_check, False, True),
    "pandera_full": (pandera_full, False, True),
    "pandera_failing": (platform_check, True, False),
}
#: Polars allocates through jemalloc, which keeps freed pages for a while and hands them
#: out again: the scratch memory of building the table would absorb part of the
#: validation's allocations unseen. Memory is measured with that cache off; time with the
#: allocator as shipped.
NO_PAGE_CACHE = {"_RJEM_MALLOC_CONF": "dirty_decay_ms:0,muzzy_decay_ms:0"}


def _memory_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} missing from /proc/self/status")


def measure(name: str, rows: int, iterations: int) -> dict[str, Any]:
    """Runs in a fresh process: the fastest of ``iterations`` validations (the least
    disturbed by other work on the machine), and the peak RSS growth over them."""
    function, broken, expected = MEASUREMENTS[name]
    # One-time costs (imports, Pandera's backend registration, Polars' thread pool) are
    # paid on a small frame first: the figure is the per-validation cost.
    function(orders_table(1_000, broken=broken))
    frame = orders_table(rows, broken=broken)
    Path("/proc/self/clear_refs").write_text("5")  # peak RSS := current RSS
    rss_before = _memory_kib("VmRSS")
    timings = []
    for _ in range(iterations):
        started = time.perf_counter()
        outcome = function(frame)
        timings.append(time.perf_counter() - started)
        if outcome is not expected:
            raise AssertionError(f"{name}: expected {expected}, got {outcome}")
    return {
        "seconds": min(timings),
        "peak_rss_growth_bytes": max(_memory_kib("VmHWM") - rss_before, 0) * 1024,
        "table_bytes": frame.estimated_size(),
    }


def run_in_subprocess(
    name: str, rows: int, iterations: int, extra_env: dict[str, str]
) -> dict[str, Any]:
    completed = subprocess.run(
        [
            *(sys.executable, __file__, "--measure", name),
            *("--rows", str(rows), "--iterations", str(iterations)),
        ],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, **extra_env},
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=3, help="timing processes per measurement")
    parser.add_argument("--iterations", type=int, default=3, help="validations per process")
    parser.add_argument("--measure", choices=sorted(MEASUREMENTS), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.measure:
        print(json.dumps(measure(arguments.measure, arguments.rows, arguments.iterations)))
        return

    timing: dict[str, list[float]] = {name: [] for name in MEASUREMENTS}
    for _ in range(arguments.repeats):
        for name in MEASUREMENTS:  # interleaved, so load on the machine hits all alike
            run = run_in_subprocess(name, arguments.rows, arguments.iterations, {})
            timing[name].append(run["seconds"])
    memory = {
        name: run_in_subprocess(name, arguments.rows, 1, NO_PAGE_CACHE) for name in MEASUREMENTS
    }
    table_bytes = memory["pandera"]["table_bytes"]

    def seconds(name: str) -> float:
        return round(statistics.median(timing[name]), 3)

    def ratio(name: str) -> float:
        return round(statistics.median(timing[name]) / statistics.median(timing["polars"]), 3)

    def memory_ratio(name: str) -> float:
        return round(memory[name]["peak_rss_growth_bytes"] / table_bytes, 3)

    write_results(
        "checks",
        {
            "command": "python benchmarks/bench_checks.py",
            "rows": arguments.rows,
            "columns": len(Orders.to_schema().columns),
            "table_bytes": table_bytes,
            "seconds_polars": seconds("polars"),
            "seconds_pandera": seconds("pandera"),
            "ratio_vs_polars": ratio("pandera"),
            "target_ratio_vs_polars": TARGET_RATIO,
            "peak_rss_growth_bytes": memory["pandera"]["peak_rss_growth_bytes"],
            "peak_rss_ratio": memory_ratio("pandera"),
            "target_peak_rss_ratio": TARGET_PEAK_RSS_RATIO,
            "polars_peak_rss_ratio": memory_ratio("polars"),
            "seconds_pandera_full": seconds("pandera_full"),
            "pandera_full_ratio_vs_polars": ratio("pandera_full"),
            "pandera_full_peak_rss_ratio": memory_ratio("pandera_full"),
            "seconds_pandera_failing": seconds("pandera_failing"),
            "pandera_failing_ratio_vs_polars": ratio("pandera_failing"),
            "pandera_failing_peak_rss_ratio": memory_ratio("pandera_failing"),
            "timing_processes": arguments.repeats,
            "validations_per_process": arguments.iterations,
            "seconds_per_process": {
                name: [round(value, 3) for value in values] for name, values in timing.items()
            },
            "versions": {"polars": pl.__version__, "pandera": pandera.__version__},
            "cpus": os.cpu_count(),
        },
    )


if __name__ == "__main__":
    main()
