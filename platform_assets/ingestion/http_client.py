"""An HTTP client for source APIs that survives the usual weather.

Transient failures (5xx, timeouts, dropped connections) are retried with exponential
backoff and jitter; rate limits are honoured as the API states them (``Retry-After`` on
429 and 403, or ``X-RateLimit-Remaining: 0`` with ``X-RateLimit-Reset``), including a
pause before the next request when a successful response says the budget is spent.
Every retry is counted by reason, so the materialization can say what it cost. Delays
come from ``RetrySettings`` and the ``sleep`` callable, so tests run in milliseconds.

The client sends its headers, credentials included, to the origin (scheme, host, port)
of its base URL and nowhere else: every URL, relative, from a ``Link`` header or from a
redirect's ``Location``, is checked before the request goes out. Same-origin redirects
are followed (a few hops at most); any other is refused by name. Every message it raises
passes through its ``Redactor``, so an upstream that echoes the token does not put it in
the logs.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any, Final

import httpx

from platform_assets.ingestion.failure import FailureCategory, SourceError
from platform_assets.ingestion.redaction import Redactor

#: A generous bound on the pages of one listing: a pagination that loops is stopped
#: after this many pages at the latest (the loops also refuse a page already read).
DEFAULT_MAX_PAGES: Final = 10_000
#: Hops of one request; an API redirects once or twice (http to https, a renamed path).
MAX_REDIRECTS: Final = 5
#: Characters of an upstream error body quoted in a failure message.
BODY_EXCERPT_CHARS: Final = 160
_DEFAULT_PORTS: Final = {"http": 80, "https": 443}


@dataclass(frozen=True)
class RetrySettings:
    max_attempts: int = 5
    backoff_seconds: float = 1.0
    max_backoff_seconds: float = 60.0
    #: The delay is drawn uniformly within +/- this fraction of the exponential backoff,
    #: so that many clients failing together do not retry in lockstep.
    jitter: float = 0.5
    #: A rate-limit wait longer than this fails the run (category rate_limited) instead
    #: of holding a worker for, say, an hour.
    max_rate_limit_wait_seconds: float = 900.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if not 0 <= self.jitter <= 1:
            raise ValueError("jitter must be within [0, 1]")


@dataclass
class RequestStats:
    requests: int = 0
    retries: int = 0
    waited_seconds: float = 0.0
    retries_by_reason: Counter[str] = field(default_factory=Counter)

    def copy(self) -> RequestStats:
        return RequestStats(
            self.requests, self.retries, self.waited_seconds, Counter(self.retries_by_reason)
        )

    def since(self, earlier: RequestStats) -> RequestStats:
        """What happened after ``earlier`` was copied."""
        return RequestStats(
            self.requests - earlier.requests,
            self.retries - earlier.retries,
            self.waited_seconds - earlier.waited_seconds,
            self.retries_by_reason - earlier.retries_by_reason,
        )


class _Retry(Exception):
    """Internal: the attempt failed in a way worth retrying."""

    def __init__(
        self,
        category: FailureCategory,
        message: str,
        wait: float | None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.category = category
        self.wait = wait
        self.status = status


def origin(url: httpx.URL) -> str:
    """``scheme://host:port``, the port spelled out even when it is the scheme's default."""
    host = f"[{url.host}]" if ":" in url.host else url.host
    return f"{url.scheme}://{host}:{url.port or _DEFAULT_PORTS.get(url.scheme)}"


