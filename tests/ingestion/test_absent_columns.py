"""A column a batch does not carry at all is left alone in the warehouse: a file without
the optional ``started_at`` column (or JSON records without the key) updates the other
columns and keeps the stored start times; an explicit empty value still clears one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from platform_assets.domains.dora.raw_schemas import RAW_CONTRACTS
from platform_assets.ingestion import IngestionReport, ingest
from platform_assets.integrations.file_source import FileSourceConnector
from platform_assets.warehouse import Warehouse
from tests.connectors.conftest import rows

CONTRACT = RAW_CONTRACTS["deployments"]
HEADER = "deployment_id,service,environment,result,started_at,finished_at,source,trigger_kind\n"
WITH_STARTS = HEADER + (
    "d-1,checkout,PRODUCTION,SUCCESS,2026-10-01T10:00:00Z,2026-10-01T10:05:00Z,ci,planned\n"
    "d-2,checkout,STAGING,FAILURE,2026-10-02T09:00:00Z,2026-10-02T09:04:00Z,ci,unknown\n"
)
STARTS = [("d-1", "2026-10-01 10:00:00+00"), ("d-2", "2026-10-02 09:00:00+00")]


@pytest.fixture
def warehouse(any_warehouse: Warehouse) -> Warehouse:
    """Every test of this module on DuckDB and on PostgreSQL."""
    return any_warehouse


def load(folder: Path, warehouse: Warehouse, log, run_id: str) -> IngestionReport:
    connector = FileSourceConnector(folder, RAW_CONTRACTS)
    report, _ = ingest(connector, CONTRACT, warehouse, run_id=run_id, log=log)
    return report


def stored(warehouse: Warehouse) -> list[tuple]:
    return rows(
        warehouse,
        "select deployment_id, started_at::varchar, result from raw.deployments order by 1",
    )


def test_a_csv_without_an_optional_column_keeps_its_stored_values(tmp_path, warehouse, log) -> None:
    (tmp_path / "deployments.csv").write_text(WITH_STARTS)
    load(tmp_path, warehouse, log, "run-1")
    (tmp_path / "deployments.csv").write_text(
        "deployment_id,service,environment,result,finished_at,source,trigger_kind\n"
        "d-1,checkout,PRODUCTION,SUCCESS,2026-10-01T10:05:00Z,ci,planned\n"
        "d-2,checkout,STAGING,SUCCESS,2026-10-02T09:04:00Z,ci,unknown\n"
    )

    report = load(tmp_path, warehouse, log, "run-2")

    assert (report.inserted, report.updated) == (0, 1)
    assert stored(warehouse) == [(*STARTS[0], "SUCCESS"), (*STARTS[1], "SUCCESS")]


def test_json_records_without_the_key_keep_its_stored_values(tmp_path, warehouse, log) -> None:
    (tmp_path / "deployments.csv").write_text(WITH_STARTS)
    load(tmp_path, warehouse, log, "run-1")
    (tmp_path / "deployments.csv").unlink()
    base = {
        "service": "checkout",
        "environment": "PRODUCTION",
        "finished_at": "2026-10-01T10:05:00Z",
        "source": "ci",
        "trigger_kind": "planned",
    }
    records = [
        {**base, "deployment_id": "d-1", "result": "ABORTED"},
        {**base, "deployment_id": "d-3", "result": "SUCCESS"},
    ]
    (tmp_path / "deployments.jsonl").write_text("\n".join(map(json.dumps, records)))

    report = load(tmp_path, warehouse, log, "run-2")

    assert (report.inserted, report.updated) == (1, 1)
    assert stored(warehouse) == [
        (*STARTS[0], "ABORTED"),
        (*STARTS[1], "FAILURE"),
        ("d-3", None, "SUCCESS"),
    ]


def test_an_explicit_null_in_a_carried_column_still_clears_it(tmp_path, warehouse, log) -> None:
    (tmp_path / "deployments.csv").write_text(WITH_STARTS)
    load(tmp_path, warehouse, log, "run-1")
    (tmp_path / "deployments.csv").write_text(WITH_STARTS.replace("2026-10-02T09:00:00Z", ""))
    csv_report = load(tmp_path, warehouse, log, "run-2")
    (tmp_path / "deployments.csv").unlink()
    (tmp_path / "deployments.jsonl").write_text(
        json.dumps(
            {
                "deployment_id": "d-1",
                "service": "checkout",
                "environment": "PRODUCTION",
                "result": "SUCCESS",
                "started_at": None,
                "finished_at": "2026-10-01T10:05:00Z",
                "source": "ci",
                "trigger_kind": "planned",
            }
        )
    )

    json_report = load(tmp_path, warehouse, log, "run-3")

    assert (csv_report.updated, json_report.updated) == (1, 1)
    assert stored(warehouse) == [("d-1", None, "SUCCESS"), ("d-2", None, "FAILURE")]
