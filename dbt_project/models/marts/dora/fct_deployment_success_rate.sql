-- Production deployment attempts per service, week and month: failed attempts are not
-- change failures (they never reached users), so they are reported here instead.
with calendar as (
    select * from {{ ref('int_dora__deployment_calendar') }}
    where grain in ('week', 'month')
),

attempts as (
    select
        deployment_id,
        service,
        result,
        {{ dora_local_date('finished_at') }} as finished_on
    from {{ ref('stg_dora__deployments') }}
    where
        environment = 'PRODUCTION'
        and finished_at is not null
),

grains as (
    select unnest(array['week', 'month']) as grain
),

counts as (
    select
        attempts.service,
        grains.grain,
        {{ dora_period_start('grains.grain', 'attempts.finished_on') }} as period_start,
        count(*) as attempted_deployment_count,
        count(*) filter (where attempts.result = 'SUCCESS') as successful_deployment_count,
        count(*) filter (where attempts.result = 'FAILURE') as failed_deployment_count,
        count(*) filter (where attempts.result not in ('SUCCESS', 'FAILURE')) as other_outcome_count
    from attempts
    cross join grains
    group by attempts.service, grains.grain, period_start
)

select
    calendar.service,
    calendar.grain,
    calendar.period_start,
    calendar.period_end,
    coalesce(counts.attempted_deployment_count, 0) as attempted_deployment_count,
    coalesce(counts.successful_deployment_count, 0) as successful_deployment_count,
    coalesce(counts.failed_deployment_count, 0) as failed_deployment_count,
    coalesce(counts.other_outcome_count, 0) as other_outcome_count,
    -- NULL, not 0, when nothing was attempted: no attempt is not a failed attempt
    {{ dora_ratio('counts.successful_deployment_count', 'counts.attempted_deployment_count') }}
        as deployment_success_rate,
    '{{ dora_mode() }}' as dora_mode
from calendar
left join counts
    on
        calendar.service = counts.service
        and calendar.grain = counts.grain
        and calendar.period_start = counts.period_start
