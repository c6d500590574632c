"""Run telemetry read back from the file a log shipper tails: a real ingestion and real dbt
steps run by Dagster on a DuckDB file write one line each, with the documented fields and
the counts their materializations carry; a failed ingestion writes its failure category."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, fields
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, get_type_hints

import dagster as dg
import pytest

from platform_assets.domains.dora.raw_assets import raw_assets
from platform_assets.domains.dora.sources import DoraSource
from platform_assets.telemetry.reader import read_records
from platform_assets.telemetry.record import SCHEMA_VERSION, ModelResult, StepRecord
from platform_assets.telemetry.sink import TELEMETRY_PATH_ENV
from platform_assets.warehouse import Warehouse, WarehouseIOManager
from tests.ingestion.conftest import END
from tests.integration.pipeline_runs import project_job

RAW = "raw/deployments"
MODEL = "staging/stg_dora__deployments"
SEED = "reference/dora_performance_bands"
DOC = Path(__file__).resolve().parents[2] / "docs" / "monitoring.md"


@dataclass(frozen=True)
class Built:
    result: dg.ExecuteInProcessResult
    records: list[StepRecord]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """One run of a raw table, a dbt model built from it and a seed: an ingestion step and
    a dbt step."""
    from platform_assets.definitions import defs

    folder = tmp_path_factory.mktemp("telemetry")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(TELEMETRY_PATH_ENV, str(folder / "steps.jsonl"))
        patch.setenv("PLATFORM_WAREHOUSE_PATH", str(folder / "warehouse.duckdb"))
        patch.setenv("PLATFORM_DORA_DEMO_END", END.isoformat())
        patch.setenv("PLATFORM_DORA_DEMO_DAYS", "10")
        selection = dg.AssetSelection.assets(RAW, MODEL, SEED)
        job = project_job(defs, "telemetry", selection)
        with dg.instance_for_test() as instance:
            result = job.execute_in_process(instance=instance)
            yield Built(result, read_records(folder / "steps.jsonl"))


def _materialized(result: dg.ExecuteInProcessResult) -> dict[str, dict[str, Any]]:
    return {
        event.asset_key.to_user_string(): {
            key: value.value for key, value in event.materialization.metadata.items()
        }
        for event in result.get_asset_materialization_events()
    }


def _by_kind(records: list[StepRecord]) -> dict[str, StepRecord]:
    assert len({record.kind for record in records}) == len(records), records
    return {record.kind: record for record in records}


def test_one_line_per_step_with_every_field_typed(built: Built) -> None:
    assert built.result.success
    steps = {event.step_key for event in built.result.get_asset_materialization_events()}
    assert sorted(record.step_key for record in built.records) == sorted(steps)
    hints = get_type_hints(StepRecord)
    for record in built.records:
        assert record.schema_version == SCHEMA_VERSION
        assert record.event == "step_succeeded"
        assert record.run_id == built.result.run_id
        assert record.timestamp.endswith("+00:00")
        for field in fields(StepRecord):
            assert isinstance(getattr(record, field.name), _runtime_types(hints[field.name])), (
                field.name
            )


def test_the_ingestion_line_has_the_counts_of_its_materialization(built: Built) -> None:
    line = _by_kind(built.records)["ingestion"]
    metadata = _materialized(built.result)[RAW]
    assert line.asset_keys == [RAW]
    assert (line.source, line.sink) == (metadata["source"], metadata["sink"])
    assert line.rows_extracted == metadata["rows_extracted"] > 0
    for name in (
        "rows_staged",
        "rows_loaded",
        "rows_final",
        "rows_inserted",
        "rows_updated",
        "rows_deleted",
        "rows_soft_deleted",
        "rows_quarantined",
    ):
        assert getattr(line, name) == metadata[name], name
    assert line.rows_final == metadata["dagster/row_count"]
    assert (line.failure_category, line.request_retries, line.step_retries) == ("none", 0, 0)


def test_the_dbt_line_has_the_manifest_selector_and_dbt_counts(built: Built) -> None:
    line = _by_kind(built.records)["dbt"]
    materialized = _materialized(built.result)
    assert sorted(line.asset_keys) == [SEED, MODEL]
    models = {model.asset_key: model for model in line.models}
    assert set(models) == {SEED, MODEL}
    for key in (SEED, MODEL):
        assert materialized[key]["manifest_path"] == line.manifest_path
        assert materialized[key]["selector"] == line.selector
        assert models[key].status == "success"
    assert Path(str(line.manifest_path)).name == "manifest.json"
    assert line.selector is not None and line.selector.startswith("--select")
    # dbt-duckdb reports no row count for a model; a seed reports the rows it loaded.
    assert models[MODEL].rows_affected is None
    assert models[SEED].rows_affected is not None and models[SEED].rows_affected > 0
    assert models[MODEL].relation is not None and "stg_dora__deployments" in models[MODEL].relation
    observed = [
        event.asset_observation_data.asset_observation
        for event in built.result.all_events
        if event.event_type == dg.DagsterEventType.ASSET_OBSERVATION
    ]
    rows = {o.asset_key.to_user_string(): o.metadata["rows_affected"].value for o in observed}
    assert rows == {SEED: models[SEED].rows_affected}


def test_the_doc_lists_every_field() -> None:
    text = DOC.read_text()
    for name in [f.name for f in fields(StepRecord)] + [f.name for f in fields(ModelResult)]:
        assert f"`{name}`" in text, name


class _Unauthorized(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"message": "Bad credentials"}')

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test reads the telemetry line, not the server's log."""


def test_a_failed_ingestion_writes_step_failed_with_its_category(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Unauthorized)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    telemetry = tmp_path / "steps.jsonl"
    monkeypatch.setenv(TELEMETRY_PATH_ENV, str(telemetry))
    monkeypatch.setenv("PLATFORM_GITHUB_API_URL", f"http://127.0.0.1:{server.server_port}")
    monkeypatch.setenv("PLATFORM_GITHUB_REPOSITORIES", "octo/demo")
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_" + "x" * 36)
    database = str(tmp_path / "warehouse.duckdb")
    pulls = next(a for a in raw_assets if a.key == dg.AssetKey(["raw", "pull_requests"]))
    try:
        result = dg.materialize(
            [pulls],
            resources={
                "dora_source": DoraSource(kind="github"),
                "warehouse": Warehouse(database=database),
                "warehouse_io_manager": WarehouseIOManager(database=database),
            },
            raise_on_error=False,
        )
    finally:
        server.shutdown()
    assert not result.success
    (line,) = read_records(telemetry)
    assert (line.event, line.kind, line.failure_category) == ("step_failed", "ingestion", "auth")
    assert line.run_id == result.run_id and line.asset_keys == ["raw/pull_requests"]
    assert line.error is not None and "x" * 36 not in telemetry.read_text()


def _runtime_types(hint: Any) -> tuple[type, ...]:
    """The classes a value of the annotated type may be: ``int | None`` gives
    ``(int, NoneType)``, ``list[ModelResult]`` gives ``(list,)``, a Literal its values'."""
    origin = getattr(hint, "__origin__", None)
    arguments = getattr(hint, "__args__", ())
    if origin is list:
        return (list,)
    if arguments:
        return tuple({t for argument in arguments for t in _runtime_types(argument)})
    return (type(hint),) if isinstance(hint, str) else (hint,)
