"""Fixtures for the monitoring tests: a real Dagster instance on SQLite (the default,
run-sharded storage, the hardest for a cross-run cursor), a warehouse in a temporary
directory, and a routes file whose sinks are JSONL logs the tests read back."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest

from tests.monitoring.local_servers import HttpRecorder, SmtpServer, http_recorder, smtp_server
from tests.monitoring.staged_assets import RowSource, warehouse_resources

ROUTES_YAML = """\
sinks:
  local_log: {{kind: jsonl, path: "{root}/alerts.jsonl"}}
  team_channel: {{kind: jsonl, path: "{root}/team-channel.jsonl"}}
  pager: {{kind: jsonl, path: "{root}/pager.jsonl", paging: true}}
routes:
  owner-notice: {{sinks: [local_log]}}
  team-channel: {{sinks: [local_log, team_channel]}}
  paging: {{sinks: [local_log, team_channel, pager]}}
"""


@dataclass(frozen=True)
class AlertLogs:
    routes: Path
    local_log: Path
    team_channel: Path
    pager: Path


@pytest.fixture
def instance() -> Iterator[dg.DagsterInstance]:
    with dg.instance_for_test() as test_instance:
        yield test_instance


@pytest.fixture
def resources(tmp_path: Path) -> dict[str, object]:
    return warehouse_resources(tmp_path)


@pytest.fixture
def alert_logs(tmp_path: Path) -> AlertLogs:
    routes = tmp_path / "alert_routes.yaml"
    routes.write_text(ROUTES_YAML.format(root=tmp_path))
    return AlertLogs(
        routes,
        tmp_path / "alerts.jsonl",
        tmp_path / "team-channel.jsonl",
        tmp_path / "pager.jsonl",
    )


@pytest.fixture
def source_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "sources"
    directory.mkdir()
    return directory


@pytest.fixture
def make_source(source_dir: Path):
    def make(name: str) -> RowSource:
        source = RowSource(source_dir / f"{name}.json")
        source.healthy()
        return source

    return make


@pytest.fixture
def http_server() -> Iterator[HttpRecorder]:
    with http_recorder() as recorder:
        yield recorder


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with smtp_server() as server:
        yield server
