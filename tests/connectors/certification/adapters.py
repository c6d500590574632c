"""One adapter per connector: what the certification suite needs to run its checks on it.

An adapter builds the connector the way production does (its source kind's factory,
reading environment variables), over a loopback fake (``tests/connectors/fakes``) or
real files, and says which checks do not apply to it (``not_applicable``, with why) and
which it is known to fail (``gaps``, with what is missing). The docs pages
(``docs/connectors/<name>.md``) show both, and ``test_levels`` keeps them in step.

Schema drift is checked as each connector hands it over (``drift``, ``drift_scope``): a
file source keeps a column it does not know in ``_extras`` (``added``); an API connector
maps the fields its contract keeps and drops the rest on purpose (an API sends far more
than any contract keeps, so keeping them would record drift on every response, and an
unclassified field may be personal data), so what it must hand over is a mapped field the
API stops sending (``removed``) and one whose type changes (``retyped``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from platform_assets.domains.customer.postal_areas import load_postal_areas
from platform_assets.domains.customer.raw_schemas import BRONZE_CONTRACTS
from platform_assets.domains.customer.sources import CustomerSource
from platform_assets.domains.dora.raw_schemas import RAW_CONTRACTS
from platform_assets.domains.dora.sources import DoraSource
from platform_assets.ingestion import Connector, FailureCategory, TableContract
from platform_assets.integrations.weather import weather_connector, weather_settings_from_env
from tests.connectors.fakes.dataverse_api import FakeDataverse, FakeTokenEndpoint, contact
from tests.connectors.fakes.github_api import FakeGitHub, issue
from tests.connectors.fakes.pagerduty_api import FakePagerDuty, incident
from tests.connectors.fakes.server import FakeApi, RecordedRequest, Response
from tests.connectors.fakes.weather_api import FakeOpenMeteo
from tests.connectors.test_spreadsheet_connector import legacy_crm_export, write_workbook

#: The retry settings every adapter's environment gives, so a 429 costs milliseconds.
FAST_HTTP = {
    "PLATFORM_HTTP_MAX_ATTEMPTS": "4",
    "PLATFORM_HTTP_BACKOFF_SECONDS": "0.01",
    "PLATFORM_HTTP_TIMEOUT_SECONDS": "5",
}


class Check(StrEnum):
    """The certification checks, in the order of seed 004 §1."""

    CONFIGURATION = "configuration validation"
    CREDENTIALS = "credential contract"
    REQUEST_CONSTRUCTION = "request construction"
    LOCAL_SERVICE = "local-service integration"
    RATE_LIMIT = "rate limit and retry"
    IDEMPOTENCY = "idempotent re-extraction"
    TYPES_AND_DRIFT = "type mapping and schema drift"
    CHECKPOINT = "incremental checkpoint recovery"
    LIVE = "live integration"


@dataclass
class Source:
    """A running source for one test: the environment that points the connector at it,
    the fake (None for file sources) and how to change the source's shape the way the
    adapter's ``drift`` expects."""

    environment: dict[str, str]
    fake: FakeApi | None
    drift: Callable[[], None]


