"""Where the raw DORA entities come from: the ``dora_source`` resource.

``PLATFORM_DORA_SOURCE`` picks the source of deployments, changes and pull requests
(``demo``, the default, needs nothing; ``files``; ``github``) and
``PLATFORM_DORA_INCIDENT_SOURCE`` the source of incidents (empty: the same one, with
GitHub meaning its incident-labelled issues; or ``pagerduty``, ``github_issues``,
``files``, ``demo``). Tokens and base URLs come from environment variables only.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any, Final

import dagster as dg

from platform_assets.domains.dora.demo_source import DemoConnector, DemoSettings
from platform_assets.domains.dora.raw_schemas import RAW_CONTRACTS
from platform_assets.ingestion import (
    DEFAULT_MAX_PAGES,
    Connector,
    FailureCategory,
    ResilientHttpClient,
    RetrySettings,
    SourceError,
)
from platform_assets.integrations.file_source import FileSourceConnector
from platform_assets.integrations.github import GitHubConnector, GitHubSettings
from platform_assets.integrations.pagerduty import (
    DEFAULT_LOOKBACK,
    PagerDutyConnector,
    PagerDutySettings,
    auth_headers,
)
from platform_assets.settings import env_or_default, resolve_path

DEPLOYMENT_SOURCES: Final = ("demo", "files", "github")
INCIDENT_SOURCES: Final = ("demo", "files", "github_issues", "pagerduty")
#: The API base URLs are configuration: no host lives in code (docs/sources.md lists the
#: public ones). An unset URL fails the connector with a message naming the variable.
GITHUB_API_URL_ENV: Final = "PLATFORM_GITHUB_API_URL"
PAGERDUTY_API_URL_ENV: Final = "PLATFORM_PAGERDUTY_API_URL"


class DoraSource(dg.ConfigurableResource):
    """The connector for each raw DORA entity, chosen by configuration."""

    kind: str = "demo"
    incident_kind: str = ""
    demo_seed: int = 7
    demo_scale: float = 1.0
    demo_days: int = 90
    demo_end: str = ""
    files_directory: str = "data/dora_export"
    github_api_url: str = ""
    github_token: str = ""
    github_repositories: str = ""
    github_incident_label: str = "incident"
    pagerduty_api_url: str = ""
    pagerduty_token: str = ""
    pagerduty_service_ids: str = ""
    pagerduty_lookback_days: int = DEFAULT_LOOKBACK.days
    http_timeout_seconds: float = 30.0
    http_max_attempts: int = 5
    http_backoff_seconds: float = 1.0
    http_max_pages: int = DEFAULT_MAX_PAGES

    def source_kind(self, entity: str) -> str:
        if entity != "incidents":
            if self.kind not in DEPLOYMENT_SOURCES:
                raise _unknown("PLATFORM_DORA_SOURCE", self.kind, DEPLOYMENT_SOURCES)
            return self.kind
        chosen = self.incident_kind or ("github_issues" if self.kind == "github" else self.kind)
        if chosen not in INCIDENT_SOURCES:
            raise _unknown("PLATFORM_DORA_INCIDENT_SOURCE", chosen, INCIDENT_SOURCES)
        return chosen

    @contextmanager
    def open_connector(self, entity: str) -> Iterator[Connector]:
        """The connector for ``entity``; its HTTP client is closed on exit."""
        kind = self.source_kind(entity)
        if kind == "demo":
            yield DemoConnector(self._demo_settings())
        elif kind == "files":
            yield FileSourceConnector(resolve_path(self.files_directory), RAW_CONTRACTS)
        elif kind == "pagerduty":
            client = self._client(
                self.pagerduty_api_url, PAGERDUTY_API_URL_ENV, auth_headers(self.pagerduty_token)
            )
            try:
                settings = PagerDutySettings(
                    _listed(self.pagerduty_service_ids),
                    lookback=timedelta(days=self.pagerduty_lookback_days),
                )
                yield PagerDutyConnector(client, settings)
            finally:
                client.close()
        else:
            headers = {
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28",
            }
            if self.github_token:
                headers["Authorization"] = f"Bearer {self.github_token}"
            client = self._client(self.github_api_url, GITHUB_API_URL_ENV, headers)
            try:
                yield GitHubConnector(
                    client,
                    GitHubSettings(_listed(self.github_repositories), self.github_incident_label),
                )
            finally:
                client.close()

    def _demo_settings(self) -> DemoSettings:
        return DemoSettings(
            seed=self.demo_seed,
            scale=self.demo_scale,
            days=self.demo_days,
            end=date.fromisoformat(self.demo_end) if self.demo_end else None,
        )

    def _client(self, base_url: str, variable: str, headers: dict[str, str]) -> ResilientHttpClient:
        if not base_url:
            raise SourceError(
                FailureCategory.CONFIGURATION,
                f"{variable} is not set: give the API base URL of the instance to read "
                "(docs/sources.md lists the public ones)",
            )
        return ResilientHttpClient(
            base_url=base_url,
            headers=headers,
            timeout_seconds=self.http_timeout_seconds,
            retry=RetrySettings(
                max_attempts=self.http_max_attempts, backoff_seconds=self.http_backoff_seconds
            ),
            max_pages=self.http_max_pages,
        )


def _listed(value: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in value.split(",") if item.strip())


def _unknown(variable: str, value: str, allowed: tuple[str, ...]) -> SourceError:
    return SourceError(
        FailureCategory.CONFIGURATION,
        f"{variable}={value!r} is not a source; expected one of {', '.join(allowed)}",
    )


def _int_env(name: str, default: int) -> Any:
    """An int, or the EnvVar that resolves to one (typed Any: EnvVar is not an int)."""
    return dg.EnvVar.int(name) if os.environ.get(name) else default


def _float_env(name: str, default: float) -> float:
    """Dagster's EnvVar has no float form; the value is read here."""
    raw = os.environ.get(name)
    return float(raw) if raw else default


