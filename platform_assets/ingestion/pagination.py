"""The two pagination styles of the supported APIs, over a ResilientHttpClient.

Both are lazy: a caller that has seen enough (records older than its cursor) stops
iterating and no further page is requested.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from platform_assets.ingestion.failure import FailureCategory, SourceError
from platform_assets.ingestion.http_client import ResilientHttpClient


def link_header_pages(
    client: ResilientHttpClient, path: str, params: Mapping[str, Any] | None = None
) -> Iterator[Any]:
    """Each page's JSON, following ``Link: <...>; rel="next"`` (GitHub) until there is
    none. The next URL carries its own query string, so params apply to the first page."""
    url: str | None = path
    page_params: Mapping[str, Any] | None = params
    while url is not None:
        response = client.get(url, page_params)
        yield client.decode_json(response)
        next_link = response.links.get("next")
        url = next_link.get("url") if next_link else None
        page_params = None


def offset_pages(
    client: ResilientHttpClient,
    path: str,
    items_key: str,
    params: Mapping[str, Any] | None = None,
    limit: int = 100,
) -> Iterator[list[Any]]:
    """Each page's items, by ``offset``/``limit`` while the response says ``more``
    (PagerDuty's classic pagination)."""
    offset = 0
    while True:
        payload = client.get_json(path, {**(params or {}), "offset": offset, "limit": limit})
        if not isinstance(payload, dict) or not isinstance(payload.get(items_key), list):
            raise SourceError(
                FailureCategory.MALFORMED_PAYLOAD,
                f"{path} returned no {items_key!r} list at offset {offset}",
            )
        items = payload[items_key]
        yield items
        if not payload.get("more") or not items:
            return
        offset += len(items)
