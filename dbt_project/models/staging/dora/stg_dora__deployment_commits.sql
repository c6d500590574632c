with raw_deployment_commits as (
    select * from {{ source('dora_raw', 'deployment_commits') }}
    -- a row the source deleted stays in raw, marked; no metric may count it
    where _deleted_at is null
)

select
    cast(deployment_id as varchar) as deployment_id,
    cast(repo as varchar) as repo,
    -- shas are compared across tables from different connectors: one spelling
    lower(trim(cast(sha as varchar))) as sha,
    cast(_source as varchar) as source_connector,
    cast(_loaded_at as timestamptz) as loaded_at,
    cast(_run_id as varchar) as load_run_id
from raw_deployment_commits
