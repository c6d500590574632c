"""The DORA marts' headline figures as numeric materialization metadata.

The Dagster UI plots every numeric metadata value of an asset's materializations over
time, so recording "deployments last week" or "median lead time last month" on each
materialization of a mart gives a trend chart per figure with nothing else to run. The
dbt asset op calls ``metric_metadata`` for each mart after ``dbt build``, on the
read-only connection it already holds, so each mart costs one small aggregate query and
an empty mart yields no figure rather than an error.

Every figure sums all services over the latest *complete* period: the latest week (or
month) that ended on or before the last complete day of the data. That day is the
build's ``dora_as_of`` (the end of the level window in
``marts.agg_deployment_frequency_level``: the marts store no other trace of it), but
never today or later, because today is still running. Weeks come from the marts' own
calendars (Monday weeks, Sunday in ``four_keys`` mode); months are calendar months.
A figure with no data behind it (a rate without deployments, a median without
incidents) is left out, never reported as 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import dagster as dg
import duckdb

#: The last complete day of the data: dora_as_of, capped at yesterday.
_REFERENCE = """
reference as (
    select least(
        coalesce(
            (select max(window_end) from marts.agg_deployment_frequency_level),
            current_date - 1
        ),
        current_date - 1
    ) as last_day
)"""

#: The latest complete calendar month, [month_start, month_end).
_LAST_MONTH = """
last_month as (
    select
        cast(date_trunc('month', last_day + 1) - interval 1 month as date) as month_start,
        cast(date_trunc('month', last_day + 1) as date) as month_end
    from reference
)"""


def _latest_complete(table: str, grain: str) -> str:
    """A CTE naming the start of the latest period of ``grain`` that the mart's calendar
    closed on or before the reference day (NULL when there is none)."""
    return f"""
latest as (
    select max(period_start) as period_start
    from marts.{table} cross join reference
    where grain = '{grain}' and period_end <= reference.last_day + 1
)"""


def _mode_quantile(column: str, fraction: float, where: str = "true") -> str:
    """The quantile the marts use in the build's mode: DevLake's lower (discrete) one in
    devlake mode, the interpolated one otherwise."""
    return (
        f"case when any_value(dora_mode) = 'devlake' "
        f"then quantile_disc({column}, {fraction}) filter (where {where}) "
        f"else quantile_cont({column}, {fraction}) filter (where {where}) end"
    )


_DEPLOYMENT_FREQUENCY = f"""
with {_REFERENCE},
{_latest_complete("fct_deployment_frequency", "week")}
select
    sum(f.deployment_count) filter (
        where f.grain = 'week' and f.period_start = latest.period_start
    ) as deployments_last_week,
    case when any_value(latest.period_start) is not null then
        count(distinct f.period_start) filter (
            where f.grain = 'day' and f.deployment_count > 0
              and f.period_start >= latest.period_start
              and f.period_start < latest.period_start + 7
        )
    end as deployment_days_last_week,
    sum(f.deployment_count) filter (where f.grain = 'day' and in_30_days)
        / nullif(count(distinct f.period_start) filter (where f.grain = 'day' and in_30_days), 0)
        as deployments_per_day_30d
from (
    select
        *,
        period_start between reference.last_day - 29 and reference.last_day as in_30_days
    from marts.fct_deployment_frequency cross join reference
) as f
cross join latest
"""

_DEPLOYMENT_SUCCESS_RATE = f"""
with {_REFERENCE},
{_latest_complete("fct_deployment_success_rate", "week")}
select
    sum(attempted_deployment_count) filter (where in_week) as deployment_attempts_last_week,
    sum(failed_deployment_count) filter (where in_week) as failed_deployment_attempts_last_week,
    sum(successful_deployment_count) filter (where in_week)
        / nullif(sum(attempted_deployment_count) filter (where in_week), 0)
        as deployment_success_rate_last_week
from (
    select rates.*, rates.period_start = latest.period_start and grain = 'week' as in_week
    from marts.fct_deployment_success_rate as rates cross join latest
)
"""

_CHANGE_FAILURE_RATE = f"""
with {_REFERENCE},
{_latest_complete("fct_change_failure_rate", "month")}
select
    sum(deployment_count) filter (where in_month) as deployments_last_month,
    sum(failed_deployment_count) filter (where in_month) as failed_deployments_last_month,
    sum(failed_deployment_count) filter (where in_month)
        / nullif(sum(deployment_count) filter (where in_month), 0)
        as change_failure_rate_last_month
