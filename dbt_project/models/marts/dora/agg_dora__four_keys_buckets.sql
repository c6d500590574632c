{%- set mode = dora_mode() -%}
{%- set joined_rows = dora_four_keys_cfr_counts_joined_rows() -%}
-- The buckets of Four Keys' dashboard (dashboard/fourkeys_dashboard.json, its stat panels)
-- per service, over its window: the instants after midnight three calendar months before
-- dora_as_of (`WHERE time_created > TIMESTAMP(DATE_SUB(CURRENT_DATE(), INTERVAL 3 MONTH))`),
-- up to the end of dora_as_of. The facts are four_keys mode's, so the mart has rows only in
-- that mode.
with window_bounds as (
    select
        {{ four_keys_window_start_date() }} as window_start,
        {{ dora_as_of_date() }} as window_end,
        timezone({{ dora_timezone() }}, cast({{ four_keys_window_start_date() }} as timestamp))
            as window_start_at
),

services as (
    select distinct service
    from {{ ref('int_dora__service_calendar') }}
),

first_event as (
    -- panel "Deployment Frequency": `WHERE day > (SELECT date(min(time_created)) FROM
    -- four_keys.events_raw)`; events_raw holds every event Four Keys received (pushes, pull
    -- requests, deployments, incidents), here every timestamped row of the raw DORA tables
    select {{ dora_local_date('min(first_at)') }} as first_event_on
    from (
        select min(coalesce(started_at, finished_at)) as first_at
        from {{ ref('stg_dora__deployments') }}
        union all
        select min(authored_at) from {{ ref('stg_dora__commits') }}
        union all
        select min(created_at) from {{ ref('stg_dora__pull_requests') }}
        union all
        select min(created_at) from {{ ref('stg_dora__incidents') }}
    ) as event_minima
),

frequency_days as (
    -- `last_three_months`: GENERATE_DATE_ARRAY(DATE_SUB(CURRENT_DATE(), INTERVAL 3 MONTH),
    -- CURRENT_DATE(), INTERVAL 1 DAY), the days after the first event's
    select
        {{ dora_days(
            'greatest(window_bounds.window_start, cast(first_event.first_event_on + 1 as date))',
            'window_bounds.window_end'
        ) }} as day
    from window_bounds
    cross join first_event
),

frequency_weeks as (
    -- TIMESTAMP_TRUNC(day, WEEK) (Sunday weeks), MAX(IF(deployments.day IS NOT NULL, 1, 0))
    -- AS week_deployed, COUNT(DISTINCT deployments.day) AS days_deployed
    select
        services.service,
        {{ dora_week_start('frequency_days.day') }} as week_start,
        count(distinct deployments.deployed_on) as days_deployed,
        max(case when deployments.deployed_on is not null then 1 else 0 end) as week_deployed
    from services
    cross join frequency_days
    left join {{ ref('int_dora__production_deployments') }} as deployments
        on
            services.service = deployments.service
            and frequency_days.day = deployments.deployed_on
    group by services.service, week_start
),

frequency_week_rows as (
    -- SUM(week_deployed) OVER (PARTITION BY TIMESTAMP_TRUNC(week, MONTH)): one value per
    -- week row, a week in the month of its Sunday
    select
        service,
        days_deployed,
        week_deployed,
        sum(week_deployed) over (
            partition by service, {{ dora_month_start('week_start') }}
        ) as monthly_deploys
    from frequency_weeks
),

frequency as (
    select
        service,
        cast({{ dora_median('days_deployed') }} as double precision)
            as median_deployment_days_per_week,
        cast({{ dora_median('week_deployed') }} as double precision) as median_week_deployed,
        cast({{ dora_median('monthly_deploys') }} as double precision)
            as median_weeks_deployed_in_month
    from frequency_week_rows
    group by service
),

frequency_statistics as (
    select
        service,
        'median_deployment_days_per_week' as statistic,
        median_deployment_days_per_week as value
    from frequency
    union all
    select
        service,
        'median_week_deployed' as statistic,
        median_week_deployed as value
    from frequency
    union all
    select
        service,
        'median_weeks_deployed_in_month' as statistic,
        median_weeks_deployed_in_month as value
    from frequency
),

frequency_bucket as (
    -- `CASE WHEN daily THEN "Daily" WHEN weekly THEN "Weekly" WHEN
    -- PERCENTILE_CONT(monthly_deploys, 0.5) OVER () >= 1 THEN "Monthly" ELSE "Yearly"`, daily
    -- and weekly being PERCENTILE_CONT(days_deployed) >= 3 and PERCENTILE_CONT(week_deployed)
    -- >= 1: the four_keys rows of the peer buckets seed, as agg_deployment_frequency_level
    -- reads them; only services with days after the first event are placed
    {{ dora_peer_bucket_choice('frequency', 'frequency_statistics', 'four_keys') }}
),

pairs as (
    -- `FROM four_keys.deployments d, d.changes LEFT JOIN four_keys.changes c`: one row per
    -- deployment-commit pair
    select
        pairs.service,
        pairs.deployment_id,
        pairs.first_commit_at,
        pairs.lead_time_minutes,
        substr(pairs.change_id, length(pairs.repo) + 2) as sha
    from {{ ref('fct_lead_time_for_changes') }} as pairs
    cross join window_bounds
    where
        pairs.deployed_at > window_bounds.window_start_at
        and pairs.deployed_on <= window_bounds.window_end
),

