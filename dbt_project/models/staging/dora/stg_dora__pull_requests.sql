-- a table, not a view: the pseudonym is computed here, where dbt holds the key
-- (macros/pii_hmac.sql)
{{ config(materialized='table') }}

with raw_pull_requests as (
    select * from {{ source('dora_raw', 'pull_requests') }}
    -- a row the source deleted stays in raw, marked; no metric may count it
    where _deleted_at is null
)

select
    cast(pr_id as varchar) as pr_id,
    cast(repo as varchar) as repo,
    cast(number as bigint) as pr_number,
    {{ pii_hmac('lower(trim(cast(author as varchar)))') }} as author_hash,
    cast(created_at as timestamptz) as created_at,
    cast(merged_at as timestamptz) as merged_at,
    lower(trim(cast(merge_sha as varchar))) as merge_sha,
    cast(referenced_incident_id as varchar) as referenced_incident_id,
    merged_at is not null as is_merged,
    cast(_source as varchar) as source_connector,
    cast(_loaded_at as timestamptz) as loaded_at,
    cast(_run_id as varchar) as load_run_id
from raw_pull_requests
