"""A real local instance for the runtime tests: a temporary DAGSTER_HOME with the
project's own dagster.yaml (its `duckdb_warehouse` pool of one slot), and runs started
the way `make run` starts them, `dagster asset materialize` in a process of its own."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import pytest

from platform_assets.settings import WAREHOUSE_POOL
from tests.runtime.pool_signals import (
    DBT_PROJECT_ENV,
    DBT_RUNNING,
    POOL_LOCATION,
    RELEASE,
    SIGNALS_ENV,
)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
#: Every bounded wait of these tests; generous, because two cores are shared.
WAIT_SECONDS = 45.0


def wait_for(condition: Callable[[], object], what: str, timeout: float = WAIT_SECONDS) -> None:
    """Polls ``condition`` until it holds; fails naming ``what`` once ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not seen within {timeout:.0f} s: {what}")
        time.sleep(0.2)


@dataclass
class LocalInstance:
    """The files the test locations signal through, and the processes started on the
    instance (killed at teardown, whatever the test did), each with its log file."""

    workdir: Path
    signals: Path
    env: dict[str, str]
    instance: dg.DagsterInstance
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def materialize(self, asset: str, location: Path = POOL_LOCATION) -> subprocess.Popen[bytes]:
        """`dagster asset materialize` of one asset of a test location, as `make run`
        runs the platform's: the process is the run's worker (in-process executor)."""
        command = [str(BIN / "dagster"), "asset", "materialize", "-f", str(location)]
        with self.log_of(len(self.processes)).open("wb") as output:
            process = subprocess.Popen(
                [*command, "--select", asset],
                cwd=PROJECT_ROOT,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes.append(process)
        return process

    def log_of(self, index: int) -> Path:
        """The output of the ``index``-th process started (a file: a pipe nobody reads
        while the run goes on could fill up and stall it)."""
        return self.workdir / f"process-{index}.log"

    def wait_for_success(self, process: subprocess.Popen[bytes]) -> None:
        """Waits for ``process`` to end and fails, with the end of its log, unless it
        succeeded."""
        code = process.wait(timeout=WAIT_SECONDS)
        assert code == 0, self.log_of(self.processes.index(process)).read_text()[-3000:]

    def platform_assets(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BIN / "platform-assets"), *args],
            cwd=PROJECT_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=WAIT_SECONDS,
        )

    def release_the_slot(self) -> None:
        (self.signals / RELEASE).touch()

    def signalled_pid(self, name: str) -> int:
        """The pid a test location writes to the signal file ``name``, once it has."""
        signal_file = self.signals / name
        wait_for(signal_file.exists, f"the signal file {name!r}")
        return int(signal_file.read_text())

    def run_records(self) -> list[dg.RunRecord]:
        """Every run of the instance, oldest first."""
        return list(reversed(self.instance.get_run_records()))

    def run_of(self, process: subprocess.Popen[bytes], index: int) -> dg.DagsterRun:
        """The ``index``-th run of the instance, once the process has created it."""

        def created() -> bool:
            if process.poll() is not None:
                log = self.log_of(self.processes.index(process)).read_text()
                raise AssertionError(f"the run process ended: {log[-3000:]}")
            return len(self.run_records()) > index

        wait_for(created, f"run #{index + 1} created")
        return self.run_records()[index].dagster_run

    def status(self, run_id: str) -> dg.DagsterRunStatus:
        run = self.instance.get_run_by_id(run_id)
        assert run is not None
        return run.status

    def slot_holders(self) -> list[str]:
        info = self.instance.event_log_storage.get_concurrency_info(WAREHOUSE_POOL)
        return [slot.run_id for slot in info.claimed_slots]

    def engine_messages(self, run_id: str) -> list[str]:
        return [
            entry.message
            for entry in self.instance.all_logs(run_id, of_type=dg.DagsterEventType.ENGINE_EVENT)
        ]

    def stop_all(self) -> None:
        for process in self.processes:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=WAIT_SECONDS)


@pytest.fixture
def local_instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalInstance]:
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(PROJECT_ROOT / "dagster.yaml", home / "dagster.yaml")
    signals = tmp_path / "signals"
    signals.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv(SIGNALS_ENV, str(signals))
    monkeypatch.setenv("PLATFORM_WAREHOUSE_PATH", str(tmp_path / "warehouse.duckdb"))
    env = {**os.environ, "DAGSTER_TELEMETRY_DISABLED": "1"}
    with dg.DagsterInstance.get() as instance:
        local = LocalInstance(workdir=tmp_path, signals=signals, env=env, instance=instance)
        try:
            yield local
        finally:
            local.stop_all()


SLEEPING_MODEL = """
import os
import time
from pathlib import Path


def model(dbt, session):
    Path(os.environ["{signals_env}"], "{running}").write_text(str(os.getpid()))
    time.sleep(600)
    return session.sql("select 1 as id")
"""


@pytest.fixture
def sleeping_dbt_project(
    tmp_path: Path, local_instance: LocalInstance, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A dbt project on DuckDB whose one (Python) model writes dbt's pid to a signal
    file and sleeps, parsed so that ``dbt_location`` can load its manifest."""
    project = tmp_path / "sleeping_dbt_project"
    (project / "models").mkdir(parents=True)
    (project / "dbt_project.yml").write_text(
        "name: sleeping\nversion: '1.0'\nprofile: sleeping\nmodel-paths: [models]\n"
    )
    (project / "profiles.yml").write_text(
        "sleeping:\n  target: local\n  outputs:\n    local:\n      type: duckdb\n"
        f"      path: {tmp_path / 'sleeping.duckdb'}\n      threads: 1\n"
    )
    (project / "models" / "sleeper.py").write_text(
        SLEEPING_MODEL.format(signals_env=SIGNALS_ENV, running=DBT_RUNNING)
    )
    subprocess.run(
        [str(BIN / "dbt"), "parse", "--project-dir", str(project), "--profiles-dir", str(project)],
        cwd=project,
        env=local_instance.env,
        capture_output=True,
        check=True,
        timeout=WAIT_SECONDS,
    )
    monkeypatch.setenv(DBT_PROJECT_ENV, str(project))
    local_instance.env[DBT_PROJECT_ENV] = str(project)
    return project
