"""The Dagster assets of identity resolution: ``gold/customer_source_xref`` (GA) and
``gold/customer_match_review`` (Beta), materialized together because one transaction
writes both."""

# No `from __future__ import annotations`: Dagster checks the `context` annotation of the
# multi-asset's function as an object, not as a string.

from collections.abc import Iterator
from typing import Any, Final

import dagster as dg
import polars as pl
import pyarrow as pa

from platform_assets.checks.column_stability import (
    column_stability_result,
    column_stability_spec,
    previous_columns,
)
from platform_assets.domains.customer.identity_resolution.model import load_model
from platform_assets.domains.customer.identity_resolution.resolution import (
    Resolution,
    resolve_customers,
)
from platform_assets.domains.customer.identity_resolution.schemas import (
    CustomerMatchReview,
    CustomerSourceXref,
)
from platform_assets.domains.customer.pii_key_guard import refuse_without_configured_key
from platform_assets.integrations.pandera import (
    PanderaSchema,
    column_schema_from_pandera,
    pandera_check_spec,
    primary_key_from_pandera,
    validate_with_pandera,
)
from platform_assets.settings import WAREHOUSE_POOL
from platform_assets.stages import DeliveryStage, Sla
from platform_assets.stages.contract_metadata import (
    ACCESS_TAG,
    ALERT_ROUTE_TAG,
    COLUMN_SCHEMA_KEY,
    DOMAIN_TAG,
    LAYER_TAG,
    RUNBOOK_KEY,
    STAGE_DEFAULTS_TAG,
    primary_key_metadata,
    written_column_schema,
)
from platform_assets.stages.stage_defaults import alert_route, default_retry_policy
from platform_assets.warehouse import Warehouse

XREF_KEY: Final = dg.AssetKey(["gold", "customer_source_xref"])
REVIEW_KEY: Final = dg.AssetKey(["gold", "customer_match_review"])
CUSTOMER_RECORDS_KEY: Final = dg.AssetKey(["silver", "customer_records"])
OWNERS: Final = ["team:customer-data"]
#: The code version changes with the model: a retrained model is a new version of the data.
VERSION: Final = "1.0.0"
RUNBOOK: Final = "docs/runbooks/customer.md"
SLA: Final = Sla(freshness_hours=1, success_rate=0.99)


def _spec(
    key: dg.AssetKey, stage: DeliveryStage, schema: PanderaSchema, description: str
) -> dg.AssetSpec:
    return dg.AssetSpec(
        key=key,
        description=description,
        deps=[CUSTOMER_RECORDS_KEY],
        owners=OWNERS,
        group_name="customer_gold",
        kinds={"python", "duckdb", "splink"},
        code_version=VERSION,
        freshness_policy=SLA.freshness_policy(),
        tags={
            **stage.stage_tag(),
            DOMAIN_TAG: "customer",
            LAYER_TAG: "gold",
            ACCESS_TAG: "restricted",
            ALERT_ROUTE_TAG: alert_route(stage),
            STAGE_DEFAULTS_TAG: "applied",
        },
        metadata={
            COLUMN_SCHEMA_KEY: column_schema_from_pandera(schema),
            **primary_key_metadata(primary_key_from_pandera(schema)),
            **SLA.to_metadata(),
            RUNBOOK_KEY: dg.MetadataValue.path(RUNBOOK),
        },
    )


XREF_STAGE: Final = DeliveryStage.GA
REVIEW_STAGE: Final = DeliveryStage.BETA


@dg.multi_asset(
    name="customer_identity_resolution",
    specs=[
        _spec(
            XREF_KEY,
            XREF_STAGE,
            CustomerSourceXref,
            "Every current silver customer record and the customer it was resolved to by "
            "the versioned Splink model, with its match probability; customer keys stay "
            "stable across runs (docs/identity-resolution.md).",
        ),
        _spec(
            REVIEW_KEY,
            REVIEW_STAGE,
            CustomerMatchReview,
            "Pairs of records the model scores just below the linking threshold: close "
            "calls for a person to confirm or reject.",
        ),
    ],
    check_specs=[
        pandera_check_spec(CustomerSourceXref, XREF_KEY, XREF_STAGE),
        pandera_check_spec(CustomerMatchReview, REVIEW_KEY, REVIEW_STAGE),
        column_stability_spec(XREF_KEY, XREF_STAGE),
        column_stability_spec(REVIEW_KEY, REVIEW_STAGE),
    ],
    retry_policy=default_retry_policy(XREF_STAGE),
    pool=WAREHOUSE_POOL,
)
def customer_identity_resolution(
    context: dg.AssetExecutionContext, warehouse: Warehouse
) -> Iterator[Any]:
    """Links silver's customer records with the trained model (no training here), clusters
    the links into customers and replaces both gold tables in one transaction."""
    refuse_without_configured_key(XREF_STAGE)
    model = load_model()
    resolution = resolve_customers(warehouse, model)
    context.log.info(
        f"model {model.version}: {resolution.records} records, {resolution.clusters} "
        f"customers, {resolution.review_pairs.num_rows} pairs to review; {resolution.seconds}"
    )
    written = (
        (
            CustomerSourceXref,
            resolution.xref,
            XREF_STAGE,
            XREF_KEY,
            _xref_metadata(resolution, model.version),
        ),
        (
            CustomerMatchReview,
            resolution.review_pairs,
            REVIEW_STAGE,
            REVIEW_KEY,
            {
                "dagster/row_count": resolution.review_pairs.num_rows,
                "review_band": f"[{model.review_lower}, {model.threshold})",
                "model_version": model.version,
            },
        ),
    )
    for schema, table, stage, key, metadata in written:
        frame = _frame(table)
        columns = {column: str(dtype) for column, dtype in frame.schema.items()}
        # read before this materialization is recorded: the columns of the previous run
        previous = previous_columns(context.instance, key)
        yield dg.MaterializeResult(
            asset_key=key,
            metadata={
                **metadata,
                COLUMN_SCHEMA_KEY: written_column_schema(
                    columns, column_schema_from_pandera(schema)
                ),
            },
        )
        yield validate_with_pandera(
            schema, frame, stage=stage, asset_key=key, schema_version=VERSION
        )
        yield column_stability_result(previous, columns, stage=stage, asset_key=key)


def _frame(table: pa.Table) -> pl.DataFrame:
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return frame


def _xref_metadata(resolution: Resolution, model_version: str) -> dict[str, Any]:
    """Numeric metadata, so the UI charts each figure's history."""
    return {
        "dagster/row_count": resolution.records,
        "model_version": model_version,
        "records": resolution.records,
        "pairs_scored": resolution.pairs_scored,
        "links_above_threshold": resolution.links,
        "clusters": resolution.clusters,
        "review_pairs": resolution.review_pairs.num_rows,
        "keys_kept": resolution.keys.kept,
        "keys_new": resolution.keys.new,
        "keys_retired": resolution.keys.retired,
        **{f"seconds_{phase}": seconds for phase, seconds in resolution.seconds.items()},
    }