@dataclass(frozen=True)
class Adapter:
    name: str
    """The page: docs/connectors/<name>.md."""
    entity: str
    contract: TableContract
    start: Callable[[Path], AbstractContextManager[Source]]
    open: Callable[[], AbstractContextManager[Connector]]
    """Builds the connector from the environment, as its source kind does in production."""
    required_variable: str | None
    """Unset, the connector must refuse to open or read, naming it (None: every setting
    has a working default, as a public API's URL has)."""
    bad_setting: tuple[str, str]
    """A variable and a malformed value: the error must name the variable."""
    live_variables: tuple[str, ...]
    """The real source's settings; the live test runs only when all are set."""
    corrupt_cursor: str
    secret_variable: str | None = None
    #: The request path a 429 is injected on, and whose first request is checked.
    api_path: str = ""
    #: Query parameters and headers the first request must carry.
    first_request: Mapping[str, Callable[[Any], bool]] = field(default_factory=dict)
    refuse_credentials: Callable[[Source, str], None] | None = None
    """Makes the source refuse the secret with an error body that quotes it."""
    drift: Mapping[str, str] = field(default_factory=dict)
    """Column -> the change (``added``, ``removed``, ``retyped``) the load must record in
    ``ops.schema_drift_events`` once the source has drifted."""
    drift_failure: FailureCategory | None = None
    """Instead of ``drift``: the category of the error the drifted source's load fails
    with, for a connector that refuses an answer out of shape as a whole."""
    drift_named_in_failure: str = ""
    """What the ``drift_failure`` error must name: the field the source changed."""
    drift_scope: str = ""
    """Which changes of the source's shape the connector hands over, and why: the page's
    result of the drift check."""
    not_applicable: Mapping[Check, str] = field(default_factory=dict)
    gaps: Mapping[Check, str] = field(default_factory=dict)


def _echoing_401(source: Source, path: str, secret: str) -> None:
    assert source.fake is not None
    body = json.dumps({"message": f"Bad credentials: {secret}"}).encode()
    source.fake.fail_next(path, times=50, status=401, body=body)


# GitHub (incidents from labelled issues) ---------------------------------------------

GITHUB_REPO = "acme/shop"
GITHUB_SECRET = "ghp_certificationSecret0123456789"


@contextmanager
def _github(tmp_path: Path) -> Iterator[Source]:
    fake = FakeGitHub(page_size=2)
    repo = fake.repository(GITHUB_REPO)
    repo.issues = [
        issue(n, f"2026-10-0{n}T10:00:00Z", f"2026-10-0{n}T12:00:00Z", ["incident"], None)
        for n in range(1, 5)
    ]

    def drift() -> None:
        for served in repo.issues:
            del served["title"]
        repo.issues[0]["created_at"] = 1759312800  # epoch seconds instead of ISO text

    with fake.running():
        yield Source(
            {
                **FAST_HTTP,
                "PLATFORM_GITHUB_API_URL": fake.base_url,
                "PLATFORM_GITHUB_REPOSITORIES": GITHUB_REPO,
                "GITHUB_TOKEN": GITHUB_SECRET,
            },
            fake,
            drift,
        )


#: Why an API connector keeps only the fields it maps (the page's drift check result).
_MAPPED_ONLY = (
    "unknown API fields are dropped on purpose (the API returns far more than the "
    "contract keeps: keeping them would record drift on every response); a mapped field "
    "the API stops sending arrives missing, not NULL, and is recorded `removed`, one of "
    "another type is quarantined and recorded `retyped`"
)

GITHUB = Adapter(
    name="github",
    entity="incidents",
    contract=RAW_CONTRACTS["incidents"],
    start=_github,
    open=lambda: DoraSource(kind="github").open_connector("incidents"),
    required_variable="PLATFORM_GITHUB_API_URL",
    bad_setting=("PLATFORM_HTTP_MAX_ATTEMPTS", "many"),
    live_variables=("GITHUB_TOKEN", "PLATFORM_GITHUB_API_URL", "PLATFORM_GITHUB_REPOSITORIES"),
    corrupt_cursor='{"acme/shop": {"issues": "2999-01-01T00:00:00Z"}}',
    secret_variable="GITHUB_TOKEN",
    api_path=f"/repos/{GITHUB_REPO}/issues",
    first_request={
        "labels": lambda value: value == "incident",
        "Authorization": lambda value: value == f"Bearer {GITHUB_SECRET}",
        "X-GitHub-Api-Version": lambda value: value == "2022-11-28",
    },
    refuse_credentials=lambda source, secret: _echoing_401(source, "/repos", secret),
    drift={"title": "removed", "created_at": "retyped"},
    drift_scope=_MAPPED_ONLY,
)


# PagerDuty ---------------------------------------------------------------------------

PAGERDUTY_SECRET = "pd-certification-secret-42"


