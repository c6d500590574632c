with raw_incidents as (
    select * from {{ source('dora_raw', 'incidents') }}
    -- a row the source deleted stays in raw, marked; no metric may count it
    where _deleted_at is null
)

select
    cast(incident_id as varchar) as incident_id,
    cast(service as varchar) as service,
    cast(created_at as timestamptz) as created_at,
    cast(resolved_at as timestamptz) as resolved_at,
    cast(severity as varchar) as severity,
    cast(source as varchar) as incident_system,
    nullif(trim(cast(caused_by_deployment_id as varchar)), '') as caused_by_deployment_id,
    nullif(lower(trim(cast(root_cause_sha as varchar))), '') as root_cause_sha,
    resolved_at is null as is_open,
    cast(_source as varchar) as source_connector,
    cast(_loaded_at as timestamptz) as loaded_at,
    cast(_run_id as varchar) as load_run_id
from raw_incidents
