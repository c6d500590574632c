"""Issue 15, item 3: rows of one file that share a key are settled by a documented rule
that does not depend on their order: identical rows are kept once, a deployment's
differing rows by result, then finish, then start, and any other table's differing rows
quarantined with the reason."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from platform_assets.domains.dora.raw_schemas import RAW_CONTRACTS
from platform_assets.domains.dora.sources import FILE_CONFLICT_RULES
from platform_assets.ingestion import ingest
from platform_assets.integrations.file_source import FileSourceConnector
from platform_assets.warehouse import Warehouse
from tests.connectors.conftest import rows

DEPLOYMENTS_HEADER = (
    "deployment_id,service,environment,result,started_at,finished_at,source,trigger_kind"
)
INCIDENTS_HEADER = "incident_id,service,title,created_at,source"
RAW_COLUMNS = (
    "deployment_id, service, environment, result, started_at::varchar, finished_at::varchar"
)


def deployment(
    key: str,
    result: str = "SUCCESS",
    finished: str = "10:05",
    started: str = "10:00",
    service: str = "checkout",
) -> str:
    return (
        f"{key},{service},PRODUCTION,{result},2026-10-01T{started}:00Z,"
        f"2026-10-01T{finished}:00Z,jenkins,planned"
    )


def land(folder: Path, warehouse: Warehouse, log, entity: str, lines: list[str]):
    header = DEPLOYMENTS_HEADER if entity == "deployments" else INCIDENTS_HEADER
    (folder / f"{entity}.csv").write_text("\n".join([header, *lines]) + "\n")
    connector = FileSourceConnector(folder, RAW_CONTRACTS, conflict_rules=FILE_CONFLICT_RULES)
    report, _ = ingest(connector, RAW_CONTRACTS[entity], warehouse, run_id="r", log=log)
    return report


def landed_deployments(warehouse: Warehouse) -> list[tuple]:
    return rows(warehouse, f"select {RAW_COLUMNS} from raw.deployments order by 1")


def quarantine(warehouse: Warehouse) -> list[tuple]:
    return rows(warehouse, "select record_key, reason, payload from ops.quarantine order by 1")


def test_identical_rows_are_kept_once(tmp_path, warehouse, log) -> None:
    report = land(tmp_path, warehouse, log, "deployments", [deployment("d-1")] * 3)
    assert (report.inserted, report.duplicates, report.quarantined) == (1, 2, 0)


@pytest.mark.parametrize("retry_first", [True, False])
def test_a_successful_retry_wins_over_the_failed_try_whatever_their_order(
    tmp_path, warehouse, log, retry_first: bool
) -> None:
    failed = deployment("d-1", "FAILURE", finished="10:09", started="10:00")
    retried = deployment("d-1", "SUCCESS", finished="10:08", started="10:02")
    lines = [retried, failed] if retry_first else [failed, retried]
    report = land(tmp_path, warehouse, log, "deployments", lines)
    assert (report.inserted, report.duplicates, report.quarantined) == (1, 1, 0)
    assert [row[3] for row in landed_deployments(warehouse)] == ["SUCCESS"]


@pytest.mark.parametrize(
    ("rows_for_key", "kept"),
    [
        pytest.param(
            [deployment("d-1", "ABORTED"), deployment("d-1", "FAILURE")],
            "FAILURE",
            id="failure-over-aborted",
        ),
        pytest.param(
            [deployment("d-1", finished="10:07"), deployment("d-1", finished="10:06")],
            "10:07",
            id="latest-finish",
        ),
        pytest.param(
            [deployment("d-1", started="10:01"), deployment("d-1", started="10:02")],
            "10:02",
            id="latest-start",
        ),
    ],
)
def test_differing_deployments_are_settled_by_result_then_finish_then_start(
    tmp_path, warehouse, log, rows_for_key: list[str], kept: str
) -> None:
    land(tmp_path, warehouse, log, "deployments", rows_for_key)
    assert kept in str(landed_deployments(warehouse)[0])
    assert quarantine(warehouse) == []


def test_deployments_the_rule_cannot_tell_apart_are_quarantined(tmp_path, warehouse, log) -> None:
    lines = [deployment("d-1", service="checkout"), deployment("d-1", service="payments")]
    report = land(tmp_path, warehouse, log, "deployments", [*lines, deployment("d-2")])
    assert (report.inserted, report.quarantined) == (1, 1)
    [(key, reason, payload)] = quarantine(warehouse)
    assert (key, reason) == (
        "d-1",
        "conflicting_rows: 2 rows for key d-1 differ in columns service",
    )
    assert sorted(row["service"] for row in json.loads(payload)) == ["checkout", "payments"]


def test_other_tables_quarantine_differing_rows_with_the_columns_that_differ(
    tmp_path, warehouse, log
) -> None:
    first = "INC-1,checkout,Checkout down,2026-10-01T10:00:00Z,opsgenie"
    second = "INC-1,checkout,Checkout slow,2026-10-01T10:00:00+00,opsgenie"
    good = "INC-2,checkout,Search down,2026-10-01T11:00:00Z,opsgenie"
    report = land(tmp_path, warehouse, log, "incidents", [first, second, good, good])
    assert (report.inserted, report.quarantined) == (1, 1)
    assert [row[:2] for row in quarantine(warehouse)] == [
        ("INC-1", "conflicting_rows: 2 rows for key INC-1 differ in columns title")
    ]


def test_shuffling_the_file_gives_identical_raw_tables(tmp_path, log) -> None:
    lines = [
        deployment("d-1", "FAILURE", finished="10:09"),
        deployment("d-1", "SUCCESS", finished="10:08"),
        deployment("d-1", "ABORTED"),
        deployment("d-2", finished="10:06"),
        deployment("d-2", finished="10:07"),
        deployment("d-2", finished="10:07"),
        deployment("d-3", service="checkout"),
        deployment("d-3", service="payments"),
        *(deployment(f"d-{n}") for n in range(4, 12)),
    ]
    outcomes = set()
    for seed in range(6):
        shuffled = random.Random(seed).sample(lines, len(lines))
        folder = tmp_path / f"shuffle-{seed}"
        folder.mkdir()
        warehouse = Warehouse(database=str(folder / "warehouse.duckdb"))
        land(folder, warehouse, log, "deployments", shuffled)
        outcomes.add((tuple(landed_deployments(warehouse)), tuple(quarantine(warehouse))))
    assert len(outcomes) == 1
    [(landed, quarantined)] = outcomes
    assert [row[0] for row in landed] == [
        "d-1",
        "d-10",
        "d-11",
        "d-2",
        *(f"d-{n}" for n in range(4, 10)),
    ]
    assert [row[0] for row in quarantined] == ["d-3"]
