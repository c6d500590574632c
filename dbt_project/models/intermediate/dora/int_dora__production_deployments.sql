-- Successful production deployments: the only deployments that count for frequency,
-- lead time, change failure rate and rework. A deployment that spans several
-- repositories is one row here, so it counts once everywhere downstream.
with deployments as (
    select * from {{ ref('stg_dora__deployments') }}
    where is_production_success
)

select
    deployment_id,
    service,
    started_at,
    finished_at,
    trigger_kind,
    trigger_kind in ('hotfix', 'rollback') as is_remediation_trigger,
    {{ dora_local_date('finished_at') }} as deployed_on
from deployments
