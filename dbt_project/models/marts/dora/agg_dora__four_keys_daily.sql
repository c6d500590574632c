{%- set mode = dora_mode() -%}
{%- set joined_rows = dora_four_keys_cfr_counts_joined_rows() -%}
-- The daily series of Four Keys' dashboard (dashboard/fourkeys_dashboard.json, its time
-- series panels) per service and day, up to dora_as_of: a day has a row when one of the
-- panels has a point for it, and a column is NULL where its panel has none. The facts are
-- four_keys mode's, so the mart has rows only in that mode.
with deployments as (
    select
        service,
        deployment_id,
        deployed_on as day
    from {{ ref('int_dora__production_deployments') }}
    where deployed_on <= {{ dora_as_of_date() }}
),

daily_deployments as (
    -- panel "Daily Deployments": COUNT(distinct deploy_id) per TIMESTAMP_TRUNC(time_created, DAY)
    select
        service,
        day,
        count(distinct deployment_id) as deployment_count
    from deployments
    group by service, day
),

pairs as (
    select
        service,
        deployment_id,
        deployed_on as day,
        first_commit_at,
        lead_time_minutes,
        substr(change_id, length(repo) + 2) as sha
    from {{ ref('fct_lead_time_for_changes') }}
    where deployed_on <= {{ dora_as_of_date() }}
),

daily_lead_time as (
    -- panel "Lead Time for Changes": PERCENTILE_CONT of the pairs' minutes > 0 per deployment
    -- day, IFNULL(ANY_VALUE(med_time_to_change), 0) on a day none was measured
    select
        service,
        day,
        cast(coalesce({{ dora_median('lead_time_minutes') }}, 0) as double precision)
            as median_lead_time_minutes
    from pairs
    group by service, day
),

{{ four_keys_failure_rows('pairs', ['service', 'day', 'deployment_id', 'first_commit_at']) }},

daily_change_failure as (
    select
        service,
        day,
        {%- if joined_rows %}
        -- panel "Daily Change Failure Rate": IF(COUNT(DISTINCT change_id) = 0, 0,
        -- SUM(IF(i.incident_id is NULL, 0, 1)) / COUNT(DISTINCT deploy_id))
        case
            when count(first_commit_at) = 0 then 0.0
            else {{ dora_ratio('count(incident_id)', 'count(distinct deployment_id)') }}
        end as change_failure_rate
        {%- else %}
        -- queries/change_failure_rate.sql: COUNT(DISTINCT IF(i.incident_id is NULL, NULL,
        -- deploy_id)) / COUNT(DISTINCT deploy_id)
        {{ dora_ratio(
            'count(distinct case when incident_id is not null then deployment_id end)',
            'count(distinct deployment_id)'
        ) }} as change_failure_rate
        {%- endif %}
    from failure_rows
    group by service, day
),

daily_time_to_restore as (
    -- panel "Daily Median Time to Restore Services": PERCENTILE_CONT(TIMESTAMP_DIFF(
    -- time_resolved, time_created, HOUR), 0.5) per TIMESTAMP_TRUNC(time_created, DAY),
    -- time_created being the restore start
    select
        service,
        {{ dora_local_date('restore_started_at') }} as day,
        -- Four Keys' TIMESTAMP_DIFF as it is, negative on a resolution before the start
        -- (fct_incident_recovery leaves such a span out and dq_dora__negative_spans lists it)
        cast(
            {{ dora_median(four_keys_timestamp_diff('restore_started_at', 'resolved_at', 'hour')) }}
            as double precision
        ) as median_time_to_restore_hours
    from {{ ref('fct_incident_recovery') }}
    where {{ dora_local_date('restore_started_at') }} <= {{ dora_as_of_date() }}
    group by service, day
),

days as (
    select
        service,
        day
    from daily_deployments
    union
    select
        service,
        day
    from daily_lead_time
    union
    select
        service,
        day
    from daily_time_to_restore
)

select
    days.service,
    days.day,
    coalesce(daily_deployments.deployment_count, 0) as deployment_count,
    daily_lead_time.median_lead_time_minutes,
    daily_change_failure.change_failure_rate,
    daily_time_to_restore.median_time_to_restore_hours,
    {{ 'true' if joined_rows else 'false' }} as change_failure_rate_counts_joined_rows,
    '{{ mode }}' as dora_mode
from days
left join daily_deployments
    on days.service = daily_deployments.service and days.day = daily_deployments.day
left join daily_lead_time
    on days.service = daily_lead_time.service and days.day = daily_lead_time.day
left join daily_change_failure
    on days.service = daily_change_failure.service and days.day = daily_change_failure.day
left join daily_time_to_restore
    on days.service = daily_time_to_restore.service and days.day = daily_time_to_restore.day
{%- if mode != 'four_keys' %}
where false
{%- endif %}
