"""A token the upstream echoes stays out of everything Dagster writes: the raw asset is
materialized on a real instance (a temporary DAGSTER_HOME, SQLite storage) against the
fake GitHub over loopback, configured from the environment as in production, and every
byte under DAGSTER_HOME and every captured log line is searched for the token."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import dagster as dg
import pytest

from platform_assets.domains.dora.raw_assets import raw_assets
from platform_assets.domains.dora.sources import dora_source_from_env
from platform_assets.warehouse import Warehouse, WarehouseIOManager
from tests.connectors.fakes.github_api import FakeGitHub, deployment
from tests.connectors.fakes.server import RecordedRequest, Response, echoed_credentials

REPO = "acme/shop"
#: Not shaped like a GitHub token, so only knowing the secret can mask it.
TOKEN = "Sesame/open+sesame=2026"


class EchoingGitHub(FakeGitHub):
    """Refuses the statuses of deployment 1 with a body quoting the credentials it got."""

    def route(self, request: RecordedRequest) -> Response:
        if request.path.endswith("/deployments/1/statuses"):
            return echoed_credentials(request)
        return super().route(request)


def test_an_echoed_token_is_nowhere_in_the_instance_nor_the_logs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, capfd
) -> None:
    github = EchoingGitHub()
    github.repository(REPO).deployments = [deployment(1, "2026-10-01T10:00:00Z", "a1")]
    home = tmp_path / "dagster_home"
    home.mkdir()
    database = str(tmp_path / "warehouse.duckdb")
    deployments = next(a for a in raw_assets if a.key == dg.AssetKey(["raw", "deployments"]))
    with github.running(), dg.instance_for_test(temp_dir=str(home)) as instance:
        monkeypatch.setenv("PLATFORM_DORA_SOURCE", "github")
        monkeypatch.setenv("PLATFORM_GITHUB_API_URL", github.base_url)
        monkeypatch.setenv("PLATFORM_GITHUB_REPOSITORIES", REPO)
        monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
        result = dg.materialize(
            [deployments],
            resources={
                "dora_source": dora_source_from_env(),
                "warehouse": Warehouse(database=database),
                "warehouse_io_manager": WarehouseIOManager(database=database),
            },
            instance=instance,
            raise_on_error=False,
        )
        failure = result.failure_data_for_node(deployments.op.name)
    assert github.requests[-1].headers["Authorization"] == f"Bearer {TOKEN}"

    assert not result.success
    assert failure is not None and failure.error is not None
    message = failure.error.message
    assert "HTTP 401" in message and f"/repos/{REPO}/deployments/1/statuses" in message
    assert "Bad credentials" in message and "[REDACTED]" in message

    written = [p for p in home.rglob("*") if p.is_file()]
    # The search below is meaningful: the failure, with its quoted body, is in there.
    assert any(b"Bad credentials" in p.read_bytes() for p in written if p.suffix == ".db")
    captured = capfd.readouterr()
    for form in (TOKEN, quote(TOKEN, safe=""), "Sesame"):
        needle = form.encode()
        assert [str(p) for p in written if needle in p.read_bytes()] == []
        assert form not in caplog.text
        assert form not in captured.out and form not in captured.err