@contextmanager
def _pagerduty(tmp_path: Path) -> Iterator[Source]:
    fake = FakePagerDuty(max_limit=2)
    fake.incidents = [
        incident(f"P{n}", f"2026-10-0{n}T10:00:00Z", resolved_at=f"2026-10-0{n}T11:00:00Z")
        for n in range(1, 5)
    ]

    def drift() -> None:
        for served in fake.incidents:
            del served["title"]
        fake.incidents[0]["resolved_at"] = 1759312800  # epoch seconds instead of ISO text

    with fake.running():
        yield Source(
            {
                **FAST_HTTP,
                "PLATFORM_PAGERDUTY_API_URL": fake.base_url,
                "PLATFORM_PAGERDUTY_SERVICE_IDS": "PSVC1",
                "PAGERDUTY_TOKEN": PAGERDUTY_SECRET,
            },
            fake,
            drift,
        )


PAGERDUTY = Adapter(
    name="pagerduty",
    entity="incidents",
    contract=RAW_CONTRACTS["incidents"],
    start=_pagerduty,
    open=lambda: DoraSource(kind="pagerduty").open_connector("incidents"),
    required_variable="PLATFORM_PAGERDUTY_API_URL",
    bad_setting=("PLATFORM_PAGERDUTY_LOOKBACK_DAYS", "a week"),
    live_variables=(
        "PAGERDUTY_TOKEN",
        "PLATFORM_PAGERDUTY_API_URL",
        "PLATFORM_PAGERDUTY_SERVICE_IDS",
    ),
    corrupt_cursor="last tuesday",
    secret_variable="PAGERDUTY_TOKEN",
    api_path="/incidents",
    first_request={
        "offset": lambda value: value == "0",
        "date_range": lambda value: value == "all",
        "Authorization": lambda value: value == f"Token token={PAGERDUTY_SECRET}",
    },
    refuse_credentials=lambda source, secret: _echoing_401(source, "/incidents", secret),
    drift={"title": "removed", "resolved_at": "retyped"},
    drift_scope=_MAPPED_ONLY,
)


# Dataverse ---------------------------------------------------------------------------

DATAVERSE_CLIENT = "app-registration-cert"
DATAVERSE_SECRET = "dv/Certification+Secret=1~"


class _DriftingDataverse(FakeDataverse):
    """A Dataverse whose answers leave out the ``dropped`` columns, as a source that
    stopped sending one would."""

    def __init__(self, tokens: FakeTokenEndpoint) -> None:
        super().__init__(tokens)
        self.dropped: set[str] = set()

    def route(self, request: RecordedRequest) -> Response:
        response = super().route(request)
        if not self.dropped or response.status != 200:
            return response
        body = json.loads(response.body)
        body["value"] = [
            {name: value for name, value in row.items() if name not in self.dropped}
            for row in body["value"]
        ]
        return Response.json(body)


@contextmanager
def _dataverse(tmp_path: Path) -> Iterator[Source]:
    tokens = FakeTokenEndpoint(DATAVERSE_CLIENT, DATAVERSE_SECRET)
    fake = _DriftingDataverse(tokens)
    for number in range(1, 5):
        fake.upsert("contacts", contact(f"c-{number}"))

    def drift() -> None:
        fake.dropped.add("telephone1")
        fake.upsert("contacts", contact("c-1", statecode="active"))

    with tokens.running(), fake.running():
        yield Source(
            {
                **FAST_HTTP,
                "PLATFORM_DATAVERSE_URL": fake.url,
                "PLATFORM_DATAVERSE_TOKEN_URL": tokens.token_url,
                "PLATFORM_DATAVERSE_CLIENT_ID": DATAVERSE_CLIENT,
                "PLATFORM_DATAVERSE_CLIENT_SECRET": DATAVERSE_SECRET,
                "PLATFORM_DATAVERSE_PAGE_SIZE": "2",
            },
            fake,
            drift,
        )


