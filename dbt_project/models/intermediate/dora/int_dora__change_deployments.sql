{{ config(
    materialized='incremental',
    incremental_strategy='replace_units',
    unique_key=['change_id'],
    post_hook="{{ incremental_replace_record_state() }}",
) }}
{%- set state = incremental_replace_state() -%}
-- The platform's attribution of changes to deployments: for each change (a merged pull
-- request, or a direct push) and each service that shipped it, the first successful
-- production deployment of that service whose change set holds any of the change's
-- commits (a pull request's own commits or its merge commit).
-- Incremental: a change's rows depend on its commits and on the change sets that hold
-- them, so a run recomputes the changes of changed commits (their change now and before),
-- changed pull requests, and every change shipped by a deployment whose change set was
-- replaced (what it holds now, and the changes it was the first deployment of before).
with
{%- if state.incremental %}
changed_landings as (
    select * from {{ incremental_replace_parent_changes(ref('int_dora__commit_landings'), state) }}
),

changed_change_sets as (
    select distinct deployment_id, repo
    from {{ incremental_replace_parent_changes(ref('int_dora__deployment_change_sets'), state) }}
),

replaced_changes as (
    select all_landings.change_id
    from {{ ref('int_dora__commit_landings') }} as all_landings
    where (all_landings.repo, all_landings.sha) in (select repo, sha from changed_landings)
    union
    select change_id from changed_landings where change_id is not null
    union
    select pr_id from {{ incremental_replace_delta(ref('stg_dora__pull_requests'), state) }}
    union
    select all_landings.change_id
    from {{ ref('int_dora__deployment_change_sets') }} as change_sets
    inner join {{ ref('int_dora__commit_landings') }} as all_landings
        on change_sets.repo = all_landings.repo
        and change_sets.sha = all_landings.sha
    where (change_sets.deployment_id, change_sets.repo) in (select deployment_id, repo from changed_change_sets)
    union
    select change_id from {{ this }}
    where deployment_id in (select deployment_id from changed_change_sets)
),
{%- endif %}

landings as (
    select * from {{ ref('int_dora__commit_landings') }}
    {%- if state.incremental %}
    where change_id in (select change_id from replaced_changes)
    {%- endif %}
),

merged_pull_requests as (
    select pr_id
    from {{ ref('stg_dora__pull_requests') }}
    where is_merged
),

changes as (
    select
        landings.change_id,
        landings.change_kind,
        landings.repo,
        landings.pr_id,
        -- the merge commit is authored at merge time, so the minimum is the first real commit
        min(landings.authored_at) as first_commit_at
    from landings
    left join merged_pull_requests
        on landings.pr_id = merged_pull_requests.pr_id
    where
        landings.change_kind = 'direct_push'
        or merged_pull_requests.pr_id is not null
    group by landings.change_id, landings.change_kind, landings.repo, landings.pr_id
),

shipping_deployments as (
    select
        landings.change_id,
        change_sets.service,
        change_sets.deployment_id,
        change_sets.started_at,
        change_sets.finished_at,
        change_sets.change_set_source,
        row_number() over (
            partition by landings.change_id, change_sets.service
            order by change_sets.finished_at, change_sets.deployment_id
        ) as shipping_rank
    from landings
    inner join {{ ref('int_dora__deployment_change_sets') }} as change_sets
        on
            landings.repo = change_sets.repo
            and landings.sha = change_sets.sha
),

change_deployments as (
    select
        shipping_deployments.service,
        changes.change_id,
        changes.change_kind,
        changes.repo,
        changes.pr_id,
        changes.first_commit_at,
        shipping_deployments.deployment_id,
        shipping_deployments.started_at as deployment_started_at,
        shipping_deployments.finished_at as deployed_at,
        shipping_deployments.change_set_source
    from changes
    inner join shipping_deployments
        on
            changes.change_id = shipping_deployments.change_id
            and shipping_deployments.shipping_rank = 1
)

{{ incremental_replace_rows(state, 'change_deployments', 'replaced_changes', ['change_id']) }}
