"""Times the demo source at a million deployment commits, and their landing in DuckDB.

    python benchmarks/bench_demo_source.py [--scale 205] [--days 90] [--land]

Prints one JSON object: the generation time of every entity, the row counts, and with
``--land`` the time to validate and merge the deployment commits into a fresh DuckDB
file (then the time of a full-refresh rerun, which changes nothing).
"""

from __future__ import annotations

import argparse
import json
import logging
import tempfile
import time
from datetime import date
from pathlib import Path

from platform_assets.domains.dora.demo_source import DemoConnector, DemoSettings
from platform_assets.domains.dora.raw_schemas import RAW_CONTRACTS
from platform_assets.ingestion import ingest
from platform_assets.warehouse import Warehouse


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=205)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--land", action="store_true")
    args = parser.parse_args()
    settings = DemoSettings(scale=args.scale, days=args.days, end=date(2026, 11, 1))

    connector = DemoConnector(settings)
    started = time.perf_counter()
    rows = {
        entity: sum(len(batch.records) for batch in connector.extract(entity, None))
        for entity in RAW_CONTRACTS
    }
    result: dict[str, object] = {
        "scale": args.scale,
        "days": args.days,
        "generation_seconds": round(time.perf_counter() - started, 2),
        "rows": rows,
    }
    if args.land:
        log = logging.getLogger("bench")
        contract = RAW_CONTRACTS["deployment_commits"]
        with tempfile.TemporaryDirectory() as folder:
            warehouse = Warehouse(database=str(Path(folder) / "bench.duckdb"))
            started = time.perf_counter()
            ingest(connector, contract, warehouse, run_id="bench-1", log=log)
            result["land_deployment_commits_seconds"] = round(time.perf_counter() - started, 2)
            started = time.perf_counter()
            ingest(connector, contract, warehouse, run_id="bench-2", log=log, full_refresh=True)
            result["rerun_deployment_commits_seconds"] = round(time.perf_counter() - started, 2)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
