"""``platform-assets migrate`` as an operator runs it, on the configured warehouse
(``PLATFORM_WAREHOUSE_PATH``, or ``PLATFORM_POSTGRES_URL``). The installed command runs
as a subprocess for ``history`` and ``current``; the changes go through the same parser
in-process, since each start of the command imports the whole CLI (seconds per call)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from platform_assets.cli.main import main
from platform_assets.warehouse import Warehouse
from platform_assets.warehouse.migrations.commands import history
from platform_assets.warehouse.migrations.config import head_revision

CLI = str(Path(sys.executable).with_name("platform-assets"))


def _environment(warehouse: Warehouse) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "PLATFORM_POSTGRES_URL"}
    if warehouse.dialect == "postgres":
        env["PLATFORM_POSTGRES_URL"] = warehouse.postgres_url
    else:
        env["PLATFORM_WAREHOUSE_PATH"] = str(warehouse.path)
    return env


def test_history_lists_every_revision_newest_first() -> None:
    listed = subprocess.run(
        [CLI, "migrate", "history"], capture_output=True, text=True, check=False
    )
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert [line.split()[2] for line in lines] == [r.revision for r in history()]
    assert lines[0].split()[3] == "(head)"
    assert lines[-1].startswith("base -> 0001 ")
    assert lines[-1].endswith(
        "Baseline: the tables the platform manages outside dbt, in schema ``ops``."
    )


def test_upgrade_current_and_downgrade(
    any_warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    head = head_revision()
    where = any_warehouse.description
    for name, value in _environment(any_warehouse).items():
        monkeypatch.setenv(name, value)
    if any_warehouse.dialect == "duckdb":
        monkeypatch.delenv("PLATFORM_POSTGRES_URL", raising=False)

    assert main(["migrate", "current"]) == 1
    assert capsys.readouterr().out.strip() == (
        f"{where}: at revision base, head is {head}: run `platform-assets migrate upgrade`"
    )
    assert main(["migrate", "upgrade"]) == 0
    assert capsys.readouterr().out.strip() == f"{where}: at revision {head} (head)"

    current = subprocess.run(
        [CLI, "migrate", "current"],
        capture_output=True,
        text=True,
        env=_environment(any_warehouse),
        check=False,
    )
    assert (current.returncode, current.stdout.strip()) == (
        0,
        f"{where}: at revision {head} (head)",
    )

    assert main(["migrate", "downgrade", "base"]) == 0
    assert capsys.readouterr().out.strip() == f"{where}: at revision base (head is {head})"
    assert main(["migrate", "upgrade", "9999"]) == 2
    refused = capsys.readouterr().err
    assert "9999" in refused and "`platform-assets migrate history`" in refused
