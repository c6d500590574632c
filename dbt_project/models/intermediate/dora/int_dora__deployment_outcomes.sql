-- Each successful production deployment once, with the incidents attributed to it: the
-- numerator of the change failure rate counts deployments, not incidents or joined rows.
with deployments as (
    select * from {{ ref('int_dora__production_deployments') }}
),

attributed as (
    select
        attributed_deployment_id as deployment_id,
        count(*) as attributed_incident_count
    from {{ ref('int_dora__incident_attribution') }}
    where attributed_deployment_id is not null
    group by attributed_deployment_id
)

select
    deployments.deployment_id,
    deployments.service,
    deployments.finished_at,
    deployments.deployed_on,
    coalesce(attributed.attributed_incident_count, 0) as attributed_incident_count,
    coalesce(attributed.attributed_incident_count, 0) > 0 as is_change_failure
from deployments
left join attributed
    on deployments.deployment_id = attributed.deployment_id