def _refuse_dataverse_secret(source: Source, secret: str) -> None:
    # The token endpoint now expects another secret, and quotes the one sent in its 401.
    assert isinstance(source.fake, FakeDataverse)
    source.fake.tokens.client_secret = "another-secret"


DATAVERSE = Adapter(
    name="dataverse",
    entity="crm_contacts",
    contract=BRONZE_CONTRACTS["crm_contacts"],
    start=_dataverse,
    open=lambda: CustomerSource(crm_kind="dataverse").open_connector("crm_contacts"),
    required_variable="PLATFORM_DATAVERSE_CLIENT_SECRET",
    bad_setting=("PLATFORM_DATAVERSE_PAGE_SIZE", "9000"),
    live_variables=(
        "PLATFORM_DATAVERSE_URL",
        "PLATFORM_DATAVERSE_TOKEN_URL",
        "PLATFORM_DATAVERSE_CLIENT_ID",
        "PLATFORM_DATAVERSE_CLIENT_SECRET",
    ),
    corrupt_cursor='{"delta_link": "https://elsewhere.example/api/data/v9.2/contacts"}',
    secret_variable="PLATFORM_DATAVERSE_CLIENT_SECRET",
    api_path="/api/data/v9.2/contacts",
    first_request={
        "$select": lambda value: "contactid" in value.split(","),
        "Authorization": lambda value: value.startswith("Bearer dv-token-"),
    },
    refuse_credentials=_refuse_dataverse_secret,
    drift={"telephone1": "removed", "statecode": "retyped"},
    drift_scope="`$select` asks for the contract's columns only, on purpose: an unmapped "
    "CRM column may hold personal data nobody classified. Dataverse answers every selected "
    "column (null ones too), so one missing from a row arrives missing and is recorded "
    "`removed`; a value of another type is quarantined and recorded `retyped`. A column "
    "deleted from the Dataverse table fails the `$select` request instead (HTTP 400 naming "
    "it): the run fails, loudly",
)


# Weather (Open-Meteo archive) ----------------------------------------------------------

#: One postal area keeps the extract to one request; the factory reads every area.
WEATHER_AREAS = load_postal_areas()[:1]


class _DriftingOpenMeteo(FakeOpenMeteo):
    """An Open-Meteo whose answers leave out the ``dropped`` daily series."""

    def __init__(self) -> None:
        super().__init__()
        self.dropped: set[str] = set()

    def route(self, request: RecordedRequest) -> Response:
        response = super().route(request)
        if not self.dropped or response.status != 200:
            return response
        body = json.loads(response.body)
        body["daily"] = {k: v for k, v in body["daily"].items() if k not in self.dropped}
        return Response.json(body)


@contextmanager
def _weather(tmp_path: Path) -> Iterator[Source]:
    fake = _DriftingOpenMeteo()
    with fake.running():
        yield Source(
            {
                **FAST_HTTP,
                "PLATFORM_WEATHER_PRIMARY_URL": fake.base_url,
                "PLATFORM_WEATHER_AS_OF": "2026-11-05",
                "PLATFORM_WEATHER_DAYS": "5",
            },
            fake,
            lambda: fake.dropped.add("precipitation_sum"),
        )


WEATHER = Adapter(
    name="weather",
    entity="weather_daily",
    contract=BRONZE_CONTRACTS["weather_daily"],
    start=_weather,
    open=lambda: weather_connector(WEATHER_AREAS, weather_settings_from_env()),
    required_variable=None,
    bad_setting=("PLATFORM_WEATHER_AS_OF", "05/11/2026"),
    live_variables=("PLATFORM_WEATHER_PRIMARY_URL",),
    corrupt_cursor="not a cursor",
    api_path="/v1/archive",
    first_request={
        "start_date": lambda value: value == "2026-11-01",
        "end_date": lambda value: value == "2026-11-05",
        "timezone": lambda value: value == "UTC",
    },
    not_applicable={
        Check.CREDENTIALS: "Open-Meteo's archive is a public API: there is no credential",
        Check.CHECKPOINT: "keeps no cursor: every run re-reads its fixed window "
        "(AcceptsAnyCursor), so there is no checkpoint to resume or corrupt",
    },
    drift_failure=FailureCategory.MALFORMED_PAYLOAD,
    drift_named_in_failure="has no precipitation_sum",
    drift_scope="the connector asks for three daily series by name and every row needs "
    "them (a day lacking one is a gap the fallback fills), so an answer without one of "
    "them, or with a value that is not a number, is out of shape: the provider has failed "
    "for that area, the fallback is asked, and with neither answering the run fails "
    "(`malformed_payload`, naming the series) rather than loading NULLs; a series the API "
    "adds is not asked for, so never sent",
)


