"""Where the raw DORA entities come from: the DORA source kinds and the ``dora_source``
resource that picks one per entity.

``PLATFORM_DORA_SOURCE`` picks the source of deployments, changes and pull requests
(``demo``, the default, needs nothing; ``files``; ``devlake``; ``github``) and
``PLATFORM_DORA_INCIDENT_SOURCE`` the source of incidents (empty: the same one, with
GitHub meaning its incident-labelled issues; or ``pagerduty``, ``github_issues``,
``files``, ``devlake``, ``demo``). Each kind's factory reads its settings (tokens, base URLs, paths)
from the environment when the connector opens; docs/sources.md lists them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, closing, contextmanager
from datetime import date, timedelta
from typing import Final

import dagster as dg

from platform_assets.domains.dora.demo_source import DemoConnector, DemoSettings
from platform_assets.domains.dora.raw_schemas import RAW_CONTRACTS, RESULTS
from platform_assets.ingestion import (
    ConflictRule,
    Connector,
    FailureCategory,
    Preference,
    SourceError,
)
from platform_assets.ingestion.source_environment import (
    env_float,
    env_int,
    env_list,
    env_text,
    http_client_from_env,
)
from platform_assets.ingestion.source_registry import SourceChoice, SourceRegistry
from platform_assets.integrations.devlake import CsvFolder, DevLakeConnector, SqlDatabase
from platform_assets.integrations.devlake.tables import DevLakeTables
from platform_assets.integrations.file_source import FileSourceConnector
from platform_assets.integrations.github import GitHubConnector, GitHubSettings
from platform_assets.integrations.pagerduty import (
    DEFAULT_LOOKBACK,
    PagerDutyConnector,
    PagerDutySettings,
    auth_headers,
)
from platform_assets.settings import env_or_default, resolve_path

SOURCE_ENV: Final = "PLATFORM_DORA_SOURCE"
INCIDENT_SOURCE_ENV: Final = "PLATFORM_DORA_INCIDENT_SOURCE"
#: The API base URLs are configuration: no host lives in code (docs/sources.md lists the
#: public ones). An unset URL fails the connector with a message naming the variable.
GITHUB_API_URL_ENV: Final = "PLATFORM_GITHUB_API_URL"
PAGERDUTY_API_URL_ENV: Final = "PLATFORM_PAGERDUTY_API_URL"
FILES_DIR_SETTING: Final = "PLATFORM_DORA_FILES_DIR"
FILES_TIMEZONE_SETTING: Final = "PLATFORM_DORA_FILES_TIMEZONE"
DEVLAKE_DIR_SETTING: Final = "PLATFORM_DEVLAKE_DIR"
DEVLAKE_URL_SETTING: Final = "PLATFORM_DEVLAKE_URL"
DEVLAKE_PROJECT_SETTING: Final = "PLATFORM_DEVLAKE_PROJECT"

#: Two rows for one deployment in a file are a failed try and its retry, or an export
#: that saw the deployment twice: the outcome that counts is the best one (RESULTS is in
#: order of preference), then the latest. A deployment commit carries its own result and
#: times, so a retry in one repository gives two rows for one deployment commit, settled
#: alike. Every other table quarantines differing rows.
_BEST_THEN_LATEST: Final = ConflictRule(
    (Preference("result", RESULTS), Preference("finished_at"), Preference("started_at"))
)
FILE_CONFLICT_RULES: Final = {
    "deployments": _BEST_THEN_LATEST,
    "deployment_commits": _BEST_THEN_LATEST,
}

INCIDENTS: Final = frozenset({"incidents"})
DELIVERY_ENTITIES: Final = frozenset(RAW_CONTRACTS) - INCIDENTS


@contextmanager
def _demo() -> Iterator[Connector]:
    end = env_text("PLATFORM_DORA_DEMO_END")
    yield DemoConnector(
        DemoSettings(
            seed=env_int("PLATFORM_DORA_DEMO_SEED", 7),
            scale=env_float("PLATFORM_DORA_DEMO_SCALE", 1.0),
            days=env_int("PLATFORM_DORA_DEMO_DAYS", 90),
            end=date.fromisoformat(end) if end else None,
        )
    )


@contextmanager
def _files() -> Iterator[Connector]:
    directory = env_text(FILES_DIR_SETTING, "data/dora_export")
    yield FileSourceConnector(
        resolve_path(directory),
        RAW_CONTRACTS,
        folder_setting=FILES_DIR_SETTING,
        time_zone=env_text(FILES_TIMEZONE_SETTING, "UTC"),
        time_zone_setting=FILES_TIMEZONE_SETTING,
        conflict_rules=FILE_CONFLICT_RULES,
    )


def _devlake_tables() -> DevLakeTables:
    """The folder of DevLake's CSV exports, else its database; one of them must be set."""
    url, directory = env_text(DEVLAKE_URL_SETTING), env_text(DEVLAKE_DIR_SETTING)
    if url and directory:
        raise SourceError(
            FailureCategory.CONFIGURATION,
            f"both {DEVLAKE_DIR_SETTING} and {DEVLAKE_URL_SETTING} are set; keep one",
        )
    if url:
        return SqlDatabase(url, DEVLAKE_URL_SETTING)
    if directory:
        return CsvFolder(resolve_path(directory), DEVLAKE_DIR_SETTING)
    raise SourceError(
        FailureCategory.CONFIGURATION,
        f"{DEVLAKE_DIR_SETTING} (a folder of DevLake table exports) or {DEVLAKE_URL_SETTING} "
        "(DevLake's database, a SQLAlchemy URL) must be set",
    )


