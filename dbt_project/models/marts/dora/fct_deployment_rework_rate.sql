-- Deployment rework rate (DORA 2024) per service, week and month: remediation
-- deployments (int_dora__remediation_deployments) divided by all successful production
-- deployments finished in the period; NULL without deployments. No peer computes it, so
-- it is the same in every dora_mode (weeks still follow the mode's week start).
with calendar as (
    select * from {{ ref('int_dora__service_calendar') }}
    where grain in ('week', 'month')
),

deployments as (
    select * from {{ ref('int_dora__remediation_deployments') }}
),

grains as (
    select unnest(array['week', 'month']) as grain
),

counts as (
    select
        deployments.service,
        grains.grain,
        {{ dora_period_start('grains.grain', 'deployments.deployed_on') }} as period_start,
        count(*) as deployment_count,
        count(*) filter (where deployments.is_remediation) as remediation_deployment_count
    from deployments
    cross join grains
    group by deployments.service, grains.grain, period_start
)

select
    calendar.service,
    calendar.grain,
    calendar.period_start,
    calendar.period_end,
    coalesce(counts.deployment_count, 0) as deployment_count,
    coalesce(counts.remediation_deployment_count, 0) as remediation_deployment_count,
    {{ dora_ratio('counts.remediation_deployment_count', 'counts.deployment_count') }}
        as deployment_rework_rate,
    '{{ dora_mode() }}' as dora_mode
from calendar
left join counts
    on
        calendar.service = counts.service
        and calendar.grain = counts.grain
        and calendar.period_start = counts.period_start