from (
    select failures.*, failures.period_start = latest.period_start and grain = 'month' as in_month
    from marts.fct_change_failure_rate as failures cross join latest
)
"""

_REWORK_RATE = f"""
with {_REFERENCE},
{_latest_complete("fct_deployment_rework_rate", "month")}
select
    sum(remediation_deployment_count) filter (where in_month)
        as remediation_deployments_last_month,
    sum(remediation_deployment_count) filter (where in_month)
        / nullif(sum(deployment_count) filter (where in_month), 0) as rework_rate_last_month
from (
    select rework.*, rework.period_start = latest.period_start and grain = 'month' as in_month
    from marts.fct_deployment_rework_rate as rework cross join latest
)
"""

_IN_MONTH = "deployed_on >= last_month.month_start and deployed_on < last_month.month_end"

_LEAD_TIME = f"""
with {_REFERENCE}, {_LAST_MONTH}
select
    count(lead_time_hours) filter (where {_IN_MONTH}) as lead_time_changes_last_month,
    {_mode_quantile("lead_time_hours", 0.5, _IN_MONTH)} as lead_time_median_hours,
    {_mode_quantile("lead_time_hours", 0.75, _IN_MONTH)} as lead_time_p75_hours,
    {_mode_quantile("lead_time_hours", 0.9, _IN_MONTH)} as lead_time_p90_hours
from marts.fct_lead_time_for_changes cross join last_month
"""

_RESOLVED_IN_MONTH = "resolved_on >= last_month.month_start and resolved_on < last_month.month_end"
#: Four Keys selects time-to-restore incidents by the day they were created.
_RESTORE_IN_MONTH = (
    "case when dora_mode = 'four_keys' then created_on else resolved_on end "
    ">= last_month.month_start and "
    "case when dora_mode = 'four_keys' then created_on else resolved_on end "
    "< last_month.month_end"
)

_INCIDENT_RECOVERY = f"""
with {_REFERENCE}, {_LAST_MONTH}
select
    count(*) filter (where {_RESOLVED_IN_MONTH}) as incidents_resolved_last_month,
    count(*) filter (where is_open) as open_incidents,
    {_mode_quantile("recovery_time_hours", 0.5, _RESOLVED_IN_MONTH)}
        as recovery_time_median_hours,
    {_mode_quantile("time_to_restore_hours", 0.5, _RESTORE_IN_MONTH)}
        as time_to_restore_median_hours
from marts.fct_incident_recovery cross join last_month
"""

#: One query per mart; each returns one row whose columns are the metadata keys.
METRIC_QUERIES: Final[Mapping[dg.AssetKey, str]] = {
    dg.AssetKey(["marts", "fct_deployment_frequency"]): _DEPLOYMENT_FREQUENCY,
    dg.AssetKey(["marts", "fct_deployment_success_rate"]): _DEPLOYMENT_SUCCESS_RATE,
    dg.AssetKey(["marts", "fct_change_failure_rate"]): _CHANGE_FAILURE_RATE,
    dg.AssetKey(["marts", "fct_deployment_rework_rate"]): _REWORK_RATE,
    dg.AssetKey(["marts", "fct_lead_time_for_changes"]): _LEAD_TIME,
    dg.AssetKey(["marts", "fct_incident_recovery"]): _INCIDENT_RECOVERY,
}


def metric_metadata(
    connection: duckdb.DuckDBPyConnection, asset_key: dg.AssetKey
) -> dict[str, dg.MetadataValue]:
    """The headline figures of one DORA mart, keyed by short stable names
    (``deployments_last_week``, ``lead_time_median_hours``...), as int or float
    metadata; ``{}`` for an asset that is not a DORA metric mart, and for a mart (or the
    level mart that dates it) missing from the warehouse, so recording metadata can
    never fail a build that succeeded."""
    query = METRIC_QUERIES.get(asset_key)
    if query is None:
        return {}
    try:
        relation = connection.sql(query)
        columns = relation.columns
        rows = relation.fetchall()
    except duckdb.CatalogException:
        return {}
    return _numeric_metadata(dict(zip(columns, rows[0], strict=True))) if rows else {}


def _numeric_metadata(values: Mapping[str, object]) -> dict[str, dg.MetadataValue]:
    """ints stay ints (counts), everything else numeric becomes a float; NULL figures
    are left out."""
    metadata: dict[str, dg.MetadataValue] = {}
    for key, value in values.items():
        if value is None or isinstance(value, bool):
            continue
        if isinstance(value, int):
            metadata[key] = dg.MetadataValue.int(value)
        elif isinstance(value, float):
            metadata[key] = dg.MetadataValue.float(value)
    return metadata
