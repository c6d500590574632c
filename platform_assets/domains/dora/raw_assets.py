"""One staged asset per raw DORA table, landed by the shared ingestion machinery.

Each asset asks the ``dora_source`` resource for the connector of its entity, and
``ingest`` lands the new records (merge, quarantine and cursor in one transaction) in
the ``warehouse``. The asset returns the batch it loaded, which the staged-asset wrapper
validates against the table's Pandera model; the ingestion report becomes the
materialization's metadata, and the share of records quarantined its ``quarantine_rate``
check. Above the stage's limit a Beta or GA load fails, not retried: a source that sends
bad records sends them again. Run config ``full_refresh: true`` re-reads the whole window;
``advance_past_quarantine: true`` lets the cursor pass quarantined records.
"""

# No `from __future__ import annotations`: Dagster resolves the parameter annotations of
# the wrapped function (config, resources) at definition time, outside this module.
from typing import Final

import dagster as dg

from platform_assets.domains.dora.raw_schemas import RAW_CONTRACTS, RAW_TABLE_MODELS
from platform_assets.domains.dora.sources import DoraSource
from platform_assets.ingestion import IngestionFailed, SourceError, ingest
from platform_assets.ingestion.quarantine_rate import quarantine_rate_result, quarantine_rate_spec
from platform_assets.integrations.duckdb import Warehouse
from platform_assets.stages import DeliveryStage, LoadedBatch, Sla, staged_asset
from platform_assets.stages.contract_metadata import ACCESS_TAG
from platform_assets.stages.stage_defaults import quarantine_limit

OWNERS: Final = ["team:dora-metrics"]
VERSION: Final = "1.0.0"
SLA: Final = Sla(freshness_hours=24)
RUNBOOK: Final = "docs/runbooks/dora.md"

#: The tables the delivery metrics cannot be computed without are GA; the others Beta.
RAW_TABLES: Final = {
    "deployments": (
        DeliveryStage.GA,
        "Deployments of every service and environment with result, timing and trigger.",
    ),
    "deployment_commits": (
        DeliveryStage.GA,
        "The commit each deployment put live, per repository it spans.",
    ),
    "deployment_change_sets": (
        DeliveryStage.GA,
        "Commits each successful production deployment shipped, where the source knows "
        "them (empty otherwise; the models then derive them).",
    ),
    "commits": (DeliveryStage.BETA, "Commits of the deployed branches and of pull requests."),
    "pull_requests": (DeliveryStage.BETA, "Merged pull requests with their timing."),
    "pull_request_commits": (DeliveryStage.BETA, "The commits of each pull request."),
    "pull_request_reviews": (
        DeliveryStage.BETA,
        "Review events on pull requests: comments, reviews, approvals, change requests.",
    ),
    "incidents": (
        DeliveryStage.BETA,
        "Incidents with their timing and, where known, the deployment or commit at fault.",
    ),
}


class RawIngestionConfig(dg.Config):
    full_refresh: bool = False
    """Ignore the stored cursor and re-read everything the source has; rows that did not
    change are left untouched."""
    advance_past_quarantine: bool = False
    """Move the cursor past the records this run quarantines, and land the rest even when
    they exceed the stage's quarantine limit: for records that will never be fixed at the
    source. They stay open in ops.quarantine."""


def raw_table_asset(table: str, stage: DeliveryStage, description: str) -> dg.AssetsDefinition:
    """The staged asset that lands ``table`` at ``stage``."""
    contract = RAW_CONTRACTS[table]
    limit = quarantine_limit(stage)
    asset_key = dg.AssetKey(["raw", table])

    @staged_asset(
        stage=stage,
        domain="dora",
        layer="raw",
        schema=RAW_TABLE_MODELS[table],
        owners=OWNERS,
        version=VERSION,
        sla=SLA,
        runbook=RUNBOOK,
        name=table,
        description=description,
        tags={ACCESS_TAG: "restricted"},
        extra_check_specs=[quarantine_rate_spec(asset_key, limit.max_share)],
    )
    def raw_table(
        context: dg.AssetExecutionContext,
        config: RawIngestionConfig,
        dora_source: DoraSource,
        warehouse: Warehouse,
    ) -> LoadedBatch:
        try:
            with dora_source.open_connector(table) as connector:
                report, landed = ingest(
                    connector,
                    contract,
                    warehouse,
                    run_id=context.run.run_id,
                    log=context.log,
                    full_refresh=config.full_refresh,
                    max_quarantined_share=(
                        limit.max_share
                        if limit.fails_load and not config.advance_past_quarantine
                        else None
                    ),
                    advance_past_quarantine=config.advance_past_quarantine,
                )
        except IngestionFailed as failure:
            raise dg.Failure(
                description=f"{contract.qualified_name}: {failure}",
                metadata=failure.report.metadata(),
                allow_retries=failure.report.failure_category.transient,
            ) from failure
        except SourceError as error:
            raise dg.Failure(
                description=f"{contract.qualified_name}: {error}",
                metadata={"failure_category": dg.MetadataValue.text(error.category.value)},
                allow_retries=error.category.transient,
            ) from error
        return LoadedBatch(
            frame=landed,
            metadata=report.metadata(),
            check_results=[quarantine_rate_result(report, asset_key, limit.max_share)],
        )

    return raw_table


raw_assets: list[dg.AssetsDefinition] = [
    raw_table_asset(table, stage, description) for table, (stage, description) in RAW_TABLES.items()
]
