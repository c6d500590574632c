{{ config(
    materialized='incremental',
    incremental_strategy='replace_units',
    unique_key=['review_id'],
    post_hook="{{ incremental_replace_record_state() }}",
) }}
{%- set state = incremental_replace_state() -%}
-- A table, not a view: the pseudonym is computed here, where dbt holds the key
-- (macros/pii_hmac.sql). Incremental, because hashing every row again was the largest cost
-- of a run with nothing new (benchmarks/bench_dora.py): a run rehashes the reviews whose
-- raw rows were loaded since the watermark, with every raw row that normalizes to the same
-- key, so each replaced unit is rebuilt whole. A soft-deleted raw row or another pseudonym
-- key (dora_result_vars) rebuilds the table in full.
with
{{ incremental_replace_source_rows(
    source('dora_raw', 'pull_request_reviews'),
    [['review_id', 'cast(review_id as varchar)']],
    state,
    units='changed_reviews',
    rows='raw_reviews',
) }},

reviews as (
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
)

{{ incremental_replace_rows(state, 'reviews', 'changed_reviews', ['review_id']) }}
