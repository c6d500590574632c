"""The DORA domain's data-quality checks, from the platform's check library.

Each bound comes from a table's contract or a metric's definition, never from today's
figures, so a check passes on any healthy source and fails on a broken one. Each
check's severity and blocking follow its asset's stage tag (GA and Beta block).

Raw tables (docs/dora-raw-tables.md):

- volume change against the previous materialization: ingestion only merges (it never
  deletes a row), so any loss means the table was replaced or truncated; a jump beyond
  half the table is a batch loaded twice or a source switched unnoticed;
- row-count bounds where an empty table is wrong: every deployment puts a commit live,
  so deployments, their commits and the commits cannot be empty. Pull requests, reviews,
  incidents and change sets may legitimately be empty, so a lower bound of 0 (the only
  honest one) could never fail and they get none;
- GA: the freshness of the data (a load that runs on time but reads a stale extract) and
  referential integrity from deployment commits and change sets to deployments. Unique
  keys, null keys and future timestamps need no check on raw tables: the landing
  contract quarantines such rows and the table's primary key refuses duplicates, so
  those checks could never fail.

Metric marts: every period grain a mart is defined with is present (a grain dropped
from its union otherwise goes unnoticed), one ``dora_mode`` per build (an incremental
mart must not mix modes), and in the level marts the medians stay inside what their
definitions allow, the peer bucket is one of the seed's and all five metrics are rated.
No z-score against history: the marts' history is indexed by materialization, not by
day, so reruns on unchanged data make a constant history against which any real change
is infinitely unusual.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Final

import dagster as dg

from platform_assets.checks import (
    CheckTarget,
    accepted_values_check,
    data_freshness_check,
    distinct_count_check,
    referential_integrity_check,
    row_count_bounds_check,
    value_range_check,
    volume_change_check,
)
from platform_assets.domains.dora.raw_assets import raw_assets
from platform_assets.integrations.dbt.assets import dbt_project_models
from platform_assets.stages.delivery_stage import DeliveryStage

#: The dbt var ``dora_window_days`` (dbt_project.yml's default, PLATFORM_DORA_WINDOW_DAYS
#: overrides it): the days the performance levels summarise. A newest deployment older
#: than that leaves every level of the window without data.
LEVEL_WINDOW_DAYS: Final = int(os.environ.get("PLATFORM_DORA_WINDOW_DAYS") or 90)

#: Ingestion merges and never deletes, so a raw table keeps every row it had.
RAW_MAX_LOSS: Final = 0.0
#: A batch loaded twice doubles a table; a day's increment is a small share of it.
RAW_MAX_GROWTH: Final = 0.5

#: The raw tables without which no delivery metric exists.
NEVER_EMPTY: Final = ("deployments", "deployment_commits", "commits")

#: The period grains each metric mart is defined with (its `grain` accepted values).
MART_GRAINS: Final = {
    "fct_deployment_frequency": ("day", "week", "month"),
    "fct_deployment_success_rate": ("week", "month"),
    "fct_change_failure_rate": ("week", "month"),
    "fct_deployment_rework_rate": ("week", "month"),
    "agg_lead_time_for_changes": ("week", "month"),
    "agg_recovery_time": ("week", "month"),
}
#: The marts rated against the published bands, built from the metric marts.
LEVEL_MARTS: Final = ("agg_deployment_frequency_level", "agg_dora_performance_levels")

#: The metrics agg_dora_performance_levels rates (the DORA report's five).
RATED_METRICS: Final = (
    "deployment_frequency",
    "lead_time_for_changes",
    "change_failure_rate",
    "time_to_restore_service",
    "failed_deployment_recovery_time",
)
#: The buckets of seeds/dora/dora_peer_frequency_buckets.csv: DevLake's and Four Keys'.
PEER_FREQUENCY_BUCKETS: Final = (
    "elite",
    "high",
    "medium",
    "low",
    "Daily",
    "Weekly",
    "Monthly",
    "Yearly",
)
#: Medians of per-week and per-month counts of days, and of 0/1 "deployed" flags.
FREQUENCY_MEDIAN_RANGES: Final = {
    "median_deployment_days_per_week": 7,
    "median_deployment_days_per_month": 31,
    "median_week_deployed": 1,
    "median_month_deployed": 1,
}


def _raw_checks(raw: dg.AssetsDefinition) -> list[dg.AssetChecksDefinition]:
    table = raw.key.path[-1]
    checks = [volume_change_check(raw, max_loss=RAW_MAX_LOSS, max_growth=RAW_MAX_GROWTH)]
    if table in NEVER_EMPTY:
        checks.append(row_count_bounds_check(raw, min_rows=1))
    if CheckTarget.of(raw).stage < DeliveryStage.GA:
        return checks
    if table == "deployments":
        checks.append(
            data_freshness_check(
                raw, column="finished_at", max_lag=dt.timedelta(days=LEVEL_WINDOW_DAYS)
            )
        )
    else:
        checks.append(
            referential_integrity_check(
                raw, columns=["deployment_id"], references=dg.AssetKey(["raw", "deployments"])
            )
        )
    return checks


def _mart(name: str) -> dg.AssetKey:
    return dg.AssetKey(["marts", name])


def _one_mode_per_build(name: str) -> dg.AssetChecksDefinition:
    return distinct_count_check(
        dbt_project_models,
        asset_key=_mart(name),
        column="dora_mode",
        min_distinct=1,
        max_distinct=1,
    )


def _metric_mart_checks(name: str, grains: tuple[str, ...]) -> list[dg.AssetChecksDefinition]:
    every_grain = distinct_count_check(
        dbt_project_models,
        asset_key=_mart(name),
        column="grain",
        min_distinct=len(grains),
        max_distinct=len(grains),
    )
    return [every_grain, _one_mode_per_build(name)]


def _level_mart_checks() -> list[dg.AssetChecksDefinition]:
    frequency = _mart("agg_deployment_frequency_level")
    return [
        *(
            value_range_check(
                dbt_project_models, asset_key=frequency, column=column, min_value=0, max_value=top
            )
            for column, top in FREQUENCY_MEDIAN_RANGES.items()
        ),
        accepted_values_check(
            dbt_project_models,
            asset_key=frequency,
            column="peer_frequency_bucket",
            values=PEER_FREQUENCY_BUCKETS,
        ),
        distinct_count_check(
            dbt_project_models,
            asset_key=_mart("agg_dora_performance_levels"),
            column="metric",
            min_distinct=len(RATED_METRICS),
            max_distinct=len(RATED_METRICS),
        ),
        *(
            _one_mode_per_build(name)
            for name in LEVEL_MARTS
            if _mart(name) in dbt_project_models.keys
        ),
    ]


quality_checks: list[dg.AssetChecksDefinition] = [
    *(check for raw in raw_assets for check in _raw_checks(raw)),
    # a mart the environment does not deploy (a POC one in prod) has no checks there
    *(
        check
        for name, grains in MART_GRAINS.items()
        if _mart(name) in dbt_project_models.keys
        for check in _metric_mart_checks(name, grains)
    ),
    *_level_mart_checks(),
]
