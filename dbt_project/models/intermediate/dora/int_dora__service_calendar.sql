-- The deployment calendar widened to services and days that only incidents know of, so
-- a service with incidents and no deployment still has periods (with a NULL change
-- failure rate) instead of vanishing.
with production_attempts as (
    select
        service,
        {{ dora_local_date('coalesce(finished_at, started_at)') }} as active_on
    from {{ ref('stg_dora__deployments') }}
    where
        environment = 'PRODUCTION'
        and coalesce(finished_at, started_at) is not null
),

incident_days as (
    select
        service,
        {{ dora_local_date('created_at') }} as active_on
    from {{ ref('stg_dora__incidents') }}
    where created_at is not null
    union all
    select
        service,
        {{ dora_local_date('resolved_at') }} as active_on
    from {{ ref('stg_dora__incidents') }}
    where resolved_at is not null
),

activity as (
    select
        service,
        active_on
    from production_attempts
    union all
    select
        service,
        active_on
    from incident_days
),

bounds as (
    select
        service,
        min(active_on) as first_day,
        greatest(max(active_on), {{ dora_as_of_date() }}) as last_day
    from activity
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
