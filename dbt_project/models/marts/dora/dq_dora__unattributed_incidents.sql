-- Incidents no attribution rule could tie to a successful production deployment (for
-- example an incident before the service's first known deployment). They do not count
-- towards any change failure rate or recovery time, so they are listed here to be fixed
-- at the source (caused_by_deployment_id, root_cause_sha) rather than silently ignored.
select
    incident_id,
    service,
    created_at,
    resolved_at,
    is_open,
    root_cause_sha,
    unattributed_reason,
    dora_mode
from {{ ref('int_dora__incident_attribution') }}
where attributed_deployment_id is null
