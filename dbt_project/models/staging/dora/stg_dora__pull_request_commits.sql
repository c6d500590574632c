with raw_pull_request_commits as (
    select * from {{ source('dora_raw', 'pull_request_commits') }}
    -- a row the source deleted stays in raw, marked; no metric may count it
    where _deleted_at is null
)

select
    cast(pr_id as varchar) as pr_id,
    cast(repo as varchar) as repo,
    lower(trim(cast(sha as varchar))) as sha,
    cast(_source as varchar) as source_connector,
    cast(_loaded_at as timestamptz) as loaded_at,
    cast(_run_id as varchar) as load_run_id
from raw_pull_request_commits
