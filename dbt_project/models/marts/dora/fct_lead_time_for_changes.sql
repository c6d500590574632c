{{ config(
    materialized='incremental',
    incremental_strategy='replace_units',
    unique_key=['change_id'],
    post_hook="{{ incremental_replace_record_state() }}",
) }}
{%- set mode = dora_mode() -%}
-- Lead time for changes, one row per service and change it shipped. What a change is and
-- how its span is measured depends on dora_mode, one CTE each:
--   default   a merged pull request or a direct push; first commit -> finished_at of the
--             first deployment of the service whose change set holds it; exact seconds,
--             a negative span is NULL (and listed in dq_dora__negative_spans), zero kept;
--   devlake   a merged pull request matched by its merge commit (the first deployment of
--             a series never matches); DevLake's PR cycle time in whole minutes rounded up:
--             coding + (created -> merged) + deploy, NULL parts skipped;
--   four_keys each commit a deployment shipped; whole minutes (BigQuery TIMESTAMP_DIFF,
--             truncated), spans <= 0 dropped.
-- lead_time_seconds is always the exact first-commit -> deployment span, for drill-down.
-- Incremental: a run recomputes the changes whose inputs changed, by mode: the changes the
-- change deployments model replaced (default); the pull requests DevLake's match
-- replaced, changed pull requests and those whose commits changed (devlake); the commits
-- a replaced change set holds now or held before, and changed commits (four_keys).
{%- set state = incremental_replace_state() %}
with
{%- if state.incremental %}
{%- if mode == 'devlake' %}
replaced_changes as (
    select pr_id as change_id
    from {{ incremental_replace_parent_changes(ref('int_dora__devlake_pull_request_deployments'), state) }}
    union
    select pr_id from {{ incremental_replace_delta(ref('stg_dora__pull_requests'), state) }}
    union
    select pr_id from {{ incremental_replace_delta(ref('stg_dora__pull_request_commits'), state) }}
    union
    select pr_id from {{ ref('stg_dora__pull_request_commits') }}
    where (repo, sha) in (select repo, sha from {{ incremental_replace_delta(ref('stg_dora__commits'), state) }})
),
{%- elif mode == 'four_keys' %}
changed_change_sets as (
    select * from {{ incremental_replace_parent_changes(ref('int_dora__deployment_change_sets'), state) }}
),

replaced_commits as (
    select repo, sha from changed_change_sets where sha is not null
    union
    select repo, sha from {{ ref('int_dora__deployment_change_sets') }}
    where (deployment_id, repo) in (select deployment_id, repo from changed_change_sets)
    union
    select repo, sha from {{ incremental_replace_delta(ref('stg_dora__commits'), state) }}
),

replaced_changes as (
    select repo || '@' || sha as change_id from replaced_commits
),
{%- else %}
replaced_changes as (
    select change_id from {{ incremental_replace_parent_changes(ref('int_dora__change_deployments'), state) }}
),
{%- endif %}
{%- endif %}

change_deployments as (
    select * from {{ ref('int_dora__change_deployments') }}
    {%- if state.incremental %}
    where change_id in (select change_id from replaced_changes)
    {%- endif %}
),

pull_requests as (
    select * from {{ ref('stg_dora__pull_requests') }}
),

commits as (
    select
        repo,
        sha,
        authored_at
    from {{ ref('stg_dora__commits') }}
),

default_changes as (
    select
        service,
        change_id,
        change_kind,
        repo,
        deployment_id,
        first_commit_at,
        deployed_at,
        {{ dora_nonnegative_seconds('first_commit_at', 'deployed_at') }} / 60.0 as lead_time_minutes
    from change_deployments
),

pull_request_first_commits as (
    -- DevLake's getFirstCommit: the earliest authored commit among the pull request's commits
    select
        pull_request_commits.pr_id,
        min(commits.authored_at) as first_commit_at
    from {{ ref('stg_dora__pull_request_commits') }} as pull_request_commits
    inner join commits
        on
            pull_request_commits.repo = commits.repo
            and pull_request_commits.sha = commits.sha
    {%- if state.incremental %}
    where pull_request_commits.pr_id in (select change_id from replaced_changes)
    {%- endif %}
    group by pull_request_commits.pr_id
),

devlake_changes as (
    select
        pr_deployments.service,
        pull_requests.pr_id as change_id,
        'pull_request' as change_kind,
        pull_requests.repo,
        pr_deployments.deployment_id,
        pull_request_first_commits.first_commit_at,
        pr_deployments.deployed_at,
        cast(
            coalesce(
                {{ devlake_span_minutes(
                    'pull_request_first_commits.first_commit_at', 'pull_requests.created_at'
                ) }},
                0
            )
            + coalesce(
                {{ devlake_span_minutes('pull_requests.created_at', 'pull_requests.merged_at') }}, 0
            )
            + coalesce(
                {{ devlake_span_minutes('pull_requests.merged_at', 'pr_deployments.deployed_at') }},
                0
            )
            as double precision
        ) as lead_time_minutes
    from {{ ref('int_dora__devlake_pull_request_deployments') }} as pr_deployments
    inner join pull_requests
        on pr_deployments.pr_id = pull_requests.pr_id
    left join pull_request_first_commits
        on pr_deployments.pr_id = pull_request_first_commits.pr_id
    {%- if state.incremental %}
    where pr_deployments.pr_id in (select change_id from replaced_changes)
    {%- endif %}
),

commit_deployments as (
    select
        change_sets.service,
        change_sets.repo,
        change_sets.sha,
        change_sets.deployment_id,
        change_sets.finished_at,
        row_number() over (
            partition by change_sets.service, change_sets.repo, change_sets.sha
            order by change_sets.finished_at, change_sets.deployment_id
        ) as shipping_rank
    from {{ ref('int_dora__deployment_change_sets') }} as change_sets
    {%- if state.incremental and mode == 'four_keys' %}
    where (change_sets.repo, change_sets.sha) in (select repo, sha from replaced_commits)
    {%- endif %}
),

four_keys_changes as (
    select
        commit_deployments.service,
        commit_deployments.repo || '@' || commit_deployments.sha as change_id,
        'commit' as change_kind,
        commit_deployments.repo,
        commit_deployments.deployment_id,
        commits.authored_at as first_commit_at,
        commit_deployments.finished_at as deployed_at,
        case
            when
                {{ four_keys_timestamp_diff(
                    'commits.authored_at', 'commit_deployments.finished_at', 'minute'
                ) }}
                > 0
                then
                    cast(
                        {{ four_keys_timestamp_diff(
                            'commits.authored_at', 'commit_deployments.finished_at', 'minute'
                        ) }} as double precision
                    )
        end as lead_time_minutes
    from commit_deployments
    left join commits
        on
            commit_deployments.repo = commits.repo
            and commit_deployments.sha = commits.sha
    where commit_deployments.shipping_rank = 1
),

changes as (
    select * from {{ mode }}_changes
),

lead_times as (
    select
        service,
        change_id,
        change_kind,
        repo,
        deployment_id,
        first_commit_at,
        deployed_at,
        {{ dora_local_date('deployed_at') }} as deployed_on,
        {{ dora_nonnegative_seconds('first_commit_at', 'deployed_at') }} as lead_time_seconds,
        coalesce({{ dora_span_seconds('first_commit_at', 'deployed_at') }} < 0, false)
            as is_negative_span,
        lead_time_minutes,
        lead_time_minutes / 60.0 as lead_time_hours,
        '{{ mode }}' as dora_mode
    from changes
)

{{ incremental_replace_rows(state, 'lead_times', 'replaced_changes', ['change_id']) }}
