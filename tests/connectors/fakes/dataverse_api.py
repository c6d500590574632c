"""Local servers speaking the parts of the Dataverse Web API and of Azure's token
endpoint that the Dataverse connector uses, over tables a test fills and changes.

Two fakes on two ports, two origins, as in Azure: ``FakeTokenEndpoint`` issues bearer
tokens for form-encoded client credentials; ``FakeDataverse`` serves ``contacts`` and
``accounts`` to those tokens, pages by ``Prefer: odata.maxpagesize`` along
``@odata.nextLink``, and under ``odata.track-changes`` ends a listing with an
``@odata.deltaLink`` whose token is the change version it was read at. A test can
revoke tokens (401), expire delta links (410), and change or delete rows between reads.
"""

from __future__ import annotations

import json
import re
from itertools import count
from typing import Any, Final
from urllib.parse import urlencode

from tests.connectors.fakes.server import FakeApi, RecordedRequest, Response

TOKEN_PATH: Final = "/tenant/oauth2/v2.0/token"
API_PATH: Final = "/api/data/v9.2/"
KEYS: Final = {"contacts": "contactid", "accounts": "accountid"}


class FakeTokenEndpoint(FakeApi):
    """Client credentials grant; a wrong secret is refused with a body that quotes it,
    as a careless proxy might, so tests see that it stays out of the errors."""

    def __init__(self, client_id: str, client_secret: str, expires_in: int = 3599) -> None:
        super().__init__()
        self.client_id = client_id
        self.client_secret = client_secret
        self.expires_in = expires_in
        self.valid_tokens: set[str] = set()
        self._numbers = count(1)

    @property
    def token_url(self) -> str:
        return self.base_url + TOKEN_PATH

    def revoke_tokens(self) -> None:
        """Every token issued so far is refused from now on (before it expires)."""
        self.valid_tokens.clear()

    def route(self, request: RecordedRequest) -> Response:
        if request.path != TOKEN_PATH or request.method != "POST":
            return Response(404, b'{"error": "not_found"}')
        form = request.form()
        if form.get("grant_type") != "client_credentials":
            return _error(400, "unsupported_grant_type", "only client_credentials")
        if (form.get("client_id"), form.get("client_secret")) != (
            self.client_id,
            self.client_secret,
        ):
            sent = form.get("client_secret", "")
            return _error(401, "invalid_client", f"Invalid client secret provided: {sent}")
        token = f"dv-token-{next(self._numbers)}"
        self.valid_tokens.add(token)
        body = {"token_type": "Bearer", "expires_in": self.expires_in, "access_token": token}
        return Response.json(body)


