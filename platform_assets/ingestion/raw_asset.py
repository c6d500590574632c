"""The staged asset that lands one raw table from a source, for any domain.

The asset asks its source resource (a ``ConnectorSource``, under the resource key the
domain names) for the connector of its table, and ``ingest`` lands the new records
(merge, quarantine and cursor in one transaction) in the ``warehouse``. It returns the
batch it loaded, which the staged-asset wrapper validates against the table's Pandera
model; the ingestion report becomes the materialization's metadata, the share of records
quarantined its ``quarantine_rate`` check and a change in the source's shape its
``schema_drift`` check. Above the stage's limit a Beta or GA load fails, not retried: a
source that sends bad records sends them again. Run config
``full_refresh: true`` re-reads the whole window; ``advance_past_quarantine: true`` lets
the cursor pass quarantined records.
"""

# No `from __future__ import annotations`: Dagster resolves the parameter annotations of
# the wrapped function (config) at definition time, outside this module.
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

import dagster as dg

from platform_assets.ingestion.contract import TableContract
from platform_assets.ingestion.failure import SourceError
from platform_assets.ingestion.parents import ParentLink
from platform_assets.ingestion.quarantine_rate import quarantine_rate_result, quarantine_rate_spec
from platform_assets.ingestion.runner import IngestionFailed, ingest
from platform_assets.ingestion.schema_drift import drift_seen_in_run
from platform_assets.ingestion.schema_drift_check import schema_drift_result, schema_drift_spec
from platform_assets.ingestion.source_registry import ConnectorSource
from platform_assets.integrations.pandera import PanderaSchema
from platform_assets.staged_assets import LoadedBatch, staged_asset
from platform_assets.stages import DeliveryStage, Sla
from platform_assets.stages.contract_metadata import ACCESS_TAG
from platform_assets.stages.stage_defaults import quarantine_limit
from platform_assets.telemetry.record import UNEXPECTED_ERROR, StepIdentity, StepRecord
from platform_assets.telemetry.sink import emit
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
    parents: Mapping[str, Sequence[ParentLink]] = field(default_factory=dict)
    """Per table, the tables its rows name records of: a row whose parent is quarantined
    is quarantined too, and the table's asset depends on its parents' so that they land
    first in a run with both (``platform_assets.ingestion.parents``)."""


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
    parents = landing.parents.get(table, ())

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
        extra_check_specs=[
            quarantine_rate_spec(asset_key, limit.max_share),
            schema_drift_spec(asset_key),
        ],
        # Keys, not typed parameters: the source's resource key is the domain's choice.
        required_resource_keys={landing.source_key, WAREHOUSE_KEY},
        deps=[dg.AssetKey([landing.layer, parent.entity]) for parent in parents] or None,
    )
    def raw_table(context: dg.AssetExecutionContext, config: RawIngestionConfig) -> LoadedBatch:
        source: ConnectorSource = getattr(context.resources, landing.source_key)
        warehouse: Warehouse = getattr(context.resources, WAREHOUSE_KEY)
        step = StepIdentity.of(context)
        started = time.perf_counter()

        def failed_before_report(category: str, error: str) -> StepRecord:
            """The telemetry line of a step that failed with no ingestion report: the
            source could not be opened, or the load was refused before it started. The
            connector's source id is not known then; the source's resource key stands
            for it."""
            return StepRecord.for_step(
                step,
                event="step_failed",
                kind="ingestion",
                source=landing.source_key,
                sink=f"{warehouse.dialect}:{contract.qualified_name}",
                duration_seconds=round(time.perf_counter() - started, 3),
                failure_category=category,
                error=error,
            )

        try:
            if landing.preflight is not None:
                landing.preflight(stage)
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
                    parents=parents,
                )
        except IngestionFailed as failure:
            emit(failure.report.step_record(step, "step_failed"), context.log)
            raise dg.Failure(
                description=f"{contract.qualified_name}: {failure}",
                metadata=failure.report.metadata(),
                allow_retries=failure.report.failure_category.transient,
            ) from failure
        except SourceError as error:
            emit(failed_before_report(error.category.value, str(error)), context.log)
            raise dg.Failure(
                description=f"{contract.qualified_name}: {error}",
                metadata={"failure_category": dg.MetadataValue.text(error.category.value)},
                allow_retries=error.category.transient,
            ) from error
        except Exception as error:
            # Only the exception's type: an unclassified message may quote a record's
            # values. The step's log has the whole traceback.
            emit(failed_before_report(UNEXPECTED_ERROR, type(error).__name__), context.log)
            raise
        emit(report.step_record(step, "step_succeeded"), context.log)
        return LoadedBatch(
            frame=landed,
            metadata=report.metadata(),
            check_results=[
                quarantine_rate_result(report, asset_key, limit.max_share),
                schema_drift_result(
                    drift_seen_in_run(
                        warehouse, source=report.source, entity=table, run_id=context.run.run_id
                    ),
                    asset_key,
                ),
            ],
        )

    return raw_table
