-- a table, not a view: the pseudonym is computed here, where dbt holds the key
-- (macros/pii_hmac.sql)
{{ config(materialized='table') }}

with raw_reviews as (
    select * from {{ source('dora_raw', 'pull_request_reviews') }}
    -- a row the source deleted stays in raw, marked; no metric may count it
    where _deleted_at is null
)

select
    cast(review_id as varchar) as review_id,
    cast(pr_id as varchar) as pr_id,
    -- the same pseudonym as pull request authors, so "reviewed by someone else" still works
    {{ pii_hmac('lower(trim(cast(author as varchar)))') }} as reviewer_hash,
    cast(created_at as timestamptz) as reviewed_at,
    lower(trim(cast(kind as varchar))) as review_kind,
    cast(_source as varchar) as source_connector,
    cast(_loaded_at as timestamptz) as loaded_at,
    cast(_run_id as varchar) as load_run_id
from raw_reviews
