"""The resilient HTTP client over real loopback HTTP: pagination, retries with backoff,
timeouts and rate limits, each failure ending in its category; redirects and links
followed within the configured origin only; credentials kept out of its messages."""

from __future__ import annotations

import time
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from platform_assets.ingestion import (
    FailureCategory,
    ResilientHttpClient,
    RetrySettings,
    SourceError,
    link_header_pages,
)
from tests.connectors.fakes.server import (
    FakeApi,
    OtherOriginApi,
    RecordedRequest,
    Response,
    echoed_credentials,
    page_url,
    paginate,
)

FAST = RetrySettings(max_attempts=4, backoff_seconds=0.01, max_backoff_seconds=0.05, jitter=0)
#: Characters that URL encoding changes, so that the encoded echo is a different string.
TOKEN = "s3cr3t/T0ken+for=tests"


class NumbersApi(FakeApi):
    """``GET /numbers``: 0..9, two per page, with Link headers; redirects to them; an
    error that echoes the credentials it was sent."""

    #: The base URL of another origin, for redirects that leave this one.
    elsewhere = ""

    def route(self, request: RecordedRequest) -> Response:
        if request.path == "/numbers":
            page, headers = paginate(self, request, list(range(10)), page_size=2)
            return Response.json(page, headers)
        if request.path == "/moved":
            return Response.redirect("/numbers", status=301)
        if request.path == "/moved-twice":
            return Response.redirect(f"{self.base_url}/moved", status=307)
        if request.path == "/moved-away":
            return Response.redirect(f"{self.elsewhere}/numbers")
        if request.path == "/moved-in-circles":
            return Response.redirect("/moved-in-circles")
        if request.path == "/echo-credentials":
            return echoed_credentials(request)
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


def test_a_same_origin_redirect_is_followed(api: NumbersApi) -> None:
    client = client_for(api)
    assert client.get_json("/moved") == [0, 1]
    assert client.get_json("/moved-twice") == [0, 1]
    assert [r.path for r in api.requests] == [
        "/moved",
        "/numbers",
        "/moved-twice",
        "/moved",
        "/numbers",
    ]


def test_a_redirect_to_another_origin_is_refused_by_name(
    api: NumbersApi, elsewhere: OtherOriginApi
) -> None:
    api.elsewhere = elsewhere.base_url
    client = client_for(api, headers={"Authorization": f"Bearer {TOKEN}"})
    with pytest.raises(SourceError) as failure:
        client.get("/moved-away")
    assert failure.value.category is FailureCategory.CONFIGURATION
    message = str(failure.value)
    assert "redirected (HTTP 302)" in message
    assert elsewhere.base_url in message and api.base_url in message
    assert elsewhere.requests == []
    assert client.stats.requests == 1


def test_a_redirect_loop_fails_after_a_few_hops(api: NumbersApi) -> None:
    client = client_for(api)
    with pytest.raises(SourceError) as failure:
        client.get("/moved-in-circles")
    assert failure.value.category is FailureCategory.CONFIGURATION
    assert "redirects" in str(failure.value)
    assert 1 < len(api.requests) <= 10


def test_a_link_header_to_another_origin_is_refused_before_any_request(
    api: NumbersApi, elsewhere: OtherOriginApi
) -> None:
    api.rewrite_next_link = lambda request, url: (
        url and url.replace(api.base_url, elsewhere.base_url)
    )
    client = client_for(api, headers={"Authorization": f"Bearer {TOKEN}"})
    read: list[int] = []
    with pytest.raises(SourceError) as failure:
        for page in link_header_pages(client, "/numbers", {"per_page": 2}):
            read.extend(page)
    assert failure.value.category is FailureCategory.CONFIGURATION
    assert elsewhere.base_url in str(failure.value)
    assert elsewhere.requests == []
    assert read == [0, 1]


def test_a_link_header_back_to_a_page_already_read_fails(api: NumbersApi) -> None:
    def back_to_page_two(request: RecordedRequest, url: str | None) -> str | None:
        # Twice, then the proper link: without a guard the pages repeat and all "succeeds".
        looped = sum(r.param("page") == "2" for r in api.requests) <= 2
        return page_url(api, request) if request.param("page") == "2" and looped else url

    api.rewrite_next_link = back_to_page_two
    with pytest.raises(SourceError) as failure:
        list(link_header_pages(client_for(api), "/numbers", {"per_page": 2}))
    assert failure.value.category is FailureCategory.MALFORMED_PAYLOAD
    assert "page=2" in str(failure.value) and "already read" in str(failure.value)
    assert [r.param("page") for r in api.requests] == [None, "2"]


def test_pagination_stops_loudly_at_the_page_bound(api: NumbersApi) -> None:
    client = client_for(api, max_pages=3)
    read: list[int] = []
    with pytest.raises(SourceError) as failure:
        for page in link_header_pages(client, "/numbers", {"per_page": 2}):
            read.extend(page)
    assert "more than 3 pages" in str(failure.value)
    assert read == [0, 1, 2, 3, 4, 5]
    assert len(api.requests) == 3


def test_an_echoed_credential_is_kept_out_of_the_error(api: NumbersApi) -> None:
    client = client_for(api, headers={"Authorization": f"Bearer {TOKEN}"})
    with pytest.raises(SourceError) as failure:
        client.get("/echo-credentials")
    assert api.requests[0].headers["Authorization"] == f"Bearer {TOKEN}"
    chain: list[BaseException] = []
    error: BaseException | None = failure.value
    while error is not None:
        chain.append(error)
        error = error.__cause__ or error.__context__
    messages = " | ".join(str(e) for e in chain)
    for form in (TOKEN, quote(TOKEN, safe=""), "s3cr3t"):
        assert form not in messages
    assert failure.value.category is FailureCategory.AUTH
    assert failure.value.status == 401
    assert f"GET {api.base_url}/echo-credentials: HTTP 401: " in str(failure.value)
    assert "Bad credentials" in str(failure.value) and "[REDACTED]" in str(failure.value)


def test_a_base_url_without_scheme_is_a_configuration_error() -> None:
    with pytest.raises(SourceError) as failure:
        ResilientHttpClient(base_url="api.github.com")
    assert failure.value.category is FailureCategory.CONFIGURATION
    assert "'api.github.com' is not absolute" in str(failure.value)
