{%- set mode = dora_mode() -%}
-- Deployment frequency over the level window (dora_window_days ending at dora_as_of) per
-- service, labelled with the published bands of every report year and, in a
-- compatibility mode, with the bucket the peer's dashboard shows.
-- The bucket statistics are taken over the peer's own days (bucket_days): the level
-- window for DevLake; for Four Keys its dashboard's window (panel "Deployment Frequency"
-- of dashboard/fourkeys_dashboard.json: GENERATE_DATE_ARRAY(DATE_SUB(CURRENT_DATE(),
-- INTERVAL 3 MONTH), CURRENT_DATE()) ... WHERE day > (SELECT date(min(time_created)) FROM
-- four_keys.events_raw)), i.e. three calendar months ending at dora_as_of, whatever
-- dora_window_days says, and only the days after the day of the first recorded event
-- (here the first deployment event; see four_keys_first_event).
with window_bounds as (
    select
        {{ dora_window_start_date() }} as window_start,
        {{ dora_as_of_date() }} as window_end
),

services as (
    select distinct service
    from {{ ref('int_dora__deployment_calendar') }}
),

window_days as (
    -- every day of the window, also before a service's first deployment: the peers count
    -- the whole window, and so does the rate
    select
        {{ dora_days('window_start', 'window_end') }} as day
    from window_bounds
),

deployments as (
    select
        deployments.service,
        deployments.deployment_id,
        deployments.deployed_on
    from {{ ref('int_dora__production_deployments') }} as deployments
    cross join window_bounds
    where deployments.deployed_on between window_bounds.window_start and window_bounds.window_end
),

daily as (
    select
        services.service,
        window_days.day,
        count(deployments.deployment_id) as deployment_count
    from services
    cross join window_days
    left join deployments
        on
            services.service = deployments.service
            and window_days.day = deployments.deployed_on
    group by services.service, window_days.day
),

default_bucket_days as (
    select * from daily
),

devlake_bucket_days as (
    select * from daily
),

four_keys_first_event as (
    -- Four Keys' events_raw holds every event it received, pushes and incidents included;
    -- this GA mart reads GA sources only, so its first event is the first deployment event
    -- of any environment or result (agg_dora__four_keys_buckets takes every raw table)
    select
        {{ dora_local_date('min(coalesce(started_at, finished_at))') }} as first_event_on
    from {{ ref('stg_dora__deployments') }}
),

four_keys_window as (
    select
        greatest(
            {{ four_keys_window_start_date() }},
            cast(four_keys_first_event.first_event_on + 1 as date)
        ) as first_day,
        {{ dora_as_of_date() }} as last_day
    from four_keys_first_event
),

four_keys_window_days as (
    select {{ dora_days('first_day', 'last_day') }} as day
    from four_keys_window
),

four_keys_bucket_days as (
    select
        services.service,
        four_keys_window_days.day,
        count(deployments.deployment_id) as deployment_count
    from services
    cross join four_keys_window_days
    left join {{ ref('int_dora__production_deployments') }} as deployments
        on
            services.service = deployments.service
            and four_keys_window_days.day = deployments.deployed_on
    group by services.service, four_keys_window_days.day
),

bucket_days as (
    select * from {{ mode }}_bucket_days
),

bucket_window as (
    select
        service,
        min(day) as bucket_window_start
    from bucket_days
    group by service
),

weekly as (
    select
        service,
        {{ dora_week_start('day') }} as week_start,
        count(*) filter (where deployment_count > 0) as deployment_days,
        max(case when deployment_count > 0 then 1 else 0 end) as week_deployed
    from bucket_days
    group by service, week_start
),

week_rows as (
    -- Four Keys' Monthly statistic: SUM(week_deployed) OVER (PARTITION BY
    -- TIMESTAMP_TRUNC(week, MONTH)), one value per week row, a week in the month of its
    -- first day
    select
        service,
        week_start,
        sum(week_deployed) over (
            partition by service, {{ dora_month_start('week_start') }}
        ) as weeks_deployed_in_month
    from weekly
),

