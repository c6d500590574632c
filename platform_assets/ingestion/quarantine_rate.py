"""The ``quarantine_rate`` check of a raw asset: the share of a load's records that went to
quarantine, against the limit its delivery stage sets.

A load that quarantines most of its records is green by every other measure (the rows it
did land are valid), so without this check it would go unnoticed. The check runs on every
load: its figures are numeric metadata the asset page plots, and a failure reaches the
``stage_alerts`` sensor, which routes it by the asset's stage. It fails with WARN
severity at every stage: Beta and GA loads above the limit already fail their step (a
louder signal than any check), so a failing check there means an operator let such a
load through with ``advance_past_quarantine``, which deserves a notice, not a page.
"""

from __future__ import annotations

from typing import Final

import dagster as dg

from platform_assets.ingestion.ops_tables import QUARANTINE_TABLE
from platform_assets.ingestion.report import IngestionReport

QUARANTINE_RATE_CHECK: Final = "quarantine_rate"


def quarantine_rate_spec(asset_key: dg.AssetKey, max_share: float) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(
        name=QUARANTINE_RATE_CHECK,
        asset=asset_key,
        description=(
            f"At most {max_share:.0%} of a load's records are quarantined; "
            f"{QUARANTINE_TABLE} holds them with their reasons."
        ),
    )


def quarantine_rate_result(
    report: IngestionReport, asset_key: dg.AssetKey, max_share: float
) -> dg.AssetCheckResult:
    if report.quarantined:
        description = f"{report.quarantine_summary()}; the limit is {max_share:.0%}"
    else:
        description = f"no record quarantined of {report.extracted:,}"
    return dg.AssetCheckResult(
        passed=report.quarantined_share <= max_share,
        asset_key=asset_key,
        check_name=QUARANTINE_RATE_CHECK,
        severity=dg.AssetCheckSeverity.WARN,
        description=description,
        metadata={
            "records": dg.MetadataValue.int(report.extracted),
            "quarantined": dg.MetadataValue.int(report.quarantined),
            "quarantined_share": dg.MetadataValue.float(report.quarantined_share),
            "max_share": dg.MetadataValue.float(max_share),
        },
    )
