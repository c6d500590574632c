{{ config(
    materialized='incremental',
    incremental_strategy='replace_units',
    unique_key=['pr_id'],
    post_hook="{{ incremental_replace_record_state() }}",
) }}
{%- set state = incremental_replace_state() -%}
-- A table, not a view: the pseudonym is computed here, where dbt holds the key
-- (macros/pii_hmac.sql). Incremental, because hashing every row again was the largest cost
-- of a run with nothing new (benchmarks/bench_dora.py): a run rehashes the pull requests whose
-- raw rows were loaded since the watermark, with every raw row that normalizes to the same
-- key, so each replaced unit is rebuilt whole. A soft-deleted raw row or another pseudonym
-- key (dora_result_vars) rebuilds the table in full.
with
{{ incremental_replace_source_rows(
    source('dora_raw', 'pull_requests'),
    [['pr_id', 'cast(pr_id as varchar)']],
    state,
    units='changed_pull_requests',
    rows='raw_pull_requests',
) }},

pull_requests as (
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
)

{{ incremental_replace_rows(state, 'pull_requests', 'changed_pull_requests', ['pr_id']) }}
