{%- set mode = dora_mode() -%}
-- Deployment frequency over the level window (dora_window_days ending at dora_as_of) per
-- service, labelled with the published bands of every report year and, in a
-- compatibility mode, with the bucket the peer's dashboard shows.
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

weekly as (
    select
        service,
        {{ dora_week_start('day') }} as week_start,
        count(*) filter (where deployment_count > 0) as deployment_days,
        max(case when deployment_count > 0 then 1 else 0 end) as week_deployed
    from daily
    group by service, week_start
),

monthly as (
    select
        service,
        {{ dora_month_start('day') }} as month_start,
        count(*) filter (where deployment_count > 0) as deployment_days,
        max(case when deployment_count > 0 then 1 else 0 end) as month_deployed
    from daily
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
),

peer_buckets as (
    select * from {{ ref('dora_peer_frequency_buckets') }}
    where mode = '{{ mode }}'
),

peer_bucket_choice as (
    select
        services.service,
        peer_buckets.bucket,
        row_number()
            over (partition by services.service order by peer_buckets.bucket_rank)
            as bucket_choice
    from services
    cross join peer_buckets
    left join statistics
        on
            services.service = statistics.service
            and peer_buckets.statistic = statistics.statistic
    where
        peer_buckets.statistic is null
        or statistics.value >= peer_buckets.min_value
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
    peer_bucket_choice.bucket as peer_frequency_bucket,
    levels.level,
    levels.level_basis,
    '{{ mode }}' as dora_mode
from levels
cross join window_bounds
inner join window_totals
    on levels.service = window_totals.service
inner join weekly_statistics
    on levels.service = weekly_statistics.service
inner join monthly_statistics
    on levels.service = monthly_statistics.service
left join peer_bucket_choice
    on
        levels.service = peer_bucket_choice.service
        and peer_bucket_choice.bucket_choice = 1
