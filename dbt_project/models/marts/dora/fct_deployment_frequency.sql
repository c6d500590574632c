-- Deployment frequency per service and calendar period, zero-filled: distinct successful
-- production deployments (a multi-repository deployment counts once) and deployment days
-- (distinct local days with at least one). DevLake's frequency is the deployment_days
-- column; Four Keys' weeks start on Sunday (dora_week_start).
with calendar as (
    select * from {{ ref('int_dora__deployment_calendar') }}
),

deployments as (
    select
        deployment_id,
        service,
        deployed_on
    from {{ ref('int_dora__production_deployments') }}
),

grains as (
    select unnest(array['day', 'week', 'month']) as grain
),

bucketed as (
    select
        deployments.service,
        grains.grain,
        {{ dora_period_start('grains.grain', 'deployments.deployed_on') }} as period_start,
        deployments.deployment_id,
        deployments.deployed_on
    from deployments
    cross join grains
),

counts as (
    select
        service,
        grain,
        period_start,
        count(distinct deployment_id) as deployment_count,
        count(distinct deployed_on) as deployment_days
    from bucketed
    group by service, grain, period_start
)

select
    calendar.service,
    calendar.grain,
    calendar.period_start,
    calendar.period_end,
    coalesce(counts.deployment_count, 0) as deployment_count,
    coalesce(counts.deployment_days, 0) as deployment_days,
    '{{ dora_week_start_day() }}' as week_starts_on,
    '{{ dora_mode() }}' as dora_mode
from calendar
left join counts
    on
        calendar.service = counts.service
        and calendar.grain = counts.grain
        and calendar.period_start = counts.period_start
