{{ config(
    materialized='incremental',
    incremental_strategy='replace_units',
    unique_key=['repo', 'sha'],
    post_hook="{{ incremental_replace_record_state() }}",
) }}
{%- set state = incremental_replace_state() -%}
-- A table, not a view: the pseudonym is computed here, where dbt holds the key
-- (macros/pii_hmac.sql). Incremental, because hashing every row again was the largest cost
-- of a run with nothing new (benchmarks/bench_dora.py): a run rehashes the commits whose
-- raw rows were loaded since the watermark, with every raw row that normalizes to the same
-- key, so each replaced unit is rebuilt whole. A soft-deleted raw row or another pseudonym
-- key (dora_result_vars) rebuilds the table in full.
with
{{ incremental_replace_source_rows(
    source('dora_raw', 'commits'),
    [['repo', 'cast(repo as varchar)'], ['sha', 'lower(trim(cast(sha as varchar)))']],
    state,
    units='changed_commits',
    rows='raw_commits',
) }},

commits as (
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
)

{{ incremental_replace_rows(state, 'commits', 'changed_commits', ['repo', 'sha']) }}