@contextmanager
def _devlake() -> Iterator[Connector]:
    yield DevLakeConnector(
        _devlake_tables(),
        project=env_text(DEVLAKE_PROJECT_SETTING),
        project_setting=DEVLAKE_PROJECT_SETTING,
        conflict_rules=FILE_CONFLICT_RULES,
    )


@contextmanager
def _github() -> Iterator[Connector]:
    headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
    if token := env_text("GITHUB_TOKEN"):
        headers["Authorization"] = f"Bearer {token}"
    with closing(http_client_from_env(GITHUB_API_URL_ENV, headers)) as client:
        yield GitHubConnector(
            client,
            GitHubSettings(
                env_list("PLATFORM_GITHUB_REPOSITORIES"),
                env_text("PLATFORM_GITHUB_INCIDENT_LABEL", "incident"),
            ),
        )


@contextmanager
def _pagerduty() -> Iterator[Connector]:
    headers = auth_headers(env_text("PAGERDUTY_TOKEN"))
    with closing(http_client_from_env(PAGERDUTY_API_URL_ENV, headers)) as client:
        lookback = env_int("PLATFORM_PAGERDUTY_LOOKBACK_DAYS", DEFAULT_LOOKBACK.days)
        yield PagerDutyConnector(
            client,
            PagerDutySettings(
                env_list("PLATFORM_PAGERDUTY_SERVICE_IDS"), lookback=timedelta(days=lookback)
            ),
        )


DORA_SOURCES: Final = SourceRegistry()
DORA_SOURCES.register("demo", _demo)
DORA_SOURCES.register("files", _files)
DORA_SOURCES.register("devlake", _devlake)
DORA_SOURCES.register("github", _github, entities=DELIVERY_ENTITIES)
DORA_SOURCES.register("github_issues", _github, entities=INCIDENTS)
DORA_SOURCES.register("pagerduty", _pagerduty, entities=INCIDENTS)


class DoraSource(dg.ConfigurableResource):
    """The source kind of each raw DORA entity, opened through ``DORA_SOURCES``."""

    kind: str = "demo"
    incident_kind: str = ""

    def choice(self, entity: str) -> SourceChoice:
        if entity not in INCIDENTS:
            return SourceChoice(self.kind, SOURCE_ENV)
        default = "github_issues" if self.kind == "github" else self.kind
        return SourceChoice(self.incident_kind or default, INCIDENT_SOURCE_ENV)

    def open_connector(self, entity: str) -> AbstractContextManager[Connector]:
        return DORA_SOURCES.open_connector(self.choice(entity), entity)


def dora_source_from_env() -> DoraSource:
    """The resource as the environment configures it; the demo source needs nothing."""
    return DoraSource(
        kind=env_or_default(SOURCE_ENV, "demo"),
        incident_kind=env_or_default(INCIDENT_SOURCE_ENV, ""),
    )
