{{ config(
    materialized='incremental',
    incremental_strategy='replace_units',
    unique_key=['pr_id'],
    post_hook="{{ incremental_replace_record_state() }}",
) }}
{%- set state = incremental_replace_state() -%}
-- DevLake's rule for a pull request's deployment (dora plugin, getDeploymentCommit): among
-- successful production deployments of the whole project that have a previous successful
-- deployment in their (service, repository) series, the one whose change set holds the
-- pull request's merge commit; if several, the one that started earliest. The first
-- deployment of a series is never matched, whatever it shipped.
-- Incremental: a pull request's row depends on it and on the change set rows holding its
-- merge commit, so a run recomputes changed pull requests, those whose merge commit a
-- replaced change set holds now, and those matched before to a deployment whose change
-- set was replaced.
with
{%- if state.incremental %}
changed_change_sets as (
    select distinct deployment_id, repo
    from {{ incremental_replace_parent_changes(ref('int_dora__deployment_change_sets'), state) }}
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
    union
    select pr_id from {{ this }}
    where deployment_id in (select deployment_id from changed_change_sets)
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
        change_sets.deployment_id,
        change_sets.service,
        change_sets.started_at,
        change_sets.finished_at,
        row_number() over (
            partition by pull_requests.pr_id
            order by change_sets.started_at asc nulls last, change_sets.deployment_id asc
        ) as candidate_rank
    from pull_requests
    inner join {{ ref('int_dora__deployment_change_sets') }} as change_sets
        on
            pull_requests.repo = change_sets.repo
            and pull_requests.merge_sha = change_sets.sha
    where not change_sets.is_first_in_series
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
