"""The DORA pipeline end to end, as `make run` runs it: the project's own definitions,
the bundled demo source, a real DuckDB file, real dbt, a real Dagster instance.

This is the integration test the Beta and GA DORA assets claim (BETA.INTEGRATION_TESTED):
the `integration_instance` fixture verifies that every asset of the covered groups was
materialized here.
"""

from __future__ import annotations

import json

import dagster as dg
import duckdb
import pytest

from platform_assets.integrations.dbt.assets import figures_metadata
from platform_assets.stages.contract_metadata import COLUMN_SCHEMA_KEY, DOMAIN_TAG
from tests.integration.pipeline_runs import project_job, schema_tables

HEADLINE_MART = "marts.agg_dora__headline_figures"
COMPARED_SCHEMAS = ("raw", "staging", "intermediate", "marts", "reference")
#: The DORA graph alone: the code location holds other domains (the customer view), whose
#: own integration test runs them; running them here would only double this test's time.
DORA_GRAPH = dg.AssetSelection.tag(DOMAIN_TAG, "dora").upstream()


def _assert_recorded_in_lineage_order(
    instance: dg.DagsterInstance, run_id: str, defs: dg.Definitions
) -> None:
    """dbt's results are recorded as dbt reports them, none held back: every asset is
    recorded after the parents it was built from, and every check after the asset it
    checked, or the check would be shown against the asset's previous materialization."""
    graph = defs.resolve_asset_graph()
    recorded: set[dg.AssetKey] = set()
    checked = 0
    for record in instance.all_logs(run_id):
        event = record.dagster_event
        if event is None:
            continue
        if event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION:
            key = event.asset_key
            unrecorded = [
                parent.to_user_string()
                for parent in graph.get(key).parent_keys
                if graph.has(parent)
                and graph.get(parent).is_materializable
                and parent not in recorded
            ]
            assert unrecorded == [], f"{key.to_user_string()} recorded before {unrecorded}"
            recorded.add(key)
        elif event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            key = event.event_specific_data.asset_key
            assert key in recorded, f"a check of {key.to_user_string()} before the asset"
            checked += 1
    assert checked > 100


def _assert_dbt_outputs_carry_written_columns_and_figures(
    result: dg.ExecuteInProcessResult, warehouse_path
) -> None:
    """Each dbt model's and seed's materialization records the columns the warehouse holds,
    with their types (what column stability compares), and the headline figures mart, alone,
    the figures of the row it wrote."""
    with duckdb.connect(str(warehouse_path), read_only=True) as connection:
        written: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for schema, table, column, data_type in connection.execute(
            "select table_schema, table_name, column_name, data_type "
            "from information_schema.columns order by table_schema, table_name, ordinal_position"
        ).fetchall():
            written.setdefault((schema, table), []).append((column, data_type))
        (row,) = connection.execute(
            f"select to_json(figures) from {HEADLINE_MART} as figures"
        ).fetchall()
    headline = figures_metadata(json.loads(row[0]))
    assert headline, "the headline figures mart records no figure"
    models = 0
    for event in result.get_asset_materialization_events():
        materialization = event.step_materialization_data.materialization
        key = materialization.asset_key
        if key.path[0] not in ("staging", "intermediate", "marts", "reference"):
            continue
        schema = materialization.metadata[COLUMN_SCHEMA_KEY].value
        recorded = [(column.name, column.type) for column in schema.columns]
        assert recorded == written[(key.path[0], key.path[1])], key.to_user_string()
        models += 1
        figures = {
            name: value for name, value in materialization.metadata.items() if name in headline
        }
        expected = headline if key.to_user_string() == HEADLINE_MART.replace(".", "/") else {}
        assert figures == expected, key.to_user_string()
    assert models > 30


# A literal list: the stage audit reads the claim from the source without running it.
@pytest.mark.integration(
    covers=[
        "group:dora_raw",
        "group:dora_staging",
        "group:dora_intermediate",
        "group:dora_marts",
        "group:dora_reference",
    ]
)
def test_the_dora_graph_materializes_with_every_check_passing_and_reruns_identically(
    integration_instance, warehouse_path
):
    from platform_assets.definitions import defs

    job = project_job(defs, "dora_pipeline", DORA_GRAPH)
    first = job.execute_in_process(instance=integration_instance, raise_on_error=False)
    assert first.success

    failed_checks = [
        f"{e.asset_key.to_user_string()}:{e.check_name}: {e.description}"
        for e in first.get_asset_check_evaluations()
        if not e.passed
    ]
    assert failed_checks == []
    assert len(first.get_asset_check_evaluations()) > 100

    _assert_recorded_in_lineage_order(integration_instance, first.run_id, defs)
    _assert_dbt_outputs_carry_written_columns_and_figures(first, warehouse_path)

    before = schema_tables(warehouse_path, COMPARED_SCHEMAS)
    frequency = before["marts.fct_deployment_frequency"]
    assert frequency.height > 0
    assert set(frequency["grain"].unique()) == {"day", "week", "month"}
    failure_rate = before["marts.fct_change_failure_rate"]["change_failure_rate"].drop_nulls()
    assert failure_rate.len() > 0
    assert failure_rate.min() >= 0 and failure_rate.max() <= 1

    second = job.execute_in_process(instance=integration_instance, raise_on_error=False)
    assert second.success
    after = schema_tables(warehouse_path, COMPARED_SCHEMAS)
    assert after.keys() == before.keys()
    changed = [name for name in before if not before[name].equals(after[name])]
    assert changed == [], "a rerun must leave every table identical"
