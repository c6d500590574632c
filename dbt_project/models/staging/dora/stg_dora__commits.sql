-- a table, not a view: the pseudonym is computed here, where dbt holds the key
-- (macros/pii_hmac.sql)
{{ config(materialized='table') }}

with raw_commits as (
    select * from {{ source('dora_raw', 'commits') }}
    -- a row the source deleted stays in raw, marked; no metric may count it
    where _deleted_at is null
)

select
    cast(repo as varchar) as repo,
    lower(trim(cast(sha as varchar))) as sha,
    -- authors are personal data; the metrics only ever compare them, so a keyed
    -- pseudonym serves (an unkeyed hash of a name is reversed with a list of names)
    {{ pii_hmac('lower(trim(cast(author as varchar)))') }} as author_hash,
    cast(authored_at as timestamptz) as authored_at,
    -- the message is free text that can hold personal data; only "is it a revert" is
    -- needed downstream (docs/dora-raw-tables.md: a revert starts with `Revert "`)
    coalesce(starts_with(cast(message as varchar), 'Revert "'), false) as is_revert,
    cast(_source as varchar) as source_connector,
    cast(_loaded_at as timestamptz) as loaded_at,
    cast(_run_id as varchar) as load_run_id
from raw_commits
