"""The PagerDuty connector over real HTTP against a local server speaking its incidents
API: offset/limit/more pagination and its faults, the token header, incremental pulls
that re-read a look-back window for changes the creation-time cursor cannot see."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import dagster as dg
import pytest

from platform_assets.domains.dora.raw_schemas import RAW_CONTRACTS
from platform_assets.domains.dora.sources import dora_source_from_env
from platform_assets.ingestion import (
    FailureCategory,
    IngestionFailed,
    IngestionReport,
    ResilientHttpClient,
    SourceError,
    ingest,
)
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


SETTINGS = PagerDutySettings(service_ids=("PSVC1",))


def load(
    pagerduty: FakePagerDuty,
    warehouse,
    log,
    run_id: str = "run-1",
    settings: PagerDutySettings = SETTINGS,
) -> IngestionReport:
    client = ResilientHttpClient(
        base_url=pagerduty.base_url, headers=auth_headers("test-token"), retry=FAST_RETRY
    )
    try:
        connector = PagerDutyConnector(client, settings)
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
    no_lookback = PagerDutySettings(service_ids=("PSVC1",), lookback=timedelta(0))
    first = load(pagerduty, warehouse, log, settings=no_lookback)
    assert first.cursor_after == "2026-10-03T10:00:00Z"
    pagerduty.incidents[2] = incident(
        "P3", "2026-10-03T10:00:00Z", resolved_at="2026-10-03T15:00:00Z"
    )
    pagerduty.incidents.append(
        incident("P6", "2026-10-06T10:00:00Z", resolved_at="2026-10-06T11:00:00Z")
    )
    pagerduty.requests.clear()

    second = load(pagerduty, warehouse, log, run_id="run-2", settings=no_lookback)

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


def test_a_retitled_incident_before_the_cursor_is_read_again(pagerduty, warehouse, log) -> None:
    # The default look-back: 30 days before the cursor.
    first = load(pagerduty, warehouse, log)
    assert first.cursor_after == "2026-10-03T10:00:00Z"
    retitled = incident("P1", "2026-10-01T10:00:00Z", resolved_at="2026-10-01T11:00:00Z")
    retitled["title"] = "Checkout down: card payments refused"
    pagerduty.incidents[0] = retitled
    pagerduty.requests.clear()

    second = load(pagerduty, warehouse, log, run_id="run-2")

    assert pagerduty.requests[0].param("since") == "2026-09-03T10:00:00Z"
    assert (second.inserted, second.updated) == (0, 1)
    assert second.cursor_after == "2026-10-03T10:00:00Z"
    assert rows(warehouse, "select title, _run_id from raw.incidents where incident_id = 'P1'") == [
        ("Checkout down: card payments refused", "run-2")
    ]


def test_an_empty_page_that_says_more_fails_loudly(pagerduty, warehouse, log) -> None:
    pagerduty.empty_pages_at = {2}
    with pytest.raises(IngestionFailed) as failure:
        load(pagerduty, warehouse, log)
    assert failure.value.report.failure_category is FailureCategory.MALFORMED_PAYLOAD
    assert "more incidents after offset 2" in str(failure.value)
    assert rows(
        warehouse, "select count(*) from information_schema.tables where table_schema = 'raw'"
    ) == [(0,)]


def test_an_api_that_ignores_the_offset_fails_loudly(pagerduty, warehouse, log) -> None:
    # The first page and "more" on every request (then, so that an unguarded client ends
    # its loop, the right pages): a guard must stop at the second answer.
    pagerduty.offset_ignored_times = 3
    with pytest.raises(IngestionFailed) as failure:
        load(pagerduty, warehouse, log)
    assert failure.value.report.failure_category is FailureCategory.MALFORMED_PAYLOAD
    assert "the page at offset 2 repeats the page at offset 0" in str(failure.value)
    assert [r.param("offset") for r in pagerduty.requests] == ["0", "2"]


def test_the_environment_sets_the_lookback_and_the_page_bound(pagerduty, monkeypatch) -> None:
    monkeypatch.setenv("PLATFORM_DORA_INCIDENT_SOURCE", "pagerduty")
    monkeypatch.setenv("PLATFORM_PAGERDUTY_API_URL", pagerduty.base_url)
    monkeypatch.setenv("PLATFORM_PAGERDUTY_LOOKBACK_DAYS", "7")
    monkeypatch.setenv("PLATFORM_HTTP_MAX_PAGES", "2")
    with (
        dg.build_resources({"dora_source": dora_source_from_env()}) as resources,
        resources.dora_source.open_connector("incidents") as connector,
    ):
        list(connector.extract("incidents", "2026-10-11T10:00:00Z"))
        assert pagerduty.requests[0].param("since") == "2026-10-04T10:00:00Z"
        with pytest.raises(SourceError) as failure:
            list(connector.extract("incidents", None))
    assert "more than 2 pages" in str(failure.value)
    assert "PLATFORM_HTTP_MAX_PAGES" in str(failure.value)
