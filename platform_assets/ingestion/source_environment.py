"""Connector settings read from the environment when a connector opens, with the safe
defaults the docs list (docs/sources.md): the building blocks of connector factories."""

from __future__ import annotations

import os
from typing import Final, TypeVar

from platform_assets.ingestion.failure import FailureCategory, SourceError
from platform_assets.ingestion.http_client import (
    DEFAULT_MAX_PAGES,
    ResilientHttpClient,
    RetrySettings,
)

Number = TypeVar("Number", int, float)

HTTP_TIMEOUT_ENV: Final = "PLATFORM_HTTP_TIMEOUT_SECONDS"
HTTP_MAX_ATTEMPTS_ENV: Final = "PLATFORM_HTTP_MAX_ATTEMPTS"
HTTP_BACKOFF_ENV: Final = "PLATFORM_HTTP_BACKOFF_SECONDS"
HTTP_MAX_PAGES_ENV: Final = "PLATFORM_HTTP_MAX_PAGES"


def env_text(name: str, default: str = "") -> str:
    return os.environ.get(name) or default


def env_int(name: str, default: int) -> int:
    return _parsed(name, default, int)


def env_float(name: str, default: float) -> float:
    return _parsed(name, default, float)


def env_list(name: str) -> tuple[str, ...]:
    """A comma-separated list; blanks around and between items are ignored."""
    return tuple(item.strip() for item in env_text(name).split(",") if item.strip())


def http_client_from_env(
    base_url_variable: str, headers: dict[str, str], default_url: str = ""
) -> ResilientHttpClient:
    """A resilient client for the API whose base URL ``base_url_variable`` holds; the
    retry, timeout and page bounds come from the ``PLATFORM_HTTP_*`` variables. An unset
    URL fails at once, naming the variable, unless the API is a public service every
    installation shares (``default_url``, e.g. Open-Meteo's)."""
    base_url = env_text(base_url_variable, default_url)
    if not base_url:
        raise SourceError(
            FailureCategory.CONFIGURATION,
            f"{base_url_variable} is not set: give the API base URL of the instance to read "
            "(docs/sources.md lists the public ones)",
        )
    return ResilientHttpClient(
        base_url=base_url,
        headers=headers,
        timeout_seconds=env_float(HTTP_TIMEOUT_ENV, 30.0),
        retry=RetrySettings(
            max_attempts=env_int(HTTP_MAX_ATTEMPTS_ENV, 5),
            backoff_seconds=env_float(HTTP_BACKOFF_ENV, 1.0),
        ),
        max_pages=env_int(HTTP_MAX_PAGES_ENV, DEFAULT_MAX_PAGES),
    )


def _parsed(name: str, default: Number, parse: type[Number]) -> Number:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        return parse(raw)
    except ValueError:
        raise SourceError(
            FailureCategory.CONFIGURATION,
            f"{name}={raw!r} is not a number ({parse.__name__} expected)",
        ) from None
