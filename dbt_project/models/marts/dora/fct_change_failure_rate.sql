-- Change failure rate per service, week and month: successful production deployments
-- finished in the period that have at least one attributed incident, divided by all of
-- them, each deployment counted once however many incidents it caused (unlike Four Keys'
-- published query, which counts joined rows and can exceed 100 %). NULL, not 0, for a
-- period without deployments. The attribution rules are dora_mode's
-- (int_dora__incident_attribution).
with calendar as (
    select * from {{ ref('int_dora__service_calendar') }}
    where grain in ('week', 'month')
),

outcomes as (
    select * from {{ ref('int_dora__deployment_outcomes') }}
),

grains as (
    select unnest(array['week', 'month']) as grain
),

counts as (
    select
        outcomes.service,
        grains.grain,
        {{ dora_period_start('grains.grain', 'outcomes.deployed_on') }} as period_start,
        count(*) as deployment_count,
        count(*) filter (where outcomes.is_change_failure) as failed_deployment_count,
        cast(sum(outcomes.attributed_incident_count) as bigint) as attributed_incident_count
    from outcomes
    cross join grains
    group by outcomes.service, grains.grain, period_start
)

select
    calendar.service,
    calendar.grain,
    calendar.period_start,
    calendar.period_end,
    coalesce(counts.deployment_count, 0) as deployment_count,
    coalesce(counts.failed_deployment_count, 0) as failed_deployment_count,
    coalesce(counts.attributed_incident_count, 0) as attributed_incident_count,
    {{ dora_ratio('counts.failed_deployment_count', 'counts.deployment_count') }}
        as change_failure_rate,
    '{{ dora_mode() }}' as dora_mode
from calendar
left join counts
    on
        calendar.service = counts.service
        and calendar.grain = counts.grain
        and calendar.period_start = counts.period_start
