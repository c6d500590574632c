"""The resilient HTTP client over real loopback HTTP: pagination, retries with backoff,
timeouts and rate limits, each failure ending in its category."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from platform_assets.ingestion import (
    FailureCategory,
    ResilientHttpClient,
    RetrySettings,
    SourceError,
    link_header_pages,
)
from tests.connectors.fakes.server import FakeApi, RecordedRequest, Response, paginate

FAST = RetrySettings(max_attempts=4, backoff_seconds=0.01, max_backoff_seconds=0.05, jitter=0)


class NumbersApi(FakeApi):
    """``GET /numbers``: 0..9, two per page, with Link headers."""

    def route(self, request: RecordedRequest) -> Response:
        if request.path == "/numbers":
            page, headers = paginate(self, request, list(range(10)), page_size=2)
            return Response.json(page, headers)
        if request.path == "/budget-spent":
            reset = str(int(time.time()) + 1)
            return Response.json([], {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset})
        if request.path == "/not-json":
            return Response(200, b"<html>maintenance</html>")
        return Response(404, b"{}")


@pytest.fixture
def api() -> Iterator[NumbersApi]:
    fake = NumbersApi()
    with fake.running():
        yield fake


def client_for(api: FakeApi, **kwargs: object) -> ResilientHttpClient:
    options: dict = {"retry": FAST, "timeout_seconds": 2.0, **kwargs}
    return ResilientHttpClient(base_url=api.base_url, **options)


def test_follows_link_header_pages_in_order(api: NumbersApi) -> None:
    client = client_for(api)
    pages = list(link_header_pages(client, "/numbers", {"per_page": 2}))
    assert [n for page in pages for n in page] == list(range(10))
    assert [r.param("page") for r in api.requests] == [None, "2", "3", "4", "5"]
    assert api.requests[0].param("per_page") == "2"


def test_retries_server_errors_with_exponential_backoff(api: NumbersApi) -> None:
    delays: list[float] = []
    api.fail_next("/numbers", times=3, status=503)
    client = client_for(api, sleep=delays.append)
    assert client.get_json("/numbers") == [0, 1]
    assert delays == [0.01, 0.02, 0.04]
    assert client.stats.retries == 3
    assert client.stats.retries_by_reason == {"server_error": 3}
    assert client.stats.requests == 4


def test_jitter_spreads_delays_within_bounds(api: NumbersApi) -> None:
    delays: list[float] = []
    api.fail_next("/numbers", times=3, status=502)
    retry = RetrySettings(max_attempts=4, backoff_seconds=1.0, jitter=0.5)
    client_for(api, retry=retry, sleep=delays.append).get("/numbers")
    for attempt, delay in enumerate(delays, start=1):
        base = 2 ** (attempt - 1)
        assert base * 0.5 <= delay <= base * 1.5
    assert len(set(delays)) == 3


def test_honours_retry_after_on_429(api: NumbersApi) -> None:
    api.fail_next("/numbers", status=429, headers={"Retry-After": "1"})
    client = client_for(api)
    started = time.monotonic()
    assert client.get_json("/numbers") == [0, 1]
    assert time.monotonic() - started >= 1.0
    assert client.stats.retries_by_reason == {"rate_limited": 1}
    assert client.stats.waited_seconds == pytest.approx(1.0)


def test_waits_for_rate_limit_reset_on_403(api: NumbersApi) -> None:
    delays: list[float] = []
    reset = int(time.time()) + 2
    api.fail_next(
        "/numbers",
        status=403,
        headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)},
    )
    client = client_for(api, sleep=delays.append)
    assert client.get_json("/numbers") == [0, 1]
    assert len(delays) == 1 and 0 < delays[0] <= 2
    assert client.stats.retries_by_reason == {"rate_limited": 1}


def test_pauses_before_the_next_request_when_the_budget_is_spent(api: NumbersApi) -> None:
    delays: list[float] = []
    client = client_for(api, sleep=delays.append)
    client.get("/budget-spent")
    assert delays == []
    client.get("/numbers")
    assert len(delays) == 1 and 0 < delays[0] <= 1
    assert client.stats.retries == 0


def test_a_rate_limit_longer_than_the_client_waits_fails_at_once(api: NumbersApi) -> None:
    api.fail_next("/numbers", status=429, headers={"Retry-After": "3600"})
    client = client_for(api)
    with pytest.raises(SourceError) as failure:
        client.get("/numbers")
    assert failure.value.category is FailureCategory.RATE_LIMITED
    assert client.stats.requests == 1


def test_retries_a_timeout(api: NumbersApi) -> None:
    api.fail_next("/numbers", status=200, body=b"[0, 1]", delay_seconds=0.6)
    client = client_for(api, timeout_seconds=0.2)
    assert client.get_json("/numbers") == [0, 1]
    assert client.stats.retries_by_reason == {"timeout": 1}


def test_gives_up_with_the_failure_category(api: NumbersApi) -> None:
    api.fail_next("/numbers", times=10, status=500)
    client = client_for(api)
    with pytest.raises(SourceError) as failure:
        client.get("/numbers")
    assert failure.value.category is FailureCategory.SERVER_ERROR
    assert client.stats.requests == FAST.max_attempts


def test_does_not_retry_an_auth_failure(api: NumbersApi) -> None:
    api.fail_next("/numbers", status=401)
    client = client_for(api)
    with pytest.raises(SourceError) as failure:
        client.get("/numbers")
    assert failure.value.category is FailureCategory.AUTH
    assert client.stats.requests == 1


def test_a_body_that_is_not_json_is_a_malformed_payload(api: NumbersApi) -> None:
    with pytest.raises(SourceError) as failure:
        client_for(api).get_json("/not-json")
    assert failure.value.category is FailureCategory.MALFORMED_PAYLOAD
