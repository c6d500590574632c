"""The dbt translator maps each model's declared contract (meta) onto the same tags,
metadata and policies a staged Python asset gets, on the project's real manifest."""

from __future__ import annotations

import dagster as dg
import pytest

from platform_assets.stages.contract_metadata import CHECK_ASSERTS_KEY, metadata_value


@pytest.fixture(scope="module")
def graph():
    from platform_assets.definitions import defs

    return defs.resolve_asset_graph()


def node(graph, key: str):
    return graph.get(dg.AssetKey.from_user_string(key))


def test_a_model_carries_its_declared_stage_owners_and_semver_with_the_sql_hash(graph):
    mart = node(graph, "marts/fct_deployment_frequency")
    assert mart.tags["stage"] == "ga"
    assert mart.tags["alert_route"] == "paging"
    assert mart.tags["layer"] == "marts"
    assert mart.owners == ["team:dora-metrics"]
    version, _, content_hash = mart.code_version.partition("+")
    assert version == "1.0.0" and len(content_hash) == 8
    assert mart.group_name == "dora_marts"
    assert {"dbt", "duckdb", "sql"} <= set(mart.kinds)


def test_dbt_sources_are_the_python_assets_that_land_them(graph):
    staging = node(graph, "staging/stg_dora__deployments")
    assert dg.AssetKey(["raw", "deployments"]) in staging.parent_keys
    assert node(graph, "raw/deployments").tags["layer"] == "raw"


def test_beta_and_ga_models_get_a_freshness_policy_and_poc_alpha_none(graph):
    assert node(graph, "marts/fct_change_failure_rate").freshness_policy is not None
    assert node(graph, "marts/fct_deployment_frequency").freshness_policy is not None
    assert node(graph, "marts/fct_pull_request_stages").freshness_policy is None
    assert node(graph, "marts/fct_deployment_rework_rate").freshness_policy is None


def test_tests_record_the_columns_they_assert_and_block_only_from_beta(graph):
    def checks(key):
        return {
            spec.name: spec
            for spec in (graph.get_check_spec(k) for k in node(graph, key).check_keys)
        }

    beta = checks("marts/fct_incident_recovery")
    unique = beta["unique_fct_incident_recovery_incident_id"]
    assert metadata_value(unique.metadata, CHECK_ASSERTS_KEY) == ["unique(incident_id)"]
    assert unique.blocking
    alpha = checks("marts/fct_pull_request_stages")
    assert alpha and not any(spec.blocking for spec in alpha.values())


def test_column_docs_and_pii_classification_come_from_the_yaml(graph):
    schema = metadata_value(
        node(graph, "staging/stg_dora__pull_requests").metadata, "dagster/column_schema"
    )
    columns = {column.name: column for column in schema.columns}
    assert all(column.description for column in columns.values())
    assert all(column.tags.get("pii") in ("true", "false") for column in columns.values())
    assert columns["author_hash"].tags == {"pii": "true", "pii_protection": "hashed"}


def test_an_undocumented_model_gets_no_sql_as_its_description():
    from dagster_dbt import DagsterDbtTranslator

    from platform_assets.integrations.dbt.translator import StagedDbtTranslator

    props = {"description": "", "raw_code": "select 1", "name": "m", "resource_type": "model"}
    assert StagedDbtTranslator().get_description(props) == ""
    assert DagsterDbtTranslator().get_description(props) != ""