class FakeDataverse(FakeApi):
    """The ``contacts`` and ``accounts`` tables, with change tracking."""

    def __init__(self, tokens: FakeTokenEndpoint) -> None:
        super().__init__()
        self.tokens = tokens
        self.tables: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in KEYS}
        #: Items served after the rows of a full read, whatever they are (a malformed row).
        self.extra_items: dict[str, list[Any]] = {name: [] for name in KEYS}
        #: (version, table, id) of every change, in order.
        self.changes: list[tuple[int, str, str]] = []
        self.version = 0
        #: Delta tokens below this are answered 410 Gone.
        self.oldest_delta_version = 0
        #: Off: ``odata.track-changes`` is ignored, as for a table without change tracking.
        self.change_tracking = True
        #: Where next links point instead of this server (another origin), when set.
        self.link_base: str | None = None
        #: On: every page is the first one, whatever ``$skiptoken`` asks for.
        self.ignore_skiptoken = False

    @property
    def url(self) -> str:
        """The organisation URL (the API is below it)."""
        return self.base_url

    def upsert(self, table: str, row: dict[str, Any]) -> None:
        key = row[KEYS[table]]
        self.version += 1
        self.tables[table][key] = {**self.tables[table].get(key, {}), **row}
        self.changes.append((self.version, table, key))

    def delete(self, table: str, key: str) -> None:
        self.version += 1
        del self.tables[table][key]
        self.changes.append((self.version, table, key))

    def expire_delta_links(self) -> None:
        """Every delta link handed out so far answers 410 Gone."""
        self.oldest_delta_version = self.version + 1

    def route(self, request: RecordedRequest) -> Response:
        if request.headers.get("Authorization", "").removeprefix("Bearer ") not in (
            self.tokens.valid_tokens
        ):
            return _odata_error(401, "0x80072560", "The user is not a member of the organization.")
        table = request.path.removeprefix(API_PATH)
        if not request.path.startswith(API_PATH) or table not in KEYS:
            return _odata_error(404, "0x80060888", f"Resource not found for {request.path}")
        delta = request.param("$deltatoken")
        if delta is not None and int(delta) < self.oldest_delta_version:
            return _odata_error(410, "0x80044352", "The delta token has expired.")
        items = self._rows(table, request) if delta is None else self._delta(table, int(delta))
        if delta is None:
            items += self.extra_items[table]
        return self._page(table, request, items)

    def _rows(self, table: str, request: RecordedRequest) -> list[Any]:
        select = (request.param("$select") or "").split(",")
        rows = sorted(self.tables[table].items())
        return [_selected(row, select, KEYS[table]) for _, row in rows]

    def _delta(self, table: str, since: int) -> list[Any]:
        """The rows changed after version ``since`` as they are now; the ones deleted
        since as ``$deletedEntity`` entries."""
        changed = sorted({key for version, name, key in self.changes
                          if name == table and version > since})  # fmt: skip
        items: list[Any] = []
        for key in changed:
            row = self.tables[table].get(key)
            if row is None:
                context = f"{self.base_url}{API_PATH}$metadata#{table}/$deletedEntity"
                items.append({"@odata.context": context, "id": key, "reason": "deleted"})
            else:
                items.append({"@odata.etag": f'W/"{self.version}"', **row})
        return items

    def _page(self, table: str, request: RecordedRequest, items: list[Any]) -> Response:
        prefer = request.headers.get("Prefer", "")
        size_match = re.search(r"odata\.maxpagesize=(\d+)", prefer)
        size = int(size_match.group(1)) if size_match else 5000
        offset = int(request.param("$skiptoken") or 0)
        skip = 0 if self.ignore_skiptoken else offset
        query = {name: values[0] for name, values in request.query.items()}
        body: dict[str, Any] = {
            "@odata.context": f"{self.base_url}{API_PATH}$metadata#{table}",
            "value": items[skip : skip + size],
        }
        link = f"{self.link_base or self.base_url}{request.path}?"
        if skip + size < len(items):
            body["@odata.nextLink"] = link + urlencode({**query, "$skiptoken": offset + size})
        elif self.change_tracking and "odata.track-changes" in prefer:
            query.pop("$skiptoken", None)
            body["@odata.deltaLink"] = link + urlencode({**query, "$deltatoken": self.version})
        return Response.json(body)


def _selected(row: dict[str, Any], select: list[str], key: str) -> dict[str, Any]:
    """What ``$select`` asks for, as Dataverse answers it: the key always, and an etag."""
    chosen = {name: row.get(name) for name in select if name}
    return {"@odata.etag": 'W/"1"', key: row.get(key), **chosen}


def _error(status: int, code: str, description: str) -> Response:
    body = {"error": code, "error_description": description}
    return Response(status, json.dumps(body).encode(), {"Content-Type": "application/json"})


def _odata_error(status: int, code: str, message: str) -> Response:
    body = {"error": {"code": code, "message": message}}
    return Response(status, json.dumps(body).encode(), {"Content-Type": "application/json"})


def contact(contactid: str, **fields: Any) -> dict[str, Any]:
    """A contact row as Dataverse sends it (the lookup as ``_parentcustomerid_value``)."""
    return {
        "contactid": contactid,
        "firstname": "Ada",
        "lastname": "Lovelace",
        "emailaddress1": f"{contactid}@example.com",
        "telephone1": "+44 20 7946 0000",
        "mobilephone": None,
        "address1_line1": "1 Analytical Row",
        "address1_city": "London",
        "address1_postalcode": "SW1A 1AA",
        "address1_country": "United Kingdom",
        "birthdate": "1815-12-10",
        "createdon": "2024-01-02T09:00:00Z",
        "modifiedon": "2024-03-04T10:30:00Z",
        "statecode": 0,
        "_parentcustomerid_value": None,
        **fields,
    }


def account(accountid: str, **fields: Any) -> dict[str, Any]:
    return {
        "accountid": accountid,
        "name": "Analytical Engines Ltd",
        "emailaddress1": "hello@example.com",
        "telephone1": "+44 20 7946 0001",
        "address1_line1": "2 Difference Street",
        "address1_city": "London",
        "address1_postalcode": "EC1A 1BB",
        "address1_country": "GB",
        "createdon": "2023-05-06T07:08:09Z",
        "modifiedon": "2024-02-03T04:05:06Z",
        "statecode": 0,
        **fields,
    }
