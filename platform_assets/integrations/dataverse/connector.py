"""The Dynamics 365 / Dataverse Web API as a Connector for ``crm_contacts`` and
``crm_accounts``.

A first read lists the whole table with change tracking on (``Prefer:
odata.track-changes``), page by page along ``@odata.nextLink``; its last page carries an
``@odata.deltaLink``, which becomes the cursor. A later read GETs the delta link: the
rows changed since, and ``$deletedEntity`` entries for the rows deleted since, which go
to ``RecordBatch.deleted_keys``. A delta link Dataverse no longer honours (``410 Gone``,
change tracking re-enabled or the token too old) means a re-baseline: a full read again.

Every full read carries ``SnapshotScope()`` (the whole table of this source): it is the
complete set of rows, so a row it does not return was deleted at the source, whether
the deletion fell in a lost delta or the cursor was reset by hand. Each page is one
batch and only the last one carries the new cursor, so a failure half-way keeps the old.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Any, Final

import httpx

from platform_assets.ingestion import (
    FailureCategory,
    RecordBatch,
    RequestStats,
    ResilientHttpClient,
    SnapshotScope,
    SourceError,
)
from platform_assets.ingestion.cursor_checks import json_object, quoted
from platform_assets.ingestion.pagination import body_link_pages
from platform_assets.integrations.dataverse.records import TABLES, DataverseTable, shape_page
from platform_assets.integrations.dataverse.settings import DataverseSettings
from platform_assets.integrations.dataverse.token import BearerAuth, ClientCredentials

SOURCE: Final = "dataverse"
NEXT_LINK: Final = "@odata.nextLink"
DELTA_LINK: Final = "@odata.deltaLink"
#: The HTTP status of a delta link Dataverse no longer honours.
GONE: Final = 410

_log = logging.getLogger(__name__)


class DataverseConnector:
    """Opens two clients (the token endpoint's, the API's); close it, or use it as a
    context manager, which a source registry's factory may return as it is."""

    source_id = SOURCE
    entities = frozenset(TABLES)

    def __init__(
        self,
        settings: DataverseSettings,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._token_client = ResilientHttpClient(
            base_url=settings.token_url,
            timeout_seconds=settings.timeout_seconds,
            retry=settings.retry,
            sleep=sleep,
            secrets=(settings.client_secret,),
        )
        credentials = ClientCredentials(
            self._token_client,
            token_url=settings.token_url,
            client_id=settings.client_id,
            client_secret=settings.client_secret,
            scope=settings.scope,
            clock=clock,
        )
        self._api = ResilientHttpClient(
            base_url=settings.api_url,
            headers={
                "Accept": "application/json",
                "OData-MaxVersion": "4.0",
                "OData-Version": "4.0",
                "Prefer": f"odata.maxpagesize={settings.page_size}, odata.track-changes",
            },
            timeout_seconds=settings.timeout_seconds,
            retry=settings.retry,
            sleep=sleep,
            max_pages=settings.max_pages,
            auth=BearerAuth(credentials, self._mask),
        )
        #: Re-baselines (a delta link answered 410 Gone) per entity, since this opened.
        self.rebaselines: Counter[str] = Counter()

    def __enter__(self) -> DataverseConnector:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._api.close()
        self._token_client.close()

    @property
    def request_stats(self) -> RequestStats:
        """The requests of both clients: token requests are part of what a read cost."""
        api, token = self._api.stats, self._token_client.stats
        return RequestStats(
            api.requests + token.requests,
            api.retries + token.retries,
            api.waited_seconds + token.waited_seconds,
            api.retries_by_reason + token.retries_by_reason,
        )

    def extract(self, entity: str, cursor: str | None) -> Iterator[RecordBatch]:
        table = TABLES.get(entity)
        if table is None:
            raise SourceError(
                FailureCategory.CONFIGURATION,
                f"Dataverse provides {', '.join(sorted(TABLES))}, not {entity!r}",
            )
        if cursor is None:
            yield from self._full_read(table)
            return
        problem = self.check_cursor(entity, cursor)
        if problem is not None:
            raise SourceError(
                FailureCategory.CONFIGURATION,
                f"{problem}; run with full_refresh: true to re-read in full",
            )
        try:
            yield from self._read(table, json.loads(cursor)["delta_link"], snapshot=None)
        except SourceError as error:
            if error.status != GONE:
                raise
            self.rebaselines[entity] += 1
            _log.warning(
                "dataverse: the delta link of %s answered 410 Gone; re-baselining with a "
                "full read, rows it does not return are soft-deleted",
                table.name,
            )
            yield from self._full_read(table)

    def check_cursor(self, entity: str, cursor: str) -> str | None:
        """A cursor is ``{"delta_link": URL}``, the URL a delta link of this entity's
        table below the configured API: a link for another table would land its rows
        here, and one for another host would send the bearer token there."""
        table = TABLES.get(entity)
        parsed, problem = json_object(cursor, what="the Dataverse cursor")
        if parsed is None or table is None:
            return problem
        link = parsed.get("delta_link")
        if not isinstance(link, str) or not link:
            return f"the Dataverse cursor {quoted(cursor)} has no delta_link"
        expected = httpx.URL(str(self._api.resolve(table.name)))
        url = httpx.URL(link)
        if (url.scheme, url.host, url.port) != (expected.scheme, expected.host, expected.port):
            return f"the Dataverse delta link {quoted(link)} is not on {expected.host}"
        if url.path != expected.path:
            return (
                f"the Dataverse delta link {quoted(link)} is for {url.path}, "
                f"not {entity}'s table {expected.path}"
            )
        if "$deltatoken" not in url.params:
            return f"the Dataverse delta link {quoted(link)} carries no $deltatoken"
        return None

    def _full_read(self, table: DataverseTable) -> Iterator[RecordBatch]:
        url = self._api.resolve(table.name, {"$select": table.select})
        yield from self._read(table, str(url), snapshot=SnapshotScope())

    def _read(
        self, table: DataverseTable, url: str, snapshot: SnapshotScope | None
    ) -> Iterator[RecordBatch]:
        for number, page in enumerate(body_link_pages(self._api, url, NEXT_LINK), start=1):
            items = page.get("value")
            if not isinstance(items, list):
                raise SourceError(
                    FailureCategory.MALFORMED_PAYLOAD,
                    f"page {number} of {table.name} has no 'value' list",
                )
            shaped = shape_page(table, items, f"{table.name} page {number}")
            yield RecordBatch(
                records=shaped.records,
                cursor=self._cursor(table, page),
                rejected=shaped.rejected,
                deleted_keys=shaped.deleted_keys,
                snapshot=snapshot,
            )

    @staticmethod
    def _cursor(table: DataverseTable, page: dict[str, Any]) -> str | None:
        """The delta link of the last page; None on the others (and on a last page
        without one: change tracking is off for the table, so every read is full)."""
        if page.get(NEXT_LINK):
            return None
        delta = page.get(DELTA_LINK)
        if not isinstance(delta, str) or not delta:
            _log.warning(
                "dataverse: %s returned no delta link; enable change tracking on the table, "
                "until then every read is a full one",
                table.name,
            )
            return None
        return json.dumps({"delta_link": delta})

    def _mask(self, token: str) -> None:
        """Masks a new bearer token in the API client's messages from now on."""
        self._api.redact = self._api.redact.including((token,))
