"""``dagster dev`` (webserver and daemon) as a subprocess the end-to-end tests drive.

The server gets its own process group, a free loopback port, a fresh instance directory
and a fresh warehouse, so a test never touches ``.dagster_home`` or
``data/warehouse.duckdb``. It is always stopped by killing the whole group: ``dagster
dev`` starts a code server, the webserver, the daemon and run workers, and any survivor
would keep the port, the instance or the DuckDB file busy for the next test.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.e2e.graphql import (
    RUN_ERRORS,
    RUN_STATUS,
    TERMINAL_RUN_STATUSES,
    WORKSPACE_STATUS,
    DagsterGraphQL,
)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
LOOPBACK = "127.0.0.1"


class DagsterDevError(RuntimeError):
    """The server did not come up, the code location did not load, or a run failed; the
    message carries the end of the server's log."""


def free_port() -> int:
    """A port nothing listens on now: bound by the OS, then released for the server."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


@dataclass
class DagsterDev:
    """A running ``dagster dev``: where it listens, its GraphQL client and its log."""

    process: subprocess.Popen[bytes]
    base_url: str
    log_path: Path
    dagster_home: Path
    warehouse_path: Path
    graphql: DagsterGraphQL

    def log_tail(self, lines: int = 80) -> str:
        if not self.log_path.exists():
            return "(no log)"
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def fail(self, message: str) -> DagsterDevError:
        return DagsterDevError(f"{message}\n--- dagster dev log (tail) ---\n{self.log_tail()}")

    def wait_until_loaded(self, timeout: float) -> list[str]:
        """Polls the workspace until every code location has loaded; returns their names.
        A location that fails to import fails at once with its Python error."""
        deadline = time.monotonic() + timeout
        last_answer: Any = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise self.fail(f"dagster dev exited with code {self.process.returncode}")
            try:
                last_answer = self.graphql.execute(WORKSPACE_STATUS)["workspaceOrError"]
            except (httpx.HTTPError, ValueError):
                time.sleep(1)
                continue
            if last_answer["__typename"] == "PythonError":
                raise self.fail(f"the workspace failed to load: {last_answer['message']}")
            entries = last_answer["locationEntries"]
            if entries and all(entry["loadStatus"] == "LOADED" for entry in entries):
                errors = [
                    f"{entry['name']}: {entry['locationOrLoadError']['message']}"
                    for entry in entries
                    if (entry["locationOrLoadError"] or {}).get("__typename") == "PythonError"
                ]
                if errors:
                    raise self.fail("a code location failed to load:\n" + "\n".join(errors))
                return [entry["name"] for entry in entries]
            time.sleep(1)
        raise self.fail(f"no loaded code location after {timeout:.0f}s: {last_answer}")

    def wait_for_run(self, run_id: str, timeout: float) -> dict[str, Any]:
        """Polls the run until it ends; a failed run raises with its failed steps and
        error messages, a successful one returns its last status answer."""
        deadline = time.monotonic() + timeout
        run: dict[str, Any] = {}
        while time.monotonic() < deadline:
            run = self.graphql.execute(RUN_STATUS, {"runId": run_id})["runOrError"]
            if run["__typename"] != "Run":
                raise self.fail(f"run {run_id} not found: {run}")
            if run["status"] in TERMINAL_RUN_STATUSES:
                if run["status"] != "SUCCESS":
                    raise self.fail(self._describe_failed_run(run))
                return run
            time.sleep(2)
        raise self.fail(f"run {run_id} still {run.get('status')} after {timeout:.0f}s")

    def _describe_failed_run(self, run: dict[str, Any]) -> str:
        failed_steps = [s["stepKey"] for s in run["stepStats"] if s["status"] != "SUCCESS"]
        logs = self.graphql.execute(RUN_ERRORS, {"runId": run["runId"]})["logsForRun"]
        errors = [
            (event.get("error") or {}).get("message") or event.get("message", "")
            for event in logs.get("events", [])
            if event["__typename"] in ("ExecutionStepFailureEvent", "RunFailureEvent")
        ]
        return (
            f"run {run['runId']} ended {run['status']}; steps not successful: {failed_steps}\n"
            + "\n".join(errors)
        )


def _stop(process: subprocess.Popen[bytes], grace: float = 20.0) -> None:
    """SIGTERM to the whole group (dagster dev shuts its children down), SIGKILL to any
    survivor once the grace period is over."""
    try:
        group = os.getpgid(process.pid)
    except ProcessLookupError:
        return
    try:
        os.killpg(group, signal.SIGTERM)
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        pass
    except ProcessLookupError:
        return
    # Children (code server, run workers) may outlive the parent; the group id outlives it.
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    with suppress(ProcessLookupError):
        os.killpg(group, signal.SIGKILL)
    process.wait(timeout=10)


@contextmanager
def run_dagster_dev(
    workdir: Path,
    *,
    target_args: list[str],
    cwd: Path = PROJECT_ROOT,
    extra_env: Mapping[str, str] | None = None,
    load_timeout: float = 180.0,
) -> Iterator[DagsterDev]:
    """Starts ``dagster dev <target_args>`` with a fresh instance and warehouse under
    ``workdir``, waits for its code locations to load, and stops it on exit, whatever
    happened in between."""
    dagster_home = workdir / "dagster_home"
    dagster_home.mkdir(parents=True, exist_ok=True)
    shutil.copy(PROJECT_ROOT / "dagster.yaml", dagster_home / "dagster.yaml")
    warehouse_path = workdir / "warehouse.duckdb"
    port = free_port()
    env = {
        **os.environ,
        "DAGSTER_HOME": str(dagster_home),
        "PLATFORM_WAREHOUSE_PATH": str(warehouse_path),
        "DAGSTER_TELEMETRY_DISABLED": "1",
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }
    dagster = Path(sys.executable).with_name("dagster")
    command = [str(dagster), "dev", *target_args, "--host", LOOPBACK, "--port", str(port)]
    log_path = workdir / "dagster_dev.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    base_url = f"http://{LOOPBACK}:{port}"
    server = DagsterDev(
        process=process,
        base_url=base_url,
        log_path=log_path,
        dagster_home=dagster_home,
        warehouse_path=warehouse_path,
        graphql=DagsterGraphQL(base_url),
    )
    try:
        server.wait_until_loaded(load_timeout)
        yield server
    finally:
        server.graphql.close()
        _stop(process)