monthly as (
    select
        service,
        {{ dora_month_start('day') }} as month_start,
        count(*) filter (where deployment_count > 0) as deployment_days,
        max(case when deployment_count > 0 then 1 else 0 end) as month_deployed
    from bucket_days
    group by service, month_start
),

window_totals as (
    select
        service,
        cast(sum(deployment_count) as bigint) as deployment_count,
        count(*) filter (where deployment_count > 0) as deployment_days
    from daily
    group by service
),

weekly_statistics as (
    select
        service,
        cast({{ dora_median('deployment_days') }} as double precision)
            as median_deployment_days_per_week,
        cast({{ dora_median('week_deployed') }} as double precision) as median_week_deployed
    from weekly
    group by service
),

monthly_statistics as (
    select
        service,
        cast({{ dora_median('deployment_days') }} as double precision)
            as median_deployment_days_per_month,
        cast({{ dora_median('month_deployed') }} as double precision) as median_month_deployed
    from monthly
    group by service
),

week_row_statistics as (
    select
        service,
        cast({{ dora_median('weeks_deployed_in_month') }} as double precision)
            as median_weeks_deployed_in_month
    from week_rows
    group by service
),

-- what "a deployment" is when the rate is computed, one CTE per mode
default_counted as (
    select
        service,
        deployment_count as counted_deployments
    from window_totals
),

devlake_counted as (
    -- DevLake counts deployment days, not deployments
    select
        service,
        deployment_days as counted_deployments
    from window_totals
),

four_keys_counted as (
    select
        service,
        deployment_count as counted_deployments
    from window_totals
),

counted as (
    select * from {{ mode }}_counted
),

measured as (
    select
        counted.service,
        'deployment_frequency' as metric,
        {{ dora_ratio(dora_window_days() ~ ' * 24', 'counted.counted_deployments') }} as value,
        counted.counted_deployments as sample_size
    from counted
),

levels as (
    {{ dora_performance_levels('measured') }}
),

statistics as (
    select
        service,
        'median_deployment_days_per_week' as statistic,
        median_deployment_days_per_week as value
    from weekly_statistics
    union all
    select
        service,
        'median_week_deployed' as statistic,
        median_week_deployed as value
    from weekly_statistics
    union all
    select
        service,
        'median_deployment_days_per_month' as statistic,
        median_deployment_days_per_month as value
    from monthly_statistics
    union all
    select
        service,
        'median_month_deployed' as statistic,
        median_month_deployed as value
    from monthly_statistics
    union all
    select
        service,
        'median_weeks_deployed_in_month' as statistic,
        median_weeks_deployed_in_month as value
    from week_row_statistics
),

peer_bucket_choice as (
    {{ dora_peer_bucket_choice('services', 'statistics', mode) }}
)

select
    levels.service,
    levels.report_year,
    window_bounds.window_start,
    window_bounds.window_end,
    window_totals.deployment_count,
    window_totals.deployment_days,
    {{ dora_ratio("window_totals.deployment_count * 7", dora_window_days()) }}
        as deployments_per_week,
    levels.value as hours_between_deployments,
    weekly_statistics.median_deployment_days_per_week,
    weekly_statistics.median_week_deployed,
    monthly_statistics.median_deployment_days_per_month,
    monthly_statistics.median_month_deployed,
    week_row_statistics.median_weeks_deployed_in_month,
    bucket_window.bucket_window_start,
    peer_bucket_choice.bucket as peer_frequency_bucket,
    levels.level,
    levels.level_basis,
    '{{ mode }}' as dora_mode
from levels
cross join window_bounds
inner join window_totals
    on levels.service = window_totals.service
-- left joins: Four Keys' days can be none (first event on or after dora_as_of)
left join weekly_statistics
    on levels.service = weekly_statistics.service
left join monthly_statistics
    on levels.service = monthly_statistics.service
left join week_row_statistics
    on levels.service = week_row_statistics.service
left join bucket_window
    on levels.service = bucket_window.service
left join peer_bucket_choice
    on
        levels.service = peer_bucket_choice.service
        and peer_bucket_choice.bucket_choice = 1