lead_time as (
    -- panel "Lead Time to Change Bucket": IFNULL(ANY_VALUE(med_time_to_change), 0), so a
    -- service without a measured pair reads 0 minutes, "One day"
    select
        services.service,
        cast(coalesce({{ dora_median('pairs.lead_time_minutes') }}, 0) as double precision)
            as median_lead_time_minutes
    from services
    left join pairs
        on services.service = pairs.service
    group by services.service
),

incidents as (
    select
        recovery.service,
        -- Four Keys' TIMESTAMP_DIFF as it is, negative on a resolution before the start
        -- (fct_incident_recovery leaves such a span out and dq_dora__negative_spans lists it)
        cast(
            {{ four_keys_timestamp_diff(
                'recovery.restore_started_at', 'recovery.resolved_at', 'hour'
            ) }}
            as double precision
        ) as time_to_restore_hours
    from {{ ref('fct_incident_recovery') }} as recovery
    cross join window_bounds
    where
        recovery.restore_started_at > window_bounds.window_start_at
        and {{ dora_local_date('recovery.restore_started_at') }} <= window_bounds.window_end
),

time_to_restore as (
    -- panel "Median Time to Restore Services": PERCENTILE_CONT(TIMESTAMP_DIFF(time_resolved,
    -- time_created, HOUR), 0.5) over the window's incidents, time_created being the restore
    -- start; no incident, no row (an empty panel)
    select
        service,
        count(*) as incident_count,
        cast({{ dora_median('time_to_restore_hours') }} as double precision)
            as median_time_to_restore_hours
    from incidents
    group by service
),

{{ four_keys_failure_rows('pairs', ['service', 'deployment_id', 'first_commit_at']) }},

change_failure as (
    select
        services.service,
        count(distinct failure_rows.deployment_id) as deployment_count,
        count(failure_rows.incident_id) as joined_incident_rows,
        count(
            distinct case
                when failure_rows.incident_id is not null then failure_rows.deployment_id
            end
        ) as failed_deployment_count,
        count(failure_rows.first_commit_at) as known_change_rows
    from services
    left join failure_rows
        on services.service = failure_rows.service
    group by services.service
),

change_failure_rates as (
    select
        service,
        deployment_count,
        failed_deployment_count,
        joined_incident_rows,
        {%- if joined_rows %}
        -- the dashboard's panel "Change Failure Rate": IF(COUNT(DISTINCT change_id) = 0, 0,
        -- SUM(IF(i.incident_id is NULL, 0, 1)) / COUNT(DISTINCT deploy_id))
        case
            when known_change_rows = 0 then 0.0
            else {{ dora_ratio('joined_incident_rows', 'deployment_count') }}
        end as change_failure_rate
        {%- else %}
        -- queries/change_failure_rate.sql: COUNT(DISTINCT IF(i.incident_id is NULL, NULL,
        -- deploy_id)) / COUNT(DISTINCT deploy_id), read as 0 without deployments as the
        -- dashboard's guard does
        coalesce({{ dora_ratio('failed_deployment_count', 'deployment_count') }}, 0.0)
            as change_failure_rate
        {%- endif %}
    from change_failure
)

select
    services.service,
    window_bounds.window_start,
    window_bounds.window_end,
    first_event.first_event_on,
    frequency.median_deployment_days_per_week,
    frequency.median_week_deployed,
    frequency.median_weeks_deployed_in_month,
    -- no day after the first event, no bucket (an empty panel)
    frequency_bucket.bucket as deployment_frequency_bucket,
    lead_time.median_lead_time_minutes,
    case
        when lead_time.median_lead_time_minutes < 24 * 60 then 'One day'
        when lead_time.median_lead_time_minutes < 168 * 60 then 'One week'
        when lead_time.median_lead_time_minutes < 730 * 60 then 'One month'
        when lead_time.median_lead_time_minutes < 730 * 6 * 60 then 'Six months'
        else 'One year'
    end as lead_time_bucket,
    coalesce(time_to_restore.incident_count, 0) as incident_count,
    time_to_restore.median_time_to_restore_hours,
    case
        when time_to_restore.incident_count is null then null
        when time_to_restore.median_time_to_restore_hours < 24 then 'One day'
        when time_to_restore.median_time_to_restore_hours < 168 then 'One week'
        when time_to_restore.median_time_to_restore_hours < 730 then 'One month'
        when time_to_restore.median_time_to_restore_hours < 730 * 6 then 'Six months'
        else 'One year'
    end as time_to_restore_bucket,
    change_failure_rates.deployment_count,
    change_failure_rates.failed_deployment_count,
    change_failure_rates.joined_incident_rows,
    change_failure_rates.change_failure_rate,
    case
        when change_failure_rates.change_failure_rate <= 0.15 then '0-15%'
        when change_failure_rates.change_failure_rate < 0.46 then '16-45%'
        else '46-60%'
    end as change_failure_rate_bucket,
    {{ 'true' if joined_rows else 'false' }} as change_failure_rate_counts_joined_rows,
    '{{ mode }}' as dora_mode
from services
cross join window_bounds
cross join first_event
inner join lead_time
    on services.service = lead_time.service
inner join change_failure_rates
    on services.service = change_failure_rates.service
left join time_to_restore
    on services.service = time_to_restore.service
left join frequency
    on services.service = frequency.service
left join frequency_bucket
    on
        services.service = frequency_bucket.service
        and frequency_bucket.bucket_choice = 1
{%- if mode != 'four_keys' %}
where false
{%- endif %}
