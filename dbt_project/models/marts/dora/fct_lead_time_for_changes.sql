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
--   four_keys every deployment-commit pair, so a redeploy counts its commits again; whole
--             minutes (BigQuery TIMESTAMP_DIFF, truncated), spans <= 0 dropped, as in
--             Four Keys' queries/lead_time_for_changes.sql: `FROM four_keys.deployments d,
--             d.changes LEFT JOIN four_keys.changes c ON changes = c.change_id` and
--             `IF(TIMESTAMP_DIFF(d.time_created, c.time_created, MINUTE) > 0, ..., NULL)`.
--             A row per pair: change_id is the commit, unique with deployment_id.
-- lead_time_seconds is always the exact first-commit -> deployment span, for drill-down.
-- Incremental: a run recomputes the changes whose inputs changed, by mode: the changes the
-- change deployments model replaced (default); the pull requests DevLake's match
-- replaced, changed pull requests and those whose commits changed (devlake); the commits
-- a replaced change set holds now or held before, changed commits, and the commits paired
-- now or before with a changed deployment (four_keys).
{%- set state = incremental_replace_state() %}
-- four_keys mode's incremental runs read the deployments' delta, so declared for every mode:
-- depends_on: {{ ref('stg_dora__deployments') }}
with
change_sets as (
    select * from {{ ref('int_dora__deployment_change_sets') }}
),

deployment_heads as (
    -- the commit each successful production deployment deployed, per repository
    select
        deployments.service,
        deployments.deployment_id,
        deployments.finished_at,
        deployment_commits.repo,
        deployment_commits.sha as head_sha
    from {{ ref('int_dora__production_deployments') }} as deployments
    inner join {{ ref('stg_dora__deployment_commits') }} as deployment_commits
        on deployments.deployment_id = deployment_commits.deployment_id
),

head_pushes as (
    -- Four Keys' deployments.sql takes a deployment's changes from the push whose head
    -- commit it deployed; the push of a head is what the first deployment of that head
    -- shipped, so a redeploy of it (a rollback, a rerun) ships the same commits again
    select
        deployment_heads.service,
        deployment_heads.repo,
        deployment_heads.head_sha,
        change_sets.sha,
        dense_rank() over (
            partition by deployment_heads.service, deployment_heads.repo, deployment_heads.head_sha
            order by deployment_heads.finished_at, deployment_heads.deployment_id
        ) as push_rank
    from deployment_heads
    inner join change_sets
        on
            deployment_heads.deployment_id = change_sets.deployment_id
            and deployment_heads.repo = change_sets.repo
    where change_sets.sha is not null
),

four_keys_pairs as (
    select
        service,
        deployment_id,
        finished_at,
        repo,
        sha
    from change_sets
    where sha is not null
    union
    select
        deployment_heads.service,
        deployment_heads.deployment_id,
        deployment_heads.finished_at,
        deployment_heads.repo,
        head_pushes.sha
    from deployment_heads
    inner join head_pushes
        on
            deployment_heads.service = head_pushes.service
            and deployment_heads.repo = head_pushes.repo
            and deployment_heads.head_sha = head_pushes.head_sha
            and head_pushes.push_rank = 1
    left join change_sets as own_change_sets
        on
            deployment_heads.deployment_id = own_change_sets.deployment_id
            and deployment_heads.repo = own_change_sets.repo
    where own_change_sets.deployment_id is null
),
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

changed_deployments as (
    -- a deployment whose result or head changed gains or loses the pairs of a head's push
    select deployment_id from {{ incremental_replace_delta(ref('stg_dora__deployments'), state) }}
    union
    select deployment_id
    from {{ incremental_replace_delta(ref('stg_dora__deployment_commits'), state) }}
),

replaced_commits as (
    select repo, sha from changed_change_sets where sha is not null
    union
    select repo, sha from change_sets
    where (deployment_id, repo) in (select deployment_id, repo from changed_change_sets)
    union
    select repo, sha from {{ incremental_replace_delta(ref('stg_dora__commits'), state) }}
    union
    select repo, sha from four_keys_pairs
    where deployment_id in (select deployment_id from changed_deployments)
),

replaced_changes as (
    select repo || '@' || sha as change_id from replaced_commits
    union
    select change_id from {{ this }}
    where deployment_id in (select deployment_id from changed_deployments)
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

four_keys_changes as (
    select
        four_keys_pairs.service,
        four_keys_pairs.repo || '@' || four_keys_pairs.sha as change_id,
        'commit' as change_kind,
        four_keys_pairs.repo,
        four_keys_pairs.deployment_id,
        commits.authored_at as first_commit_at,
        four_keys_pairs.finished_at as deployed_at,
        case
            when
                {{ four_keys_timestamp_diff(
                    'commits.authored_at', 'four_keys_pairs.finished_at', 'minute'
                ) }}
                > 0
                then
                    cast(
                        {{ four_keys_timestamp_diff(
                            'commits.authored_at', 'four_keys_pairs.finished_at', 'minute'
                        ) }} as double precision
                    )
        end as lead_time_minutes
    from four_keys_pairs
    left join commits
        on
            four_keys_pairs.repo = commits.repo
            and four_keys_pairs.sha = commits.sha
    {%- if state.incremental and mode == 'four_keys' %}
    where (four_keys_pairs.repo, four_keys_pairs.sha) in (select repo, sha from replaced_commits)
    {%- endif %}
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
