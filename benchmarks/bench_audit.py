"""Audits 5,000 synthetic assets and reports how long the audit's own work takes.

Building and resolving Dagster definitions is Dagster's cost and is reported apart; the
audit's own work is reading the resolved graph into facts and judging every requirement.
Target: well under one second. Run: `make bench` or `python benchmarks/bench_audit.py`.
"""

from __future__ import annotations

import gc
import sys
import tempfile
import time
from pathlib import Path

import dagster as dg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._results import write_results
from platform_assets.audit.asset_facts import collect_facts
from platform_assets.audit.runner import audit_facts
from tests.audit.code_locations import declare, write_project

ASSET_COUNT = 5_000
CHAIN_LENGTH = 50
STAGES = ("ga", "beta", "alpha", "poc")


def synthetic_assets() -> list[dg.AssetsDefinition]:
    """Chains of 50 assets whose stage never rises downstream, so lineage is judged on
    every edge; a few assets in each chain break a requirement so violations are built."""
    assets = []
    for index in range(ASSET_COUNT):
        position = index % CHAIN_LENGTH
        stage = STAGES[min(position * len(STAGES) // CHAIN_LENGTH, len(STAGES) - 1)]
        deps = (f"asset_{index - 1}",) if position else ()
        assets.append(
            declare(
                f"asset_{index}",
                stage=stage,
                deps=deps,
                owners=() if position == 7 else ("team:bench",),
                group="covered_group",
            )
        )
    return assets


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        paths = write_project(Path(directory))
        started = time.perf_counter()
        defs = dg.Definitions(assets=synthetic_assets())
        built = time.perf_counter()
        defs.resolve_asset_graph()
        resolved = time.perf_counter()

        def audit_once() -> tuple[float, int, int]:
            began = time.perf_counter()
            report = audit_facts(
                collect_facts(defs),
                routes_path=paths.routes,
                waivers_path=paths.waivers,
                tests_dir=paths.tests_dir,
                project_root=paths.root,
            )
            return time.perf_counter() - began, len(report.assets), report.violation_count

        # Garbage left by the previous iteration is collected first: otherwise a full
        # collection over Dagster's 5,000-asset graph lands in whichever run triggers it.
        # The uncollected worst case is reported too.
        timings = []
        for _ in range(5):
            gc.collect()
            seconds, audited, violations = audit_once()
            timings.append(seconds)
        uncollected = [audit_once()[0] for _ in range(5)]
        assert audited == ASSET_COUNT
        write_results(
            "audit",
            {
                "asset_count": ASSET_COUNT,
                "violations_found": violations,
                "seconds_audit": round(sorted(timings)[len(timings) // 2], 4),
                "seconds_audit_best": round(min(timings), 4),
                "seconds_audit_worst_without_collecting_first": round(max(uncollected), 4),
                "seconds_build_definitions": round(built - started, 3),
                "seconds_resolve_asset_graph": round(resolved - built, 3),
                "target_seconds_audit": 1.0,
            },
        )


if __name__ == "__main__":
    main()