def dora_source_from_env() -> DoraSource:
    """The resource as the environment configures it; every setting has a safe default
    and the demo source needs none."""
    return DoraSource(
        kind=env_or_default("PLATFORM_DORA_SOURCE", "demo"),
        incident_kind=env_or_default("PLATFORM_DORA_INCIDENT_SOURCE", ""),
        demo_seed=_int_env("PLATFORM_DORA_DEMO_SEED", 7),
        demo_scale=_float_env("PLATFORM_DORA_DEMO_SCALE", 1.0),
        demo_days=_int_env("PLATFORM_DORA_DEMO_DAYS", 90),
        demo_end=env_or_default("PLATFORM_DORA_DEMO_END", ""),
        files_directory=env_or_default("PLATFORM_DORA_FILES_DIR", "data/dora_export"),
        github_api_url=env_or_default(GITHUB_API_URL_ENV, ""),
        github_token=env_or_default("GITHUB_TOKEN", ""),
        github_repositories=env_or_default("PLATFORM_GITHUB_REPOSITORIES", ""),
        github_incident_label=env_or_default("PLATFORM_GITHUB_INCIDENT_LABEL", "incident"),
        pagerduty_api_url=env_or_default(PAGERDUTY_API_URL_ENV, ""),
        pagerduty_token=env_or_default("PAGERDUTY_TOKEN", ""),
        pagerduty_service_ids=env_or_default("PLATFORM_PAGERDUTY_SERVICE_IDS", ""),
        pagerduty_lookback_days=_int_env("PLATFORM_PAGERDUTY_LOOKBACK_DAYS", DEFAULT_LOOKBACK.days),
        http_timeout_seconds=_float_env("PLATFORM_HTTP_TIMEOUT_SECONDS", 30.0),
        http_max_attempts=_int_env("PLATFORM_HTTP_MAX_ATTEMPTS", 5),
        http_backoff_seconds=_float_env("PLATFORM_HTTP_BACKOFF_SECONDS", 1.0),
        http_max_pages=_int_env("PLATFORM_HTTP_MAX_PAGES", DEFAULT_MAX_PAGES),
    )
