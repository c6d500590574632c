{{ config(
    materialized='incremental',
    incremental_strategy='replace_units',
    unique_key=['pr_id'],
    post_hook="{{ incremental_replace_record_state() }}",
) }}
{%- set state = incremental_replace_state() -%}
-- DevLake's rule for a pull request's deployment (dora plugin, change_lead_time_calculator.go,
-- getDeploymentCommit): among the successful PRODUCTION deployment commits of the whole
-- project that have a previous successful deployment commit, the one whose change set (the
-- commits_diffs from the previous one's sha to its own) holds the pull request's merge
-- commit; if several, the one that started earliest (ORDER BY dc.started_date, dc.id). Each
-- deployment commit counts by its own result and is dated by its own start and finish, so
-- on a deployment of several repositories the pull request is deployed when its repository
-- finished, not when the last one did.
-- The previous successful deployment commit (prev_deployment_commit_enricher.go,
-- EnrichPrevSuccessDeploymentCommit): the deployment commits with result = SUCCESS, grouped
-- by (cicd_scope_id, repo_url, environment) and ordered by their own finished_date, each
-- pointing at the row before it; the first of a group has none, so it is never matched,
-- whatever it shipped. Here a group is (service, repository) among production deployments.
-- Incremental: a pull request's row depends on it, on the change set rows holding its merge
-- commit, and on the deployment commits of those rows: their own start, finish and result,
-- and whether one is the first of its series. A run recomputes changed pull requests, those
-- whose merge commit a replaced change set holds now, those held by a changed deployment
-- commit, those held by a deployment commit that may have become or stopped being first
-- (in a touched series, every one up to the earliest unchanged one: the old first, if it
-- did not change itself), and those matched before to a changed deployment.
with
deployment_commits as (
    select
        commits.deployment_id,
        commits.repo,
        deployments.service,
        commits.started_at,
        commits.finished_at,
        row_number() over (
            partition by deployments.service, commits.repo
            order by commits.finished_at, commits.deployment_id
        ) as position_in_series
    from {{ ref('stg_dora__deployment_commits') }} as commits
    inner join {{ ref('int_dora__production_deployments') }} as deployments
        on commits.deployment_id = deployments.deployment_id
    -- a failed try in one repository is no successful deployment commit, so neither a
    -- match nor the previous deployment commit of its retry
    where commits.result = 'SUCCESS'
),
{%- if state.incremental %}

changed_change_sets as (
    select distinct deployment_id, repo
    from {{ incremental_replace_parent_changes(ref('int_dora__deployment_change_sets'), state) }}
),

changed_deployment_ids as (
    select deployment_id from {{ incremental_replace_delta(ref('stg_dora__deployment_commits'), state) }}
    union
    select deployment_id from {{ incremental_replace_parent_changes(ref('int_dora__production_deployments'), state) }}
),

touched_series as (
    -- where a changed deployment commit is now, whatever its result
    select deployments.service, changed_commits.repo
    from {{ incremental_replace_delta(ref('stg_dora__deployment_commits'), state, 'changed_commits') }}
    inner join {{ ref('int_dora__production_deployments') }} as deployments
        on changed_commits.deployment_id = deployments.deployment_id
    union
    select service, repo from deployment_commits
    where deployment_id in (select deployment_id from changed_deployment_ids)
    union
    -- and where it was, at its deployment's old service
    select old_deployments.service, commits.repo
    from {{ incremental_replace_parent_changes(ref('int_dora__production_deployments'), state, 'old_deployments') }}
    inner join {{ ref('stg_dora__deployment_commits') }} as commits
        on old_deployments.deployment_id = commits.deployment_id
    where old_deployments.service is not null
),

earliest_unchanged as (
    select service, repo, min(position_in_series) as position_in_series
    from deployment_commits
    where deployment_id not in (select deployment_id from changed_deployment_ids)
    group by service, repo
),

series_heads as (
    select deployment_commits.deployment_id, deployment_commits.repo
    from deployment_commits
    inner join touched_series
        on deployment_commits.service = touched_series.service
        and deployment_commits.repo = touched_series.repo
    left join earliest_unchanged
        on deployment_commits.service = earliest_unchanged.service
        and deployment_commits.repo = earliest_unchanged.repo
    where deployment_commits.position_in_series
        <= coalesce(earliest_unchanged.position_in_series, deployment_commits.position_in_series)
),

replaced_pull_requests as (
    select pr_id from {{ incremental_replace_delta(ref('stg_dora__pull_requests'), state) }}
    union
    select all_pull_requests.pr_id
    from {{ ref('stg_dora__pull_requests') }} as all_pull_requests
    inner join {{ ref('int_dora__deployment_change_sets') }} as change_sets
        on all_pull_requests.repo = change_sets.repo
        and all_pull_requests.merge_sha = change_sets.sha
    where (change_sets.deployment_id, change_sets.repo) in (select deployment_id, repo from changed_change_sets)
        or (change_sets.deployment_id, change_sets.repo) in (select deployment_id, repo from series_heads)
        or change_sets.deployment_id in (select deployment_id from changed_deployment_ids)
    union
    select pr_id from {{ this }}
    where deployment_id in (select deployment_id from changed_change_sets)
        or deployment_id in (select deployment_id from changed_deployment_ids)
),
{%- endif %}

pull_requests as (
    select
        pr_id,
        repo,
        merge_sha
    from {{ ref('stg_dora__pull_requests') }}
    -- sqlfluff flips between two indents for the Jinja block below
    -- noqa: disable=LT02
    where
        is_merged
        and merge_sha is not null
    {%- if state.incremental %}
        and pr_id in (select replaced_pull_requests.pr_id from replaced_pull_requests)
    {%- endif %}
-- noqa: enable=LT02
),

candidates as (
    select
        pull_requests.pr_id,
        deployment_commits.deployment_id,
        deployment_commits.service,
        deployment_commits.started_at,
        deployment_commits.finished_at,
        row_number() over (
            partition by pull_requests.pr_id
            order by
                deployment_commits.started_at asc nulls last,
                deployment_commits.deployment_id asc
        ) as candidate_rank
    from pull_requests
    inner join {{ ref('int_dora__deployment_change_sets') }} as change_sets
        on
            pull_requests.repo = change_sets.repo
            and pull_requests.merge_sha = change_sets.sha
    inner join deployment_commits
        on
            change_sets.deployment_id = deployment_commits.deployment_id
            and change_sets.repo = deployment_commits.repo
    where deployment_commits.position_in_series > 1
),

pull_request_deployments as (
    select
        pr_id,
        deployment_id,
        service,
        started_at as deployment_started_at,
        finished_at as deployed_at
    from candidates
    where candidate_rank = 1
)

{{ incremental_replace_rows(
    state, 'pull_request_deployments', 'replaced_pull_requests', ['pr_id']
) }}