# File source (CSV / JSONL folder) -------------------------------------------------------

INCIDENTS_JSONL = [
    {
        "incident_id": f"i-{n}",
        "service": "checkout",
        "title": f"Incident {n}",
        "created_at": f"2026-10-0{n}T10:00:00Z",
        "resolved_at": f"2026-10-0{n}T11:00:00Z",
        "severity": "SEV2",
        "source": "statuspage",
        "caused_by_deployment_id": None,
        "root_cause_sha": None,
    }
    for n in range(1, 5)
]


@contextmanager
def _files(tmp_path: Path) -> Iterator[Source]:
    folder = tmp_path / "dora_export"
    folder.mkdir()
    path = folder / "incidents.jsonl"

    def write(records: list[dict[str, Any]]) -> None:
        path.write_text("".join(json.dumps(record) + "\n" for record in records))

    write(INCIDENTS_JSONL)
    yield Source(
        {"PLATFORM_DORA_FILES_DIR": str(folder)},
        None,
        lambda: write([{**INCIDENTS_JSONL[0], "pager_rotation": "blue"}, *INCIDENTS_JSONL[1:]]),
    )


_NO_HTTP = "reads local files: there is no request, server or rate limit"

FILE_SOURCE = Adapter(
    name="file_source",
    entity="incidents",
    contract=RAW_CONTRACTS["incidents"],
    start=_files,
    open=lambda: DoraSource(kind="files").open_connector("incidents"),
    required_variable="PLATFORM_DORA_FILES_DIR",
    bad_setting=("PLATFORM_DORA_FILES_DIR", "/nonexistent/dora_export"),
    live_variables=(),
    corrupt_cursor="md5:not-a-digest",
    drift={"pager_rotation": "added"},
    drift_scope="a field or column the contract does not know is kept in `_extras` and "
    "recorded `added`",
    not_applicable={
        Check.CREDENTIALS: "local files carry no credential",
        Check.REQUEST_CONSTRUCTION: _NO_HTTP,
        Check.RATE_LIMIT: _NO_HTTP,
        Check.LIVE: "the local-service test already reads real files",
    },
)


# DevLake (a folder of its domain-layer table exports) ------------------------------------

DEVLAKE_ISSUES = "id,type,title,created_date,resolution_date,severity,component\n" + "".join(
    f"i{n},INCIDENT,Incident {n},2026-10-0{n} 10:00:00,2026-10-0{n} 11:00:00,SEV2,checkout\n"
    for n in range(1, 5)
)


@contextmanager
def _devlake(tmp_path: Path) -> Iterator[Source]:
    folder = tmp_path / "devlake"
    folder.mkdir()
    (folder / "issues.csv").write_text(DEVLAKE_ISSUES)
    board = "jira:JiraBoard:1:1"
    (folder / "board_issues.csv").write_text(
        "board_id,issue_id\n" + "".join(f"{board},i{n}\n" for n in range(1, 5))
    )
    (folder / "project_mapping.csv").write_text(f"project_name,table,row_id\nshop,boards,{board}\n")

    def drift() -> None:
        # An export of a DevLake without issues.severity (another version, a narrower SELECT).
        lines = DEVLAKE_ISSUES.splitlines()
        (folder / "issues.csv").write_text(
            "".join(",".join(line.split(",")[:5] + line.split(",")[6:]) + "\n" for line in lines)
        )

    yield Source(
        {"PLATFORM_DEVLAKE_DIR": str(folder), "PLATFORM_DEVLAKE_PROJECT": "shop"}, None, drift
    )


