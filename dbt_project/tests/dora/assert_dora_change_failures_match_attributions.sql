-- Over the whole history, the failed deployments of fct_change_failure_rate are exactly
-- the distinct deployments incidents are attributed to (month grain, which covers every
-- deployment once): counting joined rows instead of deployments would break this.
with failed_in_marts as (
    select
        service,
        sum(failed_deployment_count) as failed_deployments
    from {{ ref('fct_change_failure_rate') }}
    where grain = 'month'
    group by service
),

attributed as (
    select
        deployments.service,
        count(distinct attribution.attributed_deployment_id) as failed_deployments
    from {{ ref('int_dora__incident_attribution') }} as attribution
    inner join {{ ref('int_dora__production_deployments') }} as deployments
        on attribution.attributed_deployment_id = deployments.deployment_id
    group by deployments.service
)

select coalesce(failed_in_marts.service, attributed.service) as service
from failed_in_marts
full outer join attributed
    on failed_in_marts.service = attributed.service
where coalesce(failed_in_marts.failed_deployments, 0) <> coalesce(attributed.failed_deployments, 0)
