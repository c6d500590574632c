"""One materialization of the whole customer domain through the project's definitions.

    python -m benchmarks.customer_dagster_run OUTPUT.json

Run by ``bench_customer.py --end-to-end-records N`` in a fresh interpreter, as a Dagster
run worker would be: the demo source's size (``PLATFORM_CUSTOMER_DEMO_PEOPLE``) is read
when the connector opens and the dbt manifest when the definitions are imported. The
environment carries the warehouse path, ``DAGSTER_HOME`` and the pseudonym key. Writes
the wall time, each step's time from the run's event log, dbt's own per-node times, the
rows each bronze asset landed, and peak memory: this process's own (exact) and that of the
process with its children (dbt runs as a subprocess), sampled every half second.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import threading
import time
from pathlib import Path

STARTED = time.perf_counter()

import dagster as dg  # noqa: E402

from benchmarks.dora_dagster_run import run_figures  # noqa: E402
from platform_assets.definitions import defs  # noqa: E402

IMPORTED = time.perf_counter()

JOB_NAME = "customer_refresh"
SAMPLE_SECONDS = 0.5


class TreeRssSampler:
    """The largest sum of resident memory of this process and its descendants seen while
    it runs. ``getrusage(RUSAGE_CHILDREN)`` cannot give it: a forked child counts the
    parent's pages it shares until it execs, and the sum of parent and child is what the
    machine has to hold. psutil is not a dependency, so /proc is read directly (Linux)."""

    def __init__(self) -> None:
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> TreeRssSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            self.peak_kib = max(self.peak_kib, _tree_rss_kib(os.getpid()))


def _tree_rss_kib(root: int) -> int:
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:  # the process ended while we looked
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        parents[int(entry.name)] = int(fields["PPid"])
        rss[int(entry.name)] = int(fields.get("VmRSS", "0 kB").split()[0])
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        tree.update(children)
        frontier.extend(children)
    return sum(rss.get(pid, 0) for pid in tree)


def _landed_rows(result: dg.ExecuteInProcessResult) -> dict[str, int]:
    """Rows in each bronze table after its load, as the load reported them."""
    rows: dict[str, int] = {}
    for event in result.get_asset_materialization_events():
        materialization = event.step_materialization_data.materialization
        count = materialization.metadata.get("dagster/row_count")
        if materialization.asset_key.path[0] == "bronze" and count is not None:
            rows[materialization.asset_key.path[-1]] = int(count.value)  # type: ignore[call-overload]
    return rows


def main() -> None:
    output = Path(sys.argv[1])
    job = defs.resolve_job_def(JOB_NAME)
    with dg.DagsterInstance.get() as instance, TreeRssSampler() as sampler:
        result, figures = run_figures(instance, job, IMPORTED - STARTED)
        figures["bronze_rows"] = _landed_rows(result)
        figures["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        figures["peak_rss_mib_with_children_sampled"] = round(sampler.peak_kib / 1024)
    figures["process_seconds"] = round(time.perf_counter() - STARTED, 2)
    output.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
