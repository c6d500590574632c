with raw_change_sets as (
    select * from {{ source('dora_raw', 'deployment_change_sets') }}
    -- a row the source deleted stays in raw, marked; no metric may count it
    where _deleted_at is null
)

select
    cast(deployment_id as varchar) as deployment_id,
    cast(repo as varchar) as repo,
    lower(trim(cast(sha as varchar))) as sha,
    cast(_source as varchar) as source_connector,
    cast(_loaded_at as timestamptz) as loaded_at,
    cast(_run_id as varchar) as load_run_id
from raw_change_sets
