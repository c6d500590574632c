"""The staged asset that lands one raw table from a source, for any domain.

The asset asks its source resource (a ``ConnectorSource``, under the resource key the
domain names) for the connector of its table, and ``ingest`` lands the new records
(merge, quarantine and cursor in one transaction) in the ``warehouse``. It returns the
batch it loaded, which the staged-asset wrapper validates against the table's Pandera
model; the ingestion report becomes the materialization's metadata, and the share of
records quarantined its ``quarantine_rate`` check. Above the stage's limit a Beta or GA
load fails, not retried: a source that sends bad records sends them again. Run config
``full_refresh: true`` re-reads the whole window; ``advance_past_quarantine: true`` lets
the cursor pass quarantined records.
"""

# No `from __future__ import annotations`: Dagster resolves the parameter annotations of
# the wrapped function (config) at definition time, outside this module.
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

import dagster as dg

from platform_assets.ingestion.contract import TableContract
from platform_assets.ingestion.failure import SourceError
from platform_assets.ingestion.quarantine_rate import quarantine_rate_result, quarantine_rate_spec
from platform_assets.ingestion.runner import IngestionFailed, ingest
from platform_assets.ingestion.source_registry import ConnectorSource
from platform_assets.integrations.pandera import PanderaSchema
from platform_assets.staged_assets import LoadedBatch, staged_asset
from platform_assets.stages import DeliveryStage, Sla
from platform_assets.stages.contract_metadata import ACCESS_TAG
from platform_assets.stages.stage_defaults import quarantine_limit
from platform_assets.warehouse import Warehouse

RAW_LAYER: Final = "raw"
WAREHOUSE_KEY: Final = "warehouse"
#: Raw tables hold what the source sent, personal data included, before staging
#: pseudonymizes it: restricted, whatever the domain.
RAW_ACCESS: Final = "restricted"


class RawIngestionConfig(dg.Config):
    full_refresh: bool = False
    """Ignore the stored cursor and re-read everything the source has; rows that did not
    change are left untouched."""
    advance_past_quarantine: bool = False
    """Move the cursor past the records this run quarantines, and land the rest even when
    they exceed the stage's quarantine limit: for records that will never be fixed at the
    source. They stay open in ops.quarantine."""


@dataclass(frozen=True)
class RawLanding:
    """What every raw table of a domain shares: who owns it, its contract version and
    SLA, its runbook, and the resource that opens its source's connectors."""

    domain: str
    owners: Sequence[str]
    version: str
    sla: Sla
    runbook: str
    source_key: str
    layer: str = RAW_LAYER
    """The first part of the asset keys and the ``layer`` tag: ``raw`` for DORA,
    ``bronze`` for a domain that names its layers bronze, silver and gold."""
    preflight: Callable[[DeliveryStage], None] | None = None
    """Runs before each load with the table's stage and may refuse it by raising: the
    customer domain refuses Beta and GA loads without a configured pseudonym key."""


def raw_table_asset(
    landing: RawLanding,
    contract: TableContract,
    model: PanderaSchema,
    stage: DeliveryStage,
    description: str,
) -> dg.AssetsDefinition:
    """The staged asset that lands ``contract``'s table at ``stage``, validated by ``model``."""
    table = contract.table
    limit = quarantine_limit(stage)
    asset_key = dg.AssetKey([landing.layer, table])

    @staged_asset(
        stage=stage,
        domain=landing.domain,
        layer=landing.layer,
        schema=model,
        owners=landing.owners,
        version=landing.version,
        sla=landing.sla,
        runbook=landing.runbook,
        name=table,
        description=description,
        tags={ACCESS_TAG: RAW_ACCESS},
        extra_check_specs=[quarantine_rate_spec(asset_key, limit.max_share)],
        # Keys, not typed parameters: the source's resource key is the domain's choice.
        required_resource_keys={landing.source_key, WAREHOUSE_KEY},
    )
    def raw_table(context: dg.AssetExecutionContext, config: RawIngestionConfig) -> LoadedBatch:
        source: ConnectorSource = getattr(context.resources, landing.source_key)
        warehouse: Warehouse = getattr(context.resources, WAREHOUSE_KEY)
        if landing.preflight is not None:
            landing.preflight(stage)
        try:
            with source.open_connector(table) as connector:
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
