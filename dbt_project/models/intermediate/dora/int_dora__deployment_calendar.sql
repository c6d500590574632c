-- Zero-filled day/week/month periods per service, from the first production deployment
-- attempt to dora_as_of (or the last attempt, if later), so a week without deployments
-- is a row with 0 rather than a missing row. Built from deployments only, so the GA
-- deployment-frequency chain depends on nothing below GA.
with production_attempts as (
    select
        service,
        {{ dora_local_date('coalesce(finished_at, started_at)') }} as attempted_on
    from {{ ref('stg_dora__deployments') }}
    where
        environment = 'PRODUCTION'
        and coalesce(finished_at, started_at) is not null
),

bounds as (
    select
        service,
        min(attempted_on) as first_day,
        greatest(max(attempted_on), {{ dora_as_of_date() }}) as last_day
    from production_attempts
    group by service
),

spine as (
    {{ dora_period_spine('bounds') }}
)

select
    service,
    grain,
    period_start,
    period_end
from spine
