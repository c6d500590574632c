-- Lead time per service, week and month, selecting changes by the finished_at of the
-- deployment that shipped them: median, p75 and p90 of lead_time_hours (continuous
-- quantiles; DevLake mode uses its lower, discrete ones). Periods without changes are
-- kept with a count of 0 and NULL percentiles.
with calendar as (
    select * from {{ ref('int_dora__service_calendar') }}
    where grain in ('week', 'month')
),

changes as (
    select * from {{ ref('fct_lead_time_for_changes') }}
),

grains as (
    select unnest(array['week', 'month']) as grain
),

aggregated as (
    select
        changes.service,
        grains.grain,
        {{ dora_period_start('grains.grain', 'changes.deployed_on') }} as period_start,
        count(*) as deployed_change_count,
        count(changes.lead_time_hours) as measured_change_count,
        count(*) filter (where changes.is_negative_span) as negative_span_count,
        {{ dora_median('changes.lead_time_hours') }} as median_lead_time_hours,
        {{ dora_quantile('changes.lead_time_hours', 0.75) }} as p75_lead_time_hours,
        {{ dora_quantile('changes.lead_time_hours', 0.9) }} as p90_lead_time_hours
    from changes
    cross join grains
    group by changes.service, grains.grain, period_start
)

select
    calendar.service,
    calendar.grain,
    calendar.period_start,
    calendar.period_end,
    coalesce(aggregated.deployed_change_count, 0) as deployed_change_count,
    coalesce(aggregated.measured_change_count, 0) as measured_change_count,
    coalesce(aggregated.negative_span_count, 0) as negative_span_count,
    aggregated.median_lead_time_hours,
    aggregated.p75_lead_time_hours,
    aggregated.p90_lead_time_hours,
    '{{ dora_mode() }}' as dora_mode
from calendar
left join aggregated
    on
        calendar.service = aggregated.service
        and calendar.grain = aggregated.grain
        and calendar.period_start = aggregated.period_start
