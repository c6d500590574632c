"""A source that changes shape loses nothing: a field it adds lands in ``_extras``, a
column it stops sending keeps its stored values, a value whose type changed is
quarantined with its reason. Each change is one row of ``ops.schema_drift_events``,
counted on the report and alerted by the raw asset's ``schema_drift`` check; migration
0002 adds ``_extras`` to the tables that predate it, and takes it away, rows intact."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import dagster as dg
import pandera.polars as pa
import polars as pl
import pytest
from pandera.engines.polars_engine import DateTime

from platform_assets.domains.dora.raw_assets import raw_assets
from platform_assets.domains.dora.sources import DoraSource
from platform_assets.ingestion import IngestionReport, RecordBatch, TableContract, ingest
from platform_assets.ingestion.validation import validate
from platform_assets.warehouse import Warehouse, WarehouseIOManager
from platform_assets.warehouse.migrations.commands import downgrade, upgrade
from tests.connectors.conftest import rows
from tests.ingestion.conftest import all_tables, table_frames
from tests.ingestion.customer_like import ScriptedConnector
from tests.monitoring.conftest import ROUTES_YAML
from tests.monitoring.sensor_harness import AlertSensorHarness, read_jsonl


class Tickets(pa.DataFrameModel):
    ticket_id: str = pa.Field(unique=True)
    status: str = pa.Field(nullable=True)
    priority: int = pa.Field(nullable=True)
    opened_at: DateTime = pa.Field(nullable=False, dtype_kwargs={"time_zone": "UTC"})

    class Config:
        name = "tickets"


TICKETS = TableContract.from_pandera(Tickets, schema="raw", table="tickets")
OPENED = "2026-10-01T10:00:00Z"


def ticket(ticket_id: str, **fields: object) -> dict[str, object]:
    return {"ticket_id": ticket_id, "status": "open", "priority": 1, "opened_at": OPENED, **fields}


def load(warehouse: Warehouse, log, records: list, run_id: str) -> IngestionReport:
    connector = ScriptedConnector(
        [RecordBatch(records, cursor=None)], entities=frozenset({"tickets"})
    )
    report, _ = ingest(connector, TICKETS, warehouse, run_id=run_id, log=log)
    return report


def events(warehouse: Warehouse) -> list[tuple]:
    return rows(
        warehouse,
        "select column_name, change, detail, first_seen_run_id, last_seen_run_id "
        "from ops.schema_drift_events order by change, column_name",
    )


def stored(warehouse: Warehouse) -> list[tuple]:
    return rows(
        warehouse, "select ticket_id, status, priority, _extras from raw.tickets order by 1"
    )


@pytest.fixture
def warehouse(any_warehouse: Warehouse) -> Warehouse:
    return any_warehouse


def test_an_added_field_is_kept_in_extras_and_recorded_once(warehouse, log) -> None:
    batch = [ticket("t1", channel="email", tags=["vip"]), ticket("t2")]

    first = load(warehouse, log, batch, "run-1")
    before = all_tables(warehouse)
    rerun = load(warehouse, log, batch, "run-2")

    assert stored(warehouse) == [
        ("t1", "open", 1, '{"channel":"email","tags":["vip"]}'),
        ("t2", "open", 1, None),
    ]
    assert (first.columns_added, first.columns_removed, first.rows_retyped) == (2, 0, 0)
    assert (rerun.inserted, rerun.updated, rerun.columns_added) == (0, 0, 2)
    assert all_tables(warehouse) == before
    detail = "not in the contract; kept in _extras"
    assert events(warehouse) == [
        ("channel", "added", detail, "run-1", "run-2"),
        ("tags", "added", detail, "run-1", "run-2"),
    ]


def test_a_field_added_later_reaches_the_rows_already_loaded(warehouse, log) -> None:
    load(warehouse, log, [ticket("t1")], "run-1")
    report = load(warehouse, log, [ticket("t1", channel="phone")], "run-2")

    assert report.updated == 1
    assert stored(warehouse) == [("t1", "open", 1, '{"channel":"phone"}')]


def test_a_removed_column_keeps_stored_values_and_new_rows_get_null(warehouse, log) -> None:
    load(warehouse, log, [ticket("t1", priority=3), ticket("t2", priority=2)], "run-1")
    without_priority = [
        {k: v for k, v in ticket(i, status="closed").items() if k != "priority"}
        for i in ("t1", "t3")
    ]

    report = load(warehouse, log, without_priority, "run-2")

    assert (report.inserted, report.updated, report.columns_removed) == (1, 1, 1)
    assert stored(warehouse) == [
        ("t1", "closed", 3, None),
        ("t2", "open", 2, None),
        ("t3", "closed", None, None),
    ]
    assert events(warehouse) == [
        (
            "priority",
            "removed",
            "no record carried it; new rows get NULL, stored values are kept",
            "run-2",
            "run-2",
        )
    ]


def test_a_retyped_value_quarantines_its_row_with_the_types(warehouse, log) -> None:
    report = load(
        warehouse,
        log,
        [ticket("t1", priority="high"), ticket("t2", priority=2), ticket("t3", priority={"p": 1})],
        "run-1",
    )

    assert stored(warehouse) == [("t2", "open", 2, None)]
    assert (report.loaded, report.quarantined, report.rows_retyped) == (1, 2, 2)
    assert rows(warehouse, "select record_key, reason from ops.quarantine order by 1") == [
        ("t1", "wrong type for priority: expected integer, got string 'high'"),
        ("t3", 'wrong type for priority: expected integer, got dict {"p": 1}'),
    ]
    assert events(warehouse) == [
        (
            "priority",
            "retyped",
            "expected integer, got dict (1 values), string (1 values); "
            "those records were quarantined",
            "run-1",
            "run-1",
        )
    ]


def test_columnar_and_dict_records_keep_the_same_extras_and_retypings() -> None:
    records = [ticket("t1", channel="email", rank=2), ticket("t2", priority="high")]
    frame = pl.DataFrame(records, schema={name: pl.String for name in records[0]})
    frame = frame.with_columns(pl.Series("rank", [2, None]))

    from_dicts, from_frame = validate(TICKETS, [records]), validate(TICKETS, [frame])

    assert from_dicts.rows.get_column("_extras").to_list() == ['{"channel":"email","rank":2}']
    assert from_frame.rows.get_column("_extras").to_list() == ['{"channel":"email","rank":2}']
    assert from_frame.retyped_columns == {"priority": {"string": 1}}
    assert from_frame.quarantined.get_column("reason").to_list() == [
        "wrong type for priority: expected integer, got string 'high'"
    ]


def table_hashes(warehouse: Warehouse) -> dict[str, str]:
    """sha256 of every raw and ops table's rows (``_extras`` and the migration's own
    tables aside), the same on both databases."""
    frames = table_frames(warehouse, ("raw", "ops"))
    skipped = {"ops.alembic_version", "ops.schema_drift_events"}
    return {
        name: hashlib.sha256(
            json.dumps(
                frame.drop("_extras", strict=False).sort(frame.columns[0]).rows(), default=str
            ).encode()
        ).hexdigest()
        for name, frame in frames.items()
        if name not in skipped
    }


def extras_tables(warehouse: Warehouse) -> list[tuple]:
    return rows(
        warehouse,
        "select table_schema, table_name from information_schema.columns "
        "where column_name = '_extras' order by 1, 2",
    )


def test_migration_0002_up_down_up_keeps_every_row(warehouse, log) -> None:
    load(warehouse, log, [ticket("t1", channel="email"), ticket("t2", priority="high")], "run-1")
    downgrade(warehouse, "0001")
    assert extras_tables(warehouse) == []
    hashes = table_hashes(warehouse)
    assert set(hashes) >= {"raw.tickets", "ops.quarantine"}

    assert upgrade(warehouse, "0002") == "0002"
    assert extras_tables(warehouse) == [("raw", "tickets")]
    assert table_hashes(warehouse) == hashes
    assert downgrade(warehouse, "0001") == "0001"
    assert rows(
        warehouse,
        "select count(*) from information_schema.tables where table_name = 'schema_drift_events'",
    ) == [(0,)]
    assert table_hashes(warehouse) == hashes
    upgrade(warehouse)
    assert table_hashes(warehouse) == hashes

    report = load(warehouse, log, [ticket("t1", channel="sms")], "run-2")
    assert (report.updated, stored(warehouse)[0]) == (1, ("t1", "open", 1, '{"channel":"sms"}'))


DEPLOYMENTS = next(a for a in raw_assets if a.key == dg.AssetKey(["raw", "deployments"]))
HEADER = "deployment_id,service,environment,result,started_at,finished_at,source,trigger_kind"
LINE = "d-1,checkout,PRODUCTION,SUCCESS,2026-10-01T10:00:00Z,2026-10-01T10:05:00Z,ci,planned"


def test_the_schema_drift_check_warns_and_alerts_until_the_source_matches(
    integration_instance, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = tmp_path / "export"
    files.mkdir()
    (files / "deployments.csv").write_text(f"{HEADER},region\n{LINE},eu-west\n")
    monkeypatch.setenv("PLATFORM_DORA_FILES_DIR", str(files))
    database = str(tmp_path / "warehouse.duckdb")
    resources = {
        "dora_source": DoraSource(kind="files"),
        "warehouse": Warehouse(database=database),
        "warehouse_io_manager": WarehouseIOManager(database=database),
    }
    routes = tmp_path / "alert_routes.yaml"
    routes.write_text(ROUTES_YAML.format(root=tmp_path))
    sensor = AlertSensorHarness(integration_instance, [DEPLOYMENTS], routes, resources)
    sensor.tick()

    def drift_check() -> dg.AssetCheckEvaluation:
        result = dg.materialize([DEPLOYMENTS], resources=resources, instance=integration_instance)
        [check] = [
            c for c in result.get_asset_check_evaluations() if c.check_name == "schema_drift"
        ]
        return check

    drifted = drift_check()
    sensor.tick()
    (files / "deployments.csv").write_text(f"{HEADER}\n{LINE}\n")
    matching = drift_check()
    sensor.tick()

    assert (drifted.passed, drifted.severity) == (False, dg.AssetCheckSeverity.WARN)
    assert "added region: not in the contract; kept in _extras" in (drifted.description or "")
    [event] = drifted.metadata["events"].value
    assert (event["column_name"], event["change"]) == ("region", "added")
    assert matching.passed
    notices = [
        (a["condition"], a["kind"], a["severity"]) for a in read_jsonl(tmp_path / "alerts.jsonl")
    ]
    assert notices == [
        ("check:schema_drift", "opened", "warning"),
        ("check:schema_drift", "resolved", "warning"),
    ]
    assert not (tmp_path / "pager.jsonl").exists()
