"""The pagination styles of the supported APIs, over a ResilientHttpClient.

Both are lazy: a caller that has seen enough (records older than its cursor) stops
iterating and no further page is requested.

Both are guarded against a pagination that never ends, which would otherwise run until
something else stops it and, if that something is an empty page, end green with rows
missing: a link back to a page already read, a page that repeats an earlier one (an API
that ignores the offset or page asked for), ``more`` without items, and more pages than
the client's ``max_pages`` all fail the listing loudly.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import httpx

from platform_assets.ingestion.failure import FailureCategory, SourceError
from platform_assets.ingestion.http_client import ResilientHttpClient


class _PageGuard:
    """Counts the pages of one listing and remembers where each was read and what it held.

    ``shown`` turns a position into what a message may show, for positions compared as
    they are but shown redacted (a redactor masks ``skiptoken=`` values as token-shaped,
    so two pages' redacted URLs can be equal)."""

    def __init__(self, listing: str, max_pages: int, shown: Callable[[str], str] = str) -> None:
        self._listing = listing
        self._max_pages = max_pages
        self._shown = shown
        self._positions: set[str] = set()
        self._contents: dict[str, str] = {}

    def before(self, position: str) -> None:
        """Called before the page at ``position`` (a URL, an offset) is requested."""
        if position in self._positions:
            self._fail(f"pagination points back at {self._shown(position)}, a page already read")
        if len(self._positions) >= self._max_pages:
            self._fail(
                f"more than {self._max_pages} pages, the bound of one listing; if the "
                "source really is this large, raise PLATFORM_HTTP_MAX_PAGES"
            )
        self._positions.add(position)

    def after(self, position: str, items: Any) -> None:
        """Called with what the page at ``position`` held."""
        digest = hashlib.sha256(json.dumps(items, sort_keys=True).encode()).hexdigest()
        earlier = self._contents.setdefault(digest, position)
        if earlier != position:
            self._fail(
                f"the page at {self._shown(position)} repeats the page at "
                f"{self._shown(earlier)}: the API does not "
                "honour the page asked for"
            )

    def _fail(self, why: str) -> None:
        raise SourceError(
            FailureCategory.MALFORMED_PAYLOAD,
            f"{self._listing}: {why}; stopped after {len(self._positions)} pages rather "
            "than loop or miss records",
        )


def link_header_pages(
    client: ResilientHttpClient, path: str, params: Mapping[str, Any] | None = None
) -> Iterator[Any]:
    """Each page's JSON, following ``Link: <...>; rel="next"`` (GitHub) until there is
    none. The next URL carries its own query string, so params apply to the first page;
    a relative one is resolved against the page that announced it."""
    guard = _PageGuard(path, client.max_pages)
    url = client.resolve(path, params)
    while True:
        position = client.redact(str(url))
        guard.before(position)
        response = client.get(url)
        page = client.decode_json(response)
        guard.after(position, page)
        yield page
        next_link = response.links.get("next")
        if not next_link or not next_link.get("url"):
            return
        url = response.url.join(next_link["url"])


def offset_pages(
    client: ResilientHttpClient,
    path: str,
    items_key: str,
    params: Mapping[str, Any] | None = None,
    limit: int = 100,
) -> Iterator[list[Any]]:
    """Each page's items, by ``offset``/``limit`` while the response says ``more``
    (PagerDuty's classic pagination)."""
    guard = _PageGuard(path, client.max_pages)
    offset = 0
    while True:
        position = f"offset {offset}"
        guard.before(position)
        payload = client.get_json(path, {**(params or {}), "offset": offset, "limit": limit})
        if not isinstance(payload, dict) or not isinstance(payload.get(items_key), list):
            raise SourceError(
                FailureCategory.MALFORMED_PAYLOAD,
                f"{path} returned no {items_key!r} list at offset {offset}",
            )
        items = payload[items_key]
        more = bool(payload.get("more"))
        if more and not items:
            raise SourceError(
                FailureCategory.MALFORMED_PAYLOAD,
                f"{path} says there are more {items_key} after offset {offset} but returned "
                "none: stopped rather than miss them",
            )
        guard.after(position, items)
        yield items
        if not more:
            return
        offset += len(items)


def body_link_pages(
    client: ResilientHttpClient, url: str | httpx.URL, next_link_key: str
) -> Iterator[Any]:
    """Each page's JSON object, following the next page's URL that the body itself holds
    under ``next_link_key`` (OData's ``@odata.nextLink``) until a page has none. The
    caller reads what the last page says besides (OData's ``@odata.deltaLink``). A page
    is compared with the earlier ones without its next link, which differs even when an
    API ignores the page asked for."""
    guard = _PageGuard(client.redact(str(url)), client.max_pages, client.redact)
    next_url = client.resolve(url)
    while True:
        position = str(next_url)
        guard.before(position)
        response = client.get(next_url)
        page = client.decode_json(response)
        if not isinstance(page, dict):
            raise SourceError(
                FailureCategory.MALFORMED_PAYLOAD,
                f"{client.redact(position)} returned {type(page).__name__}, expected a JSON object",
            )
        guard.after(position, {k: v for k, v in page.items() if k != next_link_key})
        yield page
        link = page.get(next_link_key)
        if not link:
            return
        next_url = response.url.join(str(link))
