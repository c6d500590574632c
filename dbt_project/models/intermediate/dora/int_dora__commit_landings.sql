{{ config(
    materialized='incremental',
    incremental_strategy='replace_units',
    unique_key=['repo', 'sha'],
    post_hook="{{ incremental_replace_record_state() }}",
) }}
{%- set state = incremental_replace_state() -%}
-- Every commit the DORA models may meet, with the change it belongs to and when it
-- reached the deployed branch. A pull request's commits and its merge commit land when
-- the pull request is merged (their author dates are older); a commit that belongs to no
-- pull request is a direct push and lands when it is authored. Commits of pull requests
-- that were never merged never land.
-- Incremental: a (repo, sha) row depends only on that commit and on the pull requests that
-- hold it (as a commit or as their merge commit), so a run recomputes the shas of changed
-- commits, of changed pull request commits, and every sha of a changed pull request,
-- including the merge commit it named before (found in the previous rows).
with
{%- if state.incremental %}
changed_pull_requests as (
    select
        pr_id,
        repo,
        merge_sha
    from {{ incremental_replace_delta(ref('stg_dora__pull_requests'), state) }}
),

replaced_landings as (
    select
        repo,
        sha
    from {{ incremental_replace_delta(ref('stg_dora__commits'), state) }}
    union
    select
        repo,
        sha
    from {{ incremental_replace_delta(ref('stg_dora__pull_request_commits'), state) }}
    union
    select
        repo,
        sha
    from {{ ref('stg_dora__pull_request_commits') }}
    where pr_id in (select changed_pull_requests.pr_id from changed_pull_requests)
    union
    select
        repo,
        merge_sha
    from changed_pull_requests
    where merge_sha is not null
    union
    select
        repo,
        sha
    from {{ this }}
    where pr_id in (select changed_pull_requests.pr_id from changed_pull_requests)
),
{%- endif %}

commits as (
    select
        repo,
        sha,
        authored_at,
        is_revert
    from {{ ref('stg_dora__commits') }}
    {%- if state.incremental %}
    where (repo, sha) in (
        select
            replaced_landings.repo,
            replaced_landings.sha
        from replaced_landings
    )
    {%- endif %}
),

pull_requests as (
    select
        pr_id,
        repo,
        merge_sha,
        merged_at
    from {{ ref('stg_dora__pull_requests') }}
),

pull_request_shas as (
    select
        pull_request_commits.repo,
        pull_request_commits.sha,
        pull_requests.pr_id,
        pull_requests.merged_at
    from {{ ref('stg_dora__pull_request_commits') }} as pull_request_commits
    inner join pull_requests
        on pull_request_commits.pr_id = pull_requests.pr_id
    {%- if state.incremental %}
    where (pull_request_commits.repo, pull_request_commits.sha) in (
        select
            replaced_landings.repo,
            replaced_landings.sha
        from replaced_landings
    )
    {%- endif %}
    union all
    -- the merge commit is not among the pull request's commits, yet it is no direct push
    select
        repo,
        merge_sha as sha,
        pr_id,
        merged_at
    from pull_requests
    where merge_sha is not null
    {%- if state.incremental %}
      and (repo, merge_sha) in (select repo, sha from replaced_landings)
    {%- endif %}
),

owning_pull_request as (
    -- a commit can sit in several pull requests (stacked, re-opened): the first merged ships it
    select
        repo,
        sha,
        pr_id,
        merged_at,
        row_number()
            over (partition by repo, sha order by merged_at asc nulls last, pr_id asc)
            as ownership_rank
    from pull_request_shas
),

known_shas as (
    select
        repo,
        sha
    from commits
    union
    -- merged pull requests' shas count even when the commit listing missed them
    select
        repo,
        sha
    from pull_request_shas
    where merged_at is not null
),

landings as (
    select
        known_shas.repo,
        known_shas.sha,
        commits.authored_at,
        coalesce(commits.is_revert, false) as is_revert,
        commits.sha is not null as is_in_commits,
        owning_pull_request.pr_id,
        case when owning_pull_request.pr_id is not null then 'pull_request' else 'direct_push' end
            as change_kind,
        coalesce(owning_pull_request.pr_id, known_shas.repo || '@' || known_shas.sha) as change_id,
        case
            when owning_pull_request.pr_id is not null then owning_pull_request.merged_at
            else commits.authored_at
        end as landed_at
    from known_shas
    left join commits
        on
            known_shas.repo = commits.repo
            and known_shas.sha = commits.sha
    left join owning_pull_request
        on
            known_shas.repo = owning_pull_request.repo
            and known_shas.sha = owning_pull_request.sha
            and owning_pull_request.ownership_rank = 1
)

{{ incremental_replace_rows(state, 'landings', 'replaced_landings', ['repo', 'sha']) }}
