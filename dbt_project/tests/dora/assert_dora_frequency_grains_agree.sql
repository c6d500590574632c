-- The day, week and month rows of fct_deployment_frequency are three views of the same
-- deployments: per service, each grain must add up to the same total. A mismatch means a
-- deployment fell outside the calendar or was bucketed twice.
with totals as (
    select
        service,
        grain,
        sum(deployment_count) as deployment_count
    from {{ ref('fct_deployment_frequency') }}
    group by service, grain
)

select service
from totals
group by service
having min(deployment_count) <> max(deployment_count)
