"""Where the Dataverse connector reads and how it signs in, from the environment.

Nothing here has a default that points anywhere: the organisation URL, the token URL and
the app registration's credentials are the deployment's, so a missing one fails at once
naming its variable. The scope defaults to what Azure expects for an app registration
granted access to one organisation: ``<organisation URL>/.default``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from platform_assets.ingestion import DEFAULT_MAX_PAGES, FailureCategory, RetrySettings, SourceError
from platform_assets.ingestion.source_environment import (
    HTTP_BACKOFF_ENV,
    HTTP_MAX_ATTEMPTS_ENV,
    HTTP_MAX_PAGES_ENV,
    HTTP_TIMEOUT_ENV,
    env_float,
    env_int,
    env_text,
)

URL_ENV: Final = "PLATFORM_DATAVERSE_URL"
TOKEN_URL_ENV: Final = "PLATFORM_DATAVERSE_TOKEN_URL"
CLIENT_ID_ENV: Final = "PLATFORM_DATAVERSE_CLIENT_ID"
CLIENT_SECRET_ENV: Final = "PLATFORM_DATAVERSE_CLIENT_SECRET"
SCOPE_ENV: Final = "PLATFORM_DATAVERSE_SCOPE"
PAGE_SIZE_ENV: Final = "PLATFORM_DATAVERSE_PAGE_SIZE"

API_PATH: Final = "/api/data/v9.2/"
#: Dataverse's largest page (``odata.maxpagesize`` above it is served as 5,000 anyway).
MAX_PAGE_SIZE: Final = 5000


@dataclass(frozen=True)
class DataverseSettings:
    #: The organisation URL, e.g. https://org.crm.dynamics.com.
    url: str
    #: The OAuth 2 token endpoint, e.g. https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token.
    token_url: str
    client_id: str
    client_secret: str = field(repr=False)
    scope: str
    page_size: int = MAX_PAGE_SIZE
    retry: RetrySettings = field(default_factory=RetrySettings)
    timeout_seconds: float = 30.0
    max_pages: int = DEFAULT_MAX_PAGES

    def __post_init__(self) -> None:
        if not 1 <= self.page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be within 1..{MAX_PAGE_SIZE}, not {self.page_size}")

    @property
    def api_url(self) -> str:
        """The Web API root every table is read below."""
        return self.url.rstrip("/") + API_PATH


def dataverse_settings_from_env() -> DataverseSettings:
    """The settings the ``PLATFORM_DATAVERSE_*`` variables give (and the shared
    ``PLATFORM_HTTP_*`` retry, timeout and page bounds); a missing one is a configuration
    error naming it."""
    url = _required(URL_ENV, "the organisation URL, e.g. https://org.crm.dynamics.com")
    page_size = env_int(PAGE_SIZE_ENV, MAX_PAGE_SIZE)
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise SourceError(
            FailureCategory.CONFIGURATION,
            f"{PAGE_SIZE_ENV}={page_size} is outside 1..{MAX_PAGE_SIZE}, the page sizes "
            "Dataverse serves",
        )
    return DataverseSettings(
        url=url,
        token_url=_required(TOKEN_URL_ENV, "the OAuth 2 token endpoint of the tenant"),
        client_id=_required(CLIENT_ID_ENV, "the app registration's application (client) id"),
        client_secret=_required(CLIENT_SECRET_ENV, "a client secret of the app registration"),
        scope=env_text(SCOPE_ENV, url.rstrip("/") + "/.default"),
        page_size=page_size,
        retry=RetrySettings(
            max_attempts=env_int(HTTP_MAX_ATTEMPTS_ENV, 5),
            backoff_seconds=env_float(HTTP_BACKOFF_ENV, 1.0),
        ),
        timeout_seconds=env_float(HTTP_TIMEOUT_ENV, 30.0),
        max_pages=env_int(HTTP_MAX_PAGES_ENV, DEFAULT_MAX_PAGES),
    )


def _required(variable: str, what: str) -> str:
    value = env_text(variable).strip()
    if not value:
        raise SourceError(
            FailureCategory.CONFIGURATION,
            f"{variable} is not set: give {what} (docs/connectors/dataverse.md)",
        )
    return value
