"""Which processes run each run: its worker and the children it started (dbt), recorded
under the instance's own directory ($DAGSTER_HOME), one directory per run.

Dagster records the pid of the process behind each event, but not when that process
started (so a reused pid passes for the run's worker) nor on which machine, and nothing
about the children a step starts: recovering a dead run needs all three.

Each file is written whole and renamed into place, so a reader never sees half of one;
a run's worker and its children write different files, so no write waits for another.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import dagster as dg

from platform_assets.runtime.process_identity import ProcessIdentity

REGISTRY_DIR: Final = Path("platform") / "run_processes"
WORKER_FILE: Final = "worker.json"
CHILD_PREFIX: Final = "child-"


@dataclass(frozen=True)
class RunProcesses:
    run_id: str
    worker: ProcessIdentity | None
    children: tuple[ProcessIdentity, ...]


class RunProcessRegistry:
    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def of_instance(cls, instance: dg.DagsterInstance) -> RunProcessRegistry:
        return cls(Path(instance.root_directory) / REGISTRY_DIR)

    def record_worker(self, run_id: str, worker: ProcessIdentity) -> None:
        self._write(run_id, WORKER_FILE, worker)

    def record_child(self, run_id: str, child: ProcessIdentity) -> None:
        self._write(run_id, f"{CHILD_PREFIX}{child.pid}-{child.start_ticks}.json", child)

    def run_ids(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(entry.name for entry in self.root.iterdir() if entry.is_dir())

    def processes_of(self, run_id: str) -> RunProcesses:
        directory = self.root / run_id
        worker_file = directory / WORKER_FILE
        return RunProcesses(
            run_id=run_id,
            worker=_read(worker_file) if worker_file.exists() else None,
            children=tuple(_read(path) for path in sorted(directory.glob(f"{CHILD_PREFIX}*.json"))),
        )

    def forget(self, run_id: str) -> None:
        shutil.rmtree(self.root / run_id, ignore_errors=True)

    def _write(self, run_id: str, name: str, process: ProcessIdentity) -> None:
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        directory = self.root / run_id
        directory.mkdir(mode=0o700, exist_ok=True)
        # mkstemp creates the file owner-only (0600).
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=".", suffix=".tmp")
        with os.fdopen(handle, "w") as file:
            json.dump(process.to_json(), file)
        os.replace(temporary, directory / name)


def _read(path: Path) -> ProcessIdentity:
    return ProcessIdentity.from_json(json.loads(path.read_text()))
