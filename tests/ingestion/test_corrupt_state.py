"""A corrupted cursor is caught before extraction and recovered from by a full re-read:
the report's ``cursor_recovery`` and the error log say why, rows the full read no longer
returns are soft-deleted, the table equals a clean full load, and the new cursor
replaces the bad one. Real ``ingest`` on real warehouses, the connectors over loopback
HTTP against their fakes."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from platform_assets.domains.customer.demo_source import CustomerDemoConnector
from platform_assets.domains.customer.demo_source.connector import CustomerDemoSettings
from platform_assets.domains.customer.raw_schemas import BRONZE_CONTRACTS
from platform_assets.domains.dora.raw_schemas import RAW_CONTRACTS
from platform_assets.ingestion import (
    CURSORS_TABLE,
    Connector,
    IngestionReport,
    ResilientHttpClient,
    ingest,
    read_cursor,
)
from platform_assets.integrations.dataverse import DataverseConnector, DataverseSettings
from platform_assets.integrations.file_source import FileSourceConnector
from platform_assets.integrations.github import GitHubConnector, GitHubSettings
from platform_assets.integrations.pagerduty import PagerDutyConnector, PagerDutySettings
from platform_assets.integrations.spreadsheet import SpreadsheetConnector, load_column_map
from platform_assets.integrations.spreadsheet.settings import DEFAULT_COLUMN_MAP
from platform_assets.warehouse import Warehouse
from tests.connectors.conftest import FAST_RETRY
from tests.connectors.fakes.dataverse_api import API_PATH, FakeDataverse, FakeTokenEndpoint, contact
from tests.connectors.fakes.pagerduty_api import FakePagerDuty, incident
from tests.connectors.fakes.server import OtherOriginApi
from tests.ingestion.conftest import demo

INCIDENTS = RAW_CONTRACTS["incidents"]
CONTACTS = BRONZE_CONTRACTS["crm_contacts"]
LOG = logging.getLogger("tests.ingestion.corrupt_state")
REPOSITORY = Path(__file__).parents[2]


def store_cursor(warehouse: Warehouse, source: str, entity: str, cursor: str) -> None:
    """Corrupts the stored cursor as a bad hand edit or a broken restore would."""
    with warehouse.transaction() as session:
        changed = session.changed(
            f"update {CURSORS_TABLE} set cursor = ? where source = ? and entity = ?",
            [cursor, source, entity],
        )
    assert changed == 1


def live_and_deleted(warehouse: Warehouse, contract_sql: str, key: str) -> tuple[list, list]:
    with warehouse.connect() as session:
        rows = session.execute(
            f"select {key}, _deleted_at is not null from {contract_sql} order by 1"
        ).fetchall()
    return [k for k, deleted in rows if not deleted], [k for k, deleted in rows if deleted]


# PagerDuty: garbage, a cursor of the wrong shape, a timestamp in the future ------------


@pytest.fixture
def pagerduty() -> Iterator[FakePagerDuty]:
    fake = FakePagerDuty(max_limit=2)
    fake.incidents = [
        incident(f"P{day}", f"2026-10-0{day}T10:00:00Z", resolved_at=f"2026-10-0{day}T11:00:00Z")
        for day in (1, 2, 3)
    ]
    with fake.running():
        yield fake


def load_pagerduty(fake: FakePagerDuty, warehouse: Warehouse, run_id: str) -> IngestionReport:
    client = ResilientHttpClient(base_url=fake.base_url, retry=FAST_RETRY)
    try:
        connector = PagerDutyConnector(client, PagerDutySettings())
        report, _ = ingest(connector, INCIDENTS, warehouse, run_id=run_id, log=LOG)
    finally:
        client.close()
    return report


@pytest.mark.parametrize(
    ("cursor", "problem"),
    [
        ("%%garbage{{", "not an ISO 8601 timestamp"),
        ('{"since": "2026-10-01T00:00:00Z"}', "not an ISO 8601 timestamp"),
    ],
    ids=["garbage", "wrong-shape"],
)
def test_an_unreadable_pagerduty_cursor_is_recovered_by_a_reconciling_full_read(
    cursor: str,
    problem: str,
    pagerduty: FakePagerDuty,
    warehouse: Warehouse,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    recovers_pagerduty(cursor, problem, pagerduty, warehouse, tmp_path, caplog)


def test_a_future_pagerduty_cursor_is_recovered_on_either_warehouse(
    pagerduty: FakePagerDuty,
    any_warehouse: Warehouse,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    recovers_pagerduty(
        "2999-01-01T00:00:00Z", "is in the future", pagerduty, any_warehouse, tmp_path, caplog
    )


def recovers_pagerduty(
    cursor: str,
    problem: str,
    pagerduty: FakePagerDuty,
    any_warehouse: Warehouse,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    load_pagerduty(pagerduty, any_warehouse, "run-1")
    pagerduty.incidents = pagerduty.incidents[:2]  # P3 deleted at the source
    store_cursor(any_warehouse, "pagerduty", "incidents", cursor)
    pagerduty.requests.clear()
    with caplog.at_level(logging.ERROR, logger=LOG.name):
        recovered = load_pagerduty(pagerduty, any_warehouse, "run-2")
    clean_warehouse = Warehouse(database=str(tmp_path / "clean.duckdb"))
    clean = load_pagerduty(pagerduty, clean_warehouse, "clean")
    pagerduty.requests.clear()
    following = load_pagerduty(pagerduty, any_warehouse, "run-3")

    assert recovered.cursor_recovery is not None and problem in recovered.cursor_recovery
    assert "ingestion.cursor_unusable" in caplog.text and problem in caplog.text
    assert pagerduty.requests[0].param("since") is not None, "incremental again"
    assert (recovered.extracted, recovered.soft_deleted, recovered.deleted) == (2, 1, 0)
    assert (recovered.staged, recovered.table_rows) == (2, 3)
    assert recovered.cursor_after == clean.cursor_after == "2026-10-02T10:00:00Z"
    assert read_cursor(any_warehouse, "pagerduty", "incidents") == clean.cursor_after
    assert live_and_deleted(any_warehouse, INCIDENTS.sql_name, "incident_id") == (
        ["P1", "P2"],
        ["P3"],
    )
    assert live_and_deleted(clean_warehouse, INCIDENTS.sql_name, "incident_id")[0] == ["P1", "P2"]
    # The new cursor is a good one: the next run reads incrementally again.
    assert following.cursor_recovery is None
    assert following.soft_deleted == 0


# Dataverse: a delta link of another table, a delta link to another host -------------


@pytest.fixture
def dataverse() -> Iterator[tuple[FakeDataverse, DataverseSettings]]:
    tokens = FakeTokenEndpoint("client", "secret")
    fake = FakeDataverse(tokens)
    for number in range(1, 4):
        fake.upsert("contacts", contact(f"c-{number}"))
    with tokens.running(), fake.running():
        yield (
            fake,
            DataverseSettings(
                url=fake.url,
                token_url=tokens.token_url,
                client_id="client",
                client_secret="secret",
                scope=f"{fake.url}/.default",
                retry=FAST_RETRY,
                timeout_seconds=5.0,
            ),
        )


@pytest.fixture
def elsewhere() -> Iterator[OtherOriginApi]:
    """Another origin, where a forged delta link points and no request may go."""
    fake = OtherOriginApi()
    with fake.running():
        yield fake


def test_a_delta_link_of_another_table_or_host_is_recovered_without_a_request_there(
    dataverse: tuple[FakeDataverse, DataverseSettings],
    elsewhere: OtherOriginApi,
    tmp_path: Path,
) -> None:
    fake, settings = dataverse
    warehouse = Warehouse(database=str(tmp_path / "warehouse.duckdb"))

    def land(run_id: str) -> IngestionReport:
        with DataverseConnector(settings) as connector:
            return ingest(connector, CONTACTS, warehouse, run_id=run_id, log=LOG)[0]

    land("run-1")
    fake.delete("contacts", "c-2")
    bad_links = {
        "is for": f"{fake.url}{API_PATH}accounts?$deltatoken=1",
        "is not on": f"{elsewhere.base_url}{API_PATH}contacts?$deltatoken=1",
    }
    reports = {}
    for expected, link in bad_links.items():
        store_cursor(warehouse, "dataverse", "crm_contacts", json.dumps({"delta_link": link}))
        reports[expected] = land(f"run-{expected}")

    assert elsewhere.requests == []
    for expected, report in reports.items():
        assert report.cursor_recovery is not None and expected in report.cursor_recovery
    assert reports["is for"].soft_deleted == 1 and reports["is not on"].soft_deleted == 0
    stored = json.loads(read_cursor(warehouse, "dataverse", "crm_contacts") or "{}")
    assert stored["delta_link"].startswith(f"{fake.url}{API_PATH}contacts?")
    assert live_and_deleted(warehouse, CONTACTS.sql_name, "contactid") == (["c-1", "c-3"], ["c-2"])


# The DORA demo: a full read is a window, not a snapshot -------------------------------


def test_a_future_demo_cursor_reloads_the_window_and_equals_a_clean_load(tmp_path: Path) -> None:
    warehouse = Warehouse(database=str(tmp_path / "warehouse.duckdb"))
    clean_warehouse = Warehouse(database=str(tmp_path / "clean.duckdb"))
    connector = demo(days=7)
    ingest(connector, INCIDENTS, warehouse, run_id="run-1", log=LOG)
    store_cursor(warehouse, "demo", "incidents", "2999-01-01T00:00:00+00:00")
    recovered, _ = ingest(connector, INCIDENTS, warehouse, run_id="run-2", log=LOG)
    clean, _ = ingest(connector, INCIDENTS, clean_warehouse, run_id="run-1", log=LOG)

    assert recovered.cursor_recovery is not None and "after" in recovered.cursor_recovery
    assert (recovered.extracted, recovered.inserted, recovered.updated) == (clean.extracted, 0, 0)
    assert recovered.soft_deleted == 0, "the demo's window is not a snapshot"
    assert recovered.cursor_after == clean.cursor_after

    def table(w: Warehouse) -> list[tuple]:
        # _loaded_at aside: the clean load ran later; the recovered rows kept run-1's.
        columns = ", ".join([*INCIDENTS.column_names, "_source", "_run_id", "_deleted_at"])
        with w.connect() as session:
            return session.execute(
                f"select {columns} from {INCIDENTS.sql_name} order by 1"
            ).fetchall()

    assert table(warehouse) == table(clean_warehouse)


# Every connector names what is wrong with its cursor ---------------------------------


def _connectors(tmp_path: Path) -> dict[str, tuple[Connector, str]]:
    github = GitHubConnector(
        ResilientHttpClient(base_url="http://127.0.0.1:9"), GitHubSettings(repositories=("o/r",))
    )
    return {
        "github": (github, "deployments"),
        "files": (FileSourceConnector(tmp_path, RAW_CONTRACTS), "deployments"),
        "spreadsheet": (
            SpreadsheetConnector(tmp_path, load_column_map(REPOSITORY / DEFAULT_COLUMN_MAP)),
            "spreadsheet_customers",
        ),
        "customer-demo": (
            CustomerDemoConnector(CustomerDemoSettings(people=10, as_of=date(2026, 11, 1))),
            "crm_contacts",
        ),
        "customer-demo-weather": (
            CustomerDemoConnector(CustomerDemoSettings(people=10, as_of=date(2026, 11, 1))),
            "weather_daily",
        ),
    }


GOOD_AND_BAD = {
    "github": (
        '{"o/r": {"deployments": "2026-10-01T00:00:00Z"}}',
        ['["o/r"]', '{"o/r": "2026"}', '{"o/r": {"pulls": "2999-01-01T00:00:00Z"}}'],
    ),
    "files": ("sha256:" + "0" * 64, ["sha256:xyz", "garbage"]),
    "spreadsheet": ('{"a.xlsx": "' + "a" * 64 + '"}', ["[1]", '{"a.xlsx": 3}', "{oops"]),
    "customer-demo": ('{"run": 1, "population": "7:10"}', ['{"run": 9, "population": "7:10"}']),
    "customer-demo-weather": ("2026-10-30", ["2999-01-01", "yesterday"]),
}


@pytest.mark.parametrize("name", sorted(GOOD_AND_BAD))
def test_each_connector_accepts_its_own_cursor_and_names_what_is_wrong_with_others(
    name: str, tmp_path: Path
) -> None:
    connector, entity = _connectors(tmp_path)[name]
    good, bad = GOOD_AND_BAD[name]
    assert connector.check_cursor(entity, good) is None
    problems = [connector.check_cursor(entity, cursor) for cursor in bad]
    assert all(problem for problem in problems), dict(zip(bad, problems, strict=True))
