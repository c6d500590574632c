"""OAuth 2 client credentials for the Dataverse Web API (RFC 6749, section 4.4).

The token endpoint is another origin than the API (Azure's login.microsoftonline.com),
so it has a client of its own whose only origin is the configured token URL: the client
secret goes there and nowhere else, and the bearer token goes only to the API's origin.

The bearer token is an ``httpx.Auth``, httpx's hook for credentials that change during a
session: it is cached until shortly before ``expires_in``, and a 401 on a data request
(a token revoked early) renews it once and sends the request again.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Final

import httpx

from platform_assets.ingestion import FailureCategory, ResilientHttpClient, SourceError
from platform_assets.integrations.dataverse.settings import CLIENT_ID_ENV, CLIENT_SECRET_ENV

#: A token is renewed this long before it expires (at most half its lifetime), so that a
#: request sent just before expiry does not arrive just after it.
EXPIRY_MARGIN_SECONDS: Final = 60.0


class ClientCredentials:
    """Bearer tokens from the token endpoint, cached until shortly before they expire."""

    def __init__(
        self,
        client: ResilientHttpClient,
        *,
        token_url: str,
        client_id: str,
        client_secret: str,
        scope: str,
        clock: Callable[[], float],
    ) -> None:
        self._client = client
        self._token_url = token_url
        self._form = {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret,
            "scope": scope,
        }
        self._clock = clock
        self._token: str | None = None
        self._renew_at = 0.0

    def token(self) -> str:
        """The cached token, or a new one when it is about to expire."""
        if self._token is None or self._clock() >= self._renew_at:
            return self.renew()
        return self._token

    def renew(self) -> str:
        """A new token, whatever the cache holds."""
        try:
            response = self._client.post_form(self._token_url, self._form)
        except SourceError as error:
            if error.status not in (400, 401):
                raise
            raise SourceError(
                FailureCategory.AUTH,
                f"the token endpoint refused the client credentials: check "
                f"{CLIENT_ID_ENV} and {CLIENT_SECRET_ENV} ({error})",
                status=error.status,
            ) from error
        payload = self._client.decode_json(response)
        token = payload.get("access_token") if isinstance(payload, dict) else None
        if not isinstance(token, str) or not token:
            raise SourceError(
                FailureCategory.AUTH,
                f"the token endpoint {self._client.redact(self._token_url)} answered "
                "without an access_token",
            )
        lifetime = _seconds(payload.get("expires_in"))
        self._token = token
        self._renew_at = self._clock() + lifetime - min(EXPIRY_MARGIN_SECONDS, lifetime / 2)
        return token


class BearerAuth(httpx.Auth):
    """Signs each request with the current token; a 401 renews it and resends once.

    ``on_new_token`` hears of every token first used, so the API's client can mask it in
    its messages as it masks the headers it was built with."""

    def __init__(self, credentials: ClientCredentials, on_new_token: Callable[[str], None]) -> None:
        self._credentials = credentials
        self._on_new_token = on_new_token
        self._last: str | None = None

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        self._sign(request, self._credentials.token())
        response = yield request
        if response.status_code == 401:
            self._sign(request, self._credentials.renew())
            yield request

    def _sign(self, request: httpx.Request, token: str) -> None:
        if token != self._last:
            self._on_new_token(token)
            self._last = token
        request.headers["Authorization"] = f"Bearer {token}"


def _seconds(value: object) -> float:
    """``expires_in`` as seconds; a token without a stated lifetime is used once."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return 0.0
    try:
        return max(0.0, float(value))
    except ValueError:
        return 0.0
