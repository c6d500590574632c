"""Everything the platform writes is owner-only (issue 10, item 15): 0600 files, 0700
directories, whatever umask the process was started with, and an older checkout's too
open files are tightened where the platform opens them."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from platform_assets.domains.dora.dashboards.files import write_dashboards
from platform_assets.domains.dora.dashboards.page import Dashboard
from platform_assets.monitoring.sinks import JsonlSink
from platform_assets.settings import PROJECT_ROOT
from platform_assets.warehouse import Warehouse
from tests.monitoring.test_sinks import ALERT
from tests.security.modes import open_to_others


def mode(path: Path) -> str:
    return oct(stat.S_IMODE(path.stat().st_mode))


def _dagster_home(tmp_path: Path) -> Path:
    """A Dagster home as `make instance` leaves it."""
    home = tmp_path / "dagster_home"
    home.mkdir(mode=0o700)
    shutil.copyfile(PROJECT_ROOT / "dagster.yaml", home / "dagster.yaml")
    (home / "dagster.yaml").chmod(0o600)
    return home


def _materialize_demo_deployments(
    home: Path, data: Path, launch: Callable[[str], list[str]]
) -> None:
    """Materializes the raw deployments from the demo source in a process started with
    umask 022, as from a usual shell."""
    environment = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "PLATFORM_WAREHOUSE_PATH": str(data / "warehouse.duckdb"),
        "PLATFORM_DORA_DEMO_DAYS": "10",
        "DAGSTER_TELEMETRY_DISABLED": "1",
    }
    dagster = Path(sys.executable).with_name("dagster")
    command = f"{dagster} asset materialize -m platform_assets.definitions --select raw/deployments"
    completed = subprocess.run(
        launch(command),
        env=environment,
        cwd=PROJECT_ROOT,
        umask=0o022,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, (completed.stdout + completed.stderr)[-2000:]
    assert (data / "warehouse.duckdb").is_file()
    assert list((home / "storage").rglob("*.out")), "the run wrote no compute log"


def test_what_the_platforms_code_writes_is_owner_only_whatever_the_umask(tmp_path: Path):
    """`dagster asset materialize` started straight from a shell with umask 022: the
    warehouse, its directory and the run's compute logs, all written once the platform's
    code is loaded. (The instance's databases are opened before that, by Dagster: see the
    next test.)"""
    home, data = _dagster_home(tmp_path), tmp_path / "data"
    _materialize_demo_deployments(home, data, lambda command: ["bash", "-c", command])
    assert open_to_others(data, home / "storage") == {}


def test_a_run_started_by_make_writes_only_owner_only_files(tmp_path: Path):
    """The same run as a recipe of the project's Makefile (its shell, as `make run` and
    `make dev` use it): the Dagster home too, event log and run records included."""
    home, data = _dagster_home(tmp_path), tmp_path / "data"
    probe = "--eval=security-probe: ; $(RUN)"
    _materialize_demo_deployments(
        home, data, lambda command: ["make", "-s", probe, "security-probe", f"RUN={command}"]
    )
    assert (home / "event_log.db").is_file()
    assert open_to_others(data, home) == {}


@pytest.mark.usefixtures("umask_022")
def test_the_alert_log_is_owner_only(tmp_path: Path):
    log = tmp_path / "alerts" / "alerts.jsonl"
    JsonlSink("local", log).send(ALERT)
    assert (mode(log.parent), mode(log)) == ("0o700", "0o600")


@pytest.mark.usefixtures("umask_022")
def test_dashboards_are_owner_only(tmp_path: Path):
    directory = tmp_path / "dashboards"
    write_dashboards([Dashboard("dora", "DORA", "<html></html>", None)], directory)
    assert (mode(directory), mode(directory / "dora.html")) == ("0o700", "0o600")


@pytest.mark.usefixtures("umask_022")
def test_an_older_checkouts_open_warehouse_and_alert_log_are_tightened(tmp_path: Path):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    warehouse = Warehouse(database=str(data / "warehouse.duckdb"))
    with warehouse.connect() as connection:
        connection.execute("create table kept as select 1 as one")
    log = data / "alerts.jsonl"
    log.write_text("")
    for path in (data, warehouse.path, log):
        path.chmod(0o755 if path.is_dir() else 0o644)

    with warehouse.connect(read_only=True) as connection:
        assert connection.execute("select one from kept").fetchall() == [(1,)]
    JsonlSink("local", log).send(ALERT)

    assert open_to_others(data) == {}


def _make_instance(home: Path) -> None:
    completed = subprocess.run(
        ["make", "--no-print-directory", "instance", f"DAGSTER_HOME={home}"],
        cwd=PROJECT_ROOT,
        umask=0o022,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_make_instance_creates_an_owner_only_dagster_home(tmp_path: Path):
    home = tmp_path / "new" / "dagster_home"
    _make_instance(home)
    assert (home / "dagster.yaml").is_file()
    assert open_to_others(tmp_path / "new") == {}


def test_make_instance_tightens_an_older_checkouts_dagster_home(tmp_path: Path):
    """What `make run` finds on a checkout from before: the home and the run records
    Dagster wrote there readable by everyone."""
    home = tmp_path / "dagster_home"
    (home / "storage" / "run-1" / "compute_logs").mkdir(parents=True)
    shutil.copyfile(PROJECT_ROOT / "dagster.yaml", home / "dagster.yaml")
    (home / "event_log.db").write_text("")
    (home / "storage" / "run-1" / "compute_logs" / "step.out").write_text("")
    for path in [home, *home.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    # an instance as new as the project's: make has nothing to copy, only to tighten
    os.utime(home / "dagster.yaml", (4_000_000_000, 4_000_000_000))

    _make_instance(home)

    assert open_to_others(home) == {}
