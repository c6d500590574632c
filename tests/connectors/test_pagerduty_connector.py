"""The PagerDuty connector over real HTTP against a local server speaking its incidents
API: offset/limit/more pagination, the token header, incremental pulls."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from platform_assets.domains.dora.raw_schemas import RAW_CONTRACTS
from platform_assets.ingestion import IngestionReport, ResilientHttpClient, ingest
from platform_assets.integrations.pagerduty import (
    PagerDutyConnector,
    PagerDutySettings,
    auth_headers,
)
from tests.connectors.conftest import FAST_RETRY, rows
from tests.connectors.fakes.pagerduty_api import FakePagerDuty, incident


@pytest.fixture
def pagerduty() -> Iterator[FakePagerDuty]:
    fake = FakePagerDuty(max_limit=2)
    fake.incidents = [
        incident("P1", "2026-10-01T10:00:00Z", resolved_at="2026-10-01T11:00:00Z"),
        incident("P2", "2026-10-02T10:00:00Z", resolved_at="2026-10-02T10:30:00Z"),
        incident("P3", "2026-10-03T10:00:00Z", status="acknowledged"),
        incident("P4", "2026-10-04T10:00:00Z", resolved_at="2026-10-04T12:00:00Z"),
        incident("P5", "2026-10-05T10:00:00Z", resolved_at="2026-10-05T10:10:00Z"),
    ]
    with fake.running():
        yield fake


def load(pagerduty: FakePagerDuty, warehouse, log, run_id: str = "run-1") -> IngestionReport:
    client = ResilientHttpClient(
        base_url=pagerduty.base_url, headers=auth_headers("test-token"), retry=FAST_RETRY
    )
    try:
        connector = PagerDutyConnector(client, PagerDutySettings(service_ids=("PSVC1",)))
        report, _ = ingest(connector, RAW_CONTRACTS["incidents"], warehouse, run_id=run_id, log=log)
    finally:
        client.close()
    return report


def test_pages_by_offset_while_more(pagerduty, warehouse, log) -> None:
    report = load(pagerduty, warehouse, log)
    assert [r.param("offset") for r in pagerduty.requests] == ["0", "2", "4"]
    assert all(r.param("limit") == "100" for r in pagerduty.requests)
    assert pagerduty.requests[0].param("date_range") == "all"
    assert pagerduty.requests[0].query["service_ids[]"] == ["PSVC1"]
    assert pagerduty.requests[0].headers["Authorization"] == "Token token=test-token"
    assert report.inserted == 5
    assert rows(
        warehouse,
        "select incident_id, service, resolved_at is null, severity, source "
        "from raw.incidents order by 1",
    )[:3] == [
        ("P1", "checkout", False, "P2", "pagerduty"),
        ("P2", "checkout", False, "P2", "pagerduty"),
        ("P3", "checkout", True, "P2", "pagerduty"),
    ]


def test_rereads_from_the_oldest_open_incident(pagerduty, warehouse, log) -> None:
    first = load(pagerduty, warehouse, log)
    assert first.cursor_after == "2026-10-03T10:00:00Z"
    pagerduty.incidents[2] = incident(
        "P3", "2026-10-03T10:00:00Z", resolved_at="2026-10-03T15:00:00Z"
    )
    pagerduty.incidents.append(
        incident("P6", "2026-10-06T10:00:00Z", resolved_at="2026-10-06T11:00:00Z")
    )
    pagerduty.requests.clear()

    second = load(pagerduty, warehouse, log, run_id="run-2")

    assert pagerduty.requests[0].param("since") == "2026-10-03T10:00:00Z"
    assert second.extracted == 4
    assert (second.inserted, second.updated) == (1, 1)
    assert second.cursor_after == "2026-10-06T10:00:00Z"
    assert rows(
        warehouse,
        "select resolved_at::varchar, _run_id from raw.incidents where incident_id = 'P3'",
    ) == [("2026-10-03 15:00:00+00", "run-2")]
    assert rows(warehouse, "select _run_id from raw.incidents where incident_id = 'P4'") == [
        ("run-1",)
    ]


def test_server_errors_are_retried(pagerduty, warehouse, log) -> None:
    pagerduty.fail_next("/incidents", times=2, status=500)
    report = load(pagerduty, warehouse, log)
    assert report.requests.retries_by_reason == {"server_error": 2}
    assert report.inserted == 5
