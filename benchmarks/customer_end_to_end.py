"""The whole customer domain at a given number of demo source records, through Dagster.

One run of the ``customer_refresh`` job on a fresh warehouse and Dagster instance, in a
fresh interpreter (``customer_dagster_run.py``), fed by the demo source sized with
``people_for``. The as-of days are fixed, so every run sees the same records and the same
weather window. The run's steps are grouped into the phases the domain is made of.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any, Final

from benchmarks.bench_dora import ROOT, _environment, _fresh_instance
from platform_assets.domains.customer.demo_source.population import people_for
from platform_assets.integrations.dbt.pii_key import PII_HMAC_KEY_ENV

AS_OF: Final = date(2026, 12, 6)
#: A key for the benchmark's throwaway warehouse only: the pseudonyms it makes are deleted
#: with the warehouse.
BENCHMARK_PII_KEY: Final = "benchmark-only-pseudonym-key-not-for-any-real-data"

#: Step key prefix -> phase. dbt builds the silver and gold models in several steps (one
#: per group of models that a Python asset separates); column stability and the
#: dashboard are "other".
PHASES: Final = (
    ("bronze__", "ingestion"),
    ("silver__contact_validation", "contact_validation"),
    ("dbt_project_models", "dbt"),
    ("customer_identity_resolution", "resolution"),
)


def phase_seconds(steps: dict[str, float]) -> dict[str, float]:
    totals = {phase: 0.0 for _, phase in PHASES} | {"other": 0.0}
    for step, seconds in steps.items():
        phase = next((name for prefix, name in PHASES if step.startswith(prefix)), "other")
        totals[phase] += seconds
    return {phase: round(seconds, 2) for phase, seconds in totals.items()}


def run_end_to_end(records: int) -> dict[str, Any]:
    people = people_for(records)
    with tempfile.TemporaryDirectory(prefix="bench_customer_") as directory:
        folder = Path(directory)
        home, warehouse = folder / "dagster_home", folder / "warehouse" / "warehouse.duckdb"
        _fresh_instance(home, warehouse.parent)
        environment = _environment(
            warehouse,
            {
                "PLATFORM_CUSTOMER_DEMO_PEOPLE": str(people),
                "PLATFORM_CUSTOMER_DEMO_AS_OF": AS_OF.isoformat(),
                "PLATFORM_CUSTOMER_AS_OF": AS_OF.isoformat(),
                PII_HMAC_KEY_ENV: BENCHMARK_PII_KEY,
            },
            home,
        )
        output, log = folder / "run.json", folder / "run.log"
        print(f"-- end to end at {records} records ({people} people)", flush=True)
        with log.open("w") as log_file:
            completed = subprocess.run(
                [sys.executable, "-m", "benchmarks.customer_dagster_run", str(output)],
                env=environment,
                cwd=ROOT,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                check=False,
            )
        if completed.returncode != 0 or not output.exists():
            tail = log.read_text().splitlines()[-30:]
            raise SystemExit("the end-to-end run failed; its log ends:\n" + "\n".join(tail))
        run = json.loads(output.read_text())
    # people_for counts person records: CRM contacts and workbook rows (accounts are
    # organisations, landed beside them)
    bronze = run["bronze_rows"]
    source_records = bronze.get("crm_contacts", 0) + bronze.get("spreadsheet_customers", 0)
    return {
        "requested_records": records,
        "demo_people": people,
        "source_records": source_records,
        "success": run["success"],
        "total_seconds": run["process_seconds"],
        "seconds_by_phase": phase_seconds(run["steps"]),
        "import_seconds": run["import_seconds"],
        "run_outside_steps_seconds": round(run["execute_seconds"] - sum(run["steps"].values()), 2),
        "peak_rss_mib_worker": run["peak_rss_mib"],
        "peak_rss_mib_worker_with_dbt_sampled": run["peak_rss_mib_with_children_sampled"],
        "steps": run["steps"],
        "dbt_model_seconds": {k: v for k, v in run["dbt_nodes"].items() if ":" not in k},
        "dbt_test_seconds_total": round(sum(v for k, v in run["dbt_nodes"].items() if ":" in k), 2),
        "bronze_rows": run["bronze_rows"],
        "checks": run["checks"],
        "failed_checks": run["failed_checks"],
    }