class ResilientHttpClient:
    """GET requests against one API (and form POSTs, for an OAuth token endpoint), with
    retries, backoff and rate-limit handling.

    ``max_pages`` bounds every listing the pagination helpers read through this client.
    ``auth`` is for credentials that change during a run (an OAuth bearer token renewed
    on expiry or on a 401): httpx calls it for every request this client sends, so it
    sees only URLs that passed the origin check. ``secrets`` are credentials outside the
    headers (a client secret in a token request's form body), masked like header ones."""

    def __init__(
        self,
        *,
        base_url: str,
        headers: Mapping[str, str] | None = None,
        timeout_seconds: float = 30.0,
        retry: RetrySettings | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
        max_pages: int = DEFAULT_MAX_PAGES,
        auth: httpx.Auth | None = None,
        secrets: Iterable[str] = (),
    ) -> None:
        base = httpx.URL(base_url)
        if not base.is_absolute_url:
            raise SourceError(
                FailureCategory.CONFIGURATION,
                f"API base URL {base_url!r} is not absolute: give scheme and host, "
                "e.g. https://api.example.com",
            )
        if max_pages < 1:
            raise ValueError("max_pages must be at least 1")
        # Redirects are followed by hand (see _attempt): httpx would follow them to any
        # origin, only dropping the Authorization header on the way.
        self._client = httpx.Client(
            base_url=base, headers=dict(headers or {}), timeout=timeout_seconds, auth=auth
        )
        self._origin = origin(base)
        self.redact = Redactor.for_headers(self._client.headers).including(secrets)
        self.max_pages = max_pages
        self._retry = retry or RetrySettings()
        self._sleep = sleep
        self._clock = clock
        self._rng = rng or random.Random()
        self._resume_at: float | None = None
        self.stats = RequestStats()

    def close(self) -> None:
        self._client.close()

    def resolve(self, url: str | httpx.URL, params: Mapping[str, Any] | None = None) -> httpx.URL:
        """The absolute URL a GET of ``url`` requests (a relative one is below the base URL)."""
        return self._client.build_request("GET", url, params=params).url

    def get(self, url: str | httpx.URL, params: Mapping[str, Any] | None = None) -> httpx.Response:
        """The response of a successful GET; raises SourceError once retries are spent
        or at once on a failure that retrying cannot fix (auth, bad request, a URL or a
        redirect outside the API's origin)."""
        return self._with_retries(lambda: self._client.build_request("GET", url, params=params))

    def post_form(self, url: str | httpx.URL, form: Mapping[str, str]) -> httpx.Response:
        """The response of a successful form-encoded POST (an OAuth token request), with
        the same retries, origin checks and failure categories as ``get``."""
        return self._with_retries(lambda: self._client.build_request("POST", url, data=form))

    def _with_retries(self, build: Callable[[], httpx.Request]) -> httpx.Response:
        attempt = 1
        while True:
            self._wait_for_rate_limit_reset()
            try:
                return self._attempt(build())
            except _Retry as retry:
                if attempt >= self._retry.max_attempts:
                    raise SourceError(
                        retry.category,
                        f"{retry} (gave up after {attempt} attempts)",
                        status=retry.status,
                    ) from retry
                delay = retry.wait if retry.wait is not None else self._backoff(attempt)
                self.stats.retries += 1
                self.stats.retries_by_reason[retry.category.value] += 1
                self._pause(delay)
                attempt += 1

    def get_json(self, url: str | httpx.URL, params: Mapping[str, Any] | None = None) -> Any:
        return self.decode_json(self.get(url, params))

    def decode_json(self, response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError as error:
            content_type = response.headers.get("content-type", "no content type")
            raise SourceError(
                FailureCategory.MALFORMED_PAYLOAD,
                f"{self._shown(response.url)} returned a body that is not JSON "
                f"({content_type}, HTTP {response.status_code}): {error}",
            ) from error

    def _attempt(self, request: httpx.Request) -> httpx.Response:
        shown = f"{request.method} {self._shown(request.url)}"
        self._require_origin(request.url, f"{shown}: refused")
        response = self._follow_redirects(self._send(request), shown)
        status = response.status_code
        if status < 300:
            self._note_budget(response)
            return response
        if status < 400:
            raise SourceError(
                FailureCategory.MALFORMED_PAYLOAD,
                f"{shown}: HTTP {status} without a Location to follow",
                status=status,
            )
        if status == 429 or (status == 403 and self._is_rate_limited(response)):
            wait = self._rate_limit_wait(response)
            if wait is not None and wait > self._retry.max_rate_limit_wait_seconds:
                raise SourceError(
                    FailureCategory.RATE_LIMITED,
                    f"{shown}: rate limited for {wait:.0f}s, more than the "
                    f"{self._retry.max_rate_limit_wait_seconds:.0f}s this client waits",
                    status=status,
                )
            raise _Retry(FailureCategory.RATE_LIMITED, f"{shown}: HTTP {status}", wait, status)
        if status >= 500:
            raise _Retry(FailureCategory.SERVER_ERROR, f"{shown}: HTTP {status}", None, status)
        category = FailureCategory.AUTH if status in (401, 403) else FailureCategory.CLIENT_ERROR
        raise SourceError(
            category, f"{shown}: HTTP {status}: {self._excerpt(response)}", status=status
        )

    def _follow_redirects(self, response: httpx.Response, shown: str) -> httpx.Response:
        """The response at the end of same-origin redirects, a few hops at most."""
        hops = 0
        while response.next_request is not None:
            target = response.next_request.url
            if hops == MAX_REDIRECTS:
                raise SourceError(
                    FailureCategory.CONFIGURATION,
                    f"{shown}: more than {MAX_REDIRECTS} redirects, the last to "
                    f"{self._shown(target)}; check the API base URL",
                )
            self._require_origin(
                target,
                f"{shown} was redirected (HTTP {response.status_code}) to "
                f"{self._shown(target)}: refused",
            )
            response = self._send(response.next_request)
            hops += 1
        return response

    def _send(self, request: httpx.Request) -> httpx.Response:
        self.stats.requests += 1
        try:
            return self._client.send(request)
        except httpx.TimeoutException as error:
            message = f"{request.method} {self._shown(request.url)} timed out"
            raise _Retry(FailureCategory.TIMEOUT, message, None) from error
        except httpx.TransportError as error:
            message = self.redact(f"{request.method} {self._shown(request.url)} failed: {error}")
            raise _Retry(FailureCategory.CONNECTION, message, None) from error

    def _require_origin(self, url: httpx.URL, refusal: str) -> None:
        """Refuses, before anything is sent, a URL outside the configured origin."""
        if origin(url) != self._origin:
            raise SourceError(
                FailureCategory.CONFIGURATION,
                f"{refusal}: {origin(url)} is not the configured API origin {self._origin}, "
                "the only one this client sends requests and credentials to. If the API "
                "has moved, set its base URL to the new address",
            )

    def _shown(self, url: httpx.URL) -> str:
        return self.redact(str(url))

    def _excerpt(self, response: httpx.Response) -> str:
        """The start of the body on one line, credentials masked before it is cut so that
        no part of one survives the cut."""
        text = self.redact(" ".join(response.text.split()))
        if len(text) <= BODY_EXCERPT_CHARS:
            return text
        return text[:BODY_EXCERPT_CHARS] + "..."

    @staticmethod
    def _is_rate_limited(response: httpx.Response) -> bool:
        headers = response.headers
        return "retry-after" in headers or headers.get("x-ratelimit-remaining") == "0"

    def _rate_limit_wait(self, response: httpx.Response) -> float | None:
        """Seconds the API asks us to wait, or None to fall back on backoff."""
        retry_after = response.headers.get("retry-after")
        if retry_after is not None:
            try:
                return max(0.0, float(retry_after))
            except ValueError:
                try:
                    return max(0.0, parsedate_to_datetime(retry_after).timestamp() - self._clock())
                except (TypeError, ValueError):
                    return None
        reset = self._reset_time(response)
        return None if reset is None else max(0.0, reset - self._clock())

    @staticmethod
    def _reset_time(response: httpx.Response) -> float | None:
        if response.headers.get("x-ratelimit-remaining") != "0":
            return None
        try:
            return float(response.headers["x-ratelimit-reset"])
        except (KeyError, ValueError):
            return None

    def _note_budget(self, response: httpx.Response) -> None:
        """A success that spends the last request of the budget: pause before the next."""
        self._resume_at = self._reset_time(response)

    def _wait_for_rate_limit_reset(self) -> None:
        if self._resume_at is None:
            return
        wait = self._resume_at - self._clock()
        self._resume_at = None
        if wait <= 0:
            return
        if wait > self._retry.max_rate_limit_wait_seconds:
            raise SourceError(
                FailureCategory.RATE_LIMITED,
                f"request budget spent; it resets in {wait:.0f}s, more than the "
                f"{self._retry.max_rate_limit_wait_seconds:.0f}s this client waits",
            )
        self._pause(wait)

    def _backoff(self, attempt: int) -> float:
        base = min(
            self._retry.max_backoff_seconds, self._retry.backoff_seconds * 2 ** (attempt - 1)
        )
        spread = self._retry.jitter * (2 * self._rng.random() - 1)
        return max(0.0, base * (1 + spread))

    def _pause(self, seconds: float) -> None:
        self.stats.waited_seconds += seconds
        self._sleep(seconds)