DEVLAKE = Adapter(
    name="devlake",
    entity="incidents",
    contract=RAW_CONTRACTS["incidents"],
    start=_devlake,
    open=lambda: DoraSource(kind="devlake").open_connector("incidents"),
    required_variable="PLATFORM_DEVLAKE_DIR",
    bad_setting=("PLATFORM_DEVLAKE_PROJECT", "no-such-project"),
    live_variables=(),
    corrupt_cursor="md5:not-a-digest",
    drift={"severity": "removed"},
    drift_scope="DevLake's tables carry far more columns than the raw tables map, so only "
    "the mapped ones are read (an unmapped column is neither drift nor kept); a mapped "
    "DevLake column the export lacks leaves its raw column out of the records, recorded "
    "`removed`, and stored values stay",
    not_applicable={
        Check.CREDENTIALS: "the adapter reads the folder of CSV exports, which carries no "
        "credential (the database path, `PLATFORM_DEVLAKE_URL`, is outside this suite: see "
        "the page)",
        Check.REQUEST_CONSTRUCTION: _NO_HTTP,
        Check.RATE_LIMIT: _NO_HTTP,
        Check.LIVE: "the local-service test already reads real exports",
    },
)


# Spreadsheet folder (.xlsx) --------------------------------------------------------------


@contextmanager
def _spreadsheets(tmp_path: Path) -> Iterator[Source]:
    folder = tmp_path / "workbooks"
    folder.mkdir()
    legacy_crm_export(folder / "legacy.xlsx")

    def drift() -> None:
        write_workbook(
            folder / "extra.xlsx",
            {"Customers": [["Customer Ref", "First Name", "Loyalty Tier"], ["9", "Gil", "gold"]]},
        )

    yield Source({"PLATFORM_SPREADSHEET_DIR": str(folder)}, None, drift)


SPREADSHEET = Adapter(
    name="spreadsheet",
    entity="spreadsheet_customers",
    contract=BRONZE_CONTRACTS["spreadsheet_customers"],
    start=_spreadsheets,
    open=lambda: CustomerSource(spreadsheet_kind="spreadsheet_folder").open_connector(
        "spreadsheet_customers"
    ),
    required_variable="PLATFORM_SPREADSHEET_DIR",
    bad_setting=("PLATFORM_SPREADSHEET_DIR", "/nonexistent/workbooks"),
    live_variables=(),
    corrupt_cursor="{not json",
    drift={"loyalty_tier": "added"},
    drift_scope="a header the column map does not know becomes a field named in lower "
    "snake case (`Loyalty Tier` is `loyalty_tier`), kept in `_extras` and recorded `added`",
    not_applicable={
        Check.CREDENTIALS: "local files carry no credential",
        Check.REQUEST_CONSTRUCTION: _NO_HTTP,
        Check.RATE_LIMIT: _NO_HTTP,
        Check.LIVE: "the local-service test already reads real workbooks",
    },
)

#: The checks a "beta" connector must pass; "certified" needs every applicable check.
BETA_CHECKS = frozenset(
    {Check.CREDENTIALS, Check.LOCAL_SERVICE, Check.IDEMPOTENCY, Check.CHECKPOINT}
)


def level(adapter: Adapter) -> str:
    """The level the suite grants: certified with no gap, beta with gaps outside
    ``BETA_CHECKS``, experimental otherwise."""
    if not adapter.gaps:
        return "certified"
    return "experimental" if BETA_CHECKS & set(adapter.gaps) else "beta"


ADAPTERS: tuple[Adapter, ...] = (
    GITHUB,
    PAGERDUTY,
    DATAVERSE,
    WEATHER,
    FILE_SOURCE,
    DEVLAKE,
    SPREADSHEET,
)
