{{ config(
    materialized='incremental',
    incremental_strategy='replace_units',
    unique_key=['pr_id'],
    post_hook="{{ incremental_replace_record_state() }}",
) }}
{%- set mode = dora_mode() -%}
-- Where a pull request's time goes (reviewer insights): coding (first commit -> opened),
-- pickup (opened -> first review event by someone other than the author), review (that
-- review -> merged) and deploy (merged -> the deployment that shipped it). One CTE per
-- mode:
--   default / four_keys  exact spans, cycle time = first commit -> deployment finished,
--                        whether or not there was a review, NULL until deployed (Four Keys
--                        has no breakdown of its own); the deployment is the first one of
--                        any service whose change set holds the pull request;
--   devlake              whole minutes rounded up, only merged pull requests, DevLake's
--                        deployment match, cycle time = coding + (opened -> merged) + deploy.
-- A negative span is NULL and flags has_negative_span.
-- Incremental: a pull request's row depends on it, its commits, its reviews and the
-- deployment that shipped it, so a run recomputes changed pull requests, those with a
-- changed commit or review, and those whose deployment the change deployments model
-- (DevLake's match in devlake mode) replaced.
{%- set state = incremental_replace_state() %}
with
{%- if state.incremental %}
replaced_pull_requests as (
    select pr_id from {{ incremental_replace_delta(ref('stg_dora__pull_requests'), state) }}
    union
    select pr_id from {{ incremental_replace_delta(ref('stg_dora__pull_request_commits'), state) }}
    union
    select pr_id from {{ ref('stg_dora__pull_request_commits') }}
    where (repo, sha) in (select repo, sha from {{ incremental_replace_delta(ref('stg_dora__commits'), state) }})
    union
    select pr_id from {{ incremental_replace_delta(ref('stg_dora__pull_request_reviews'), state) }}
    union
    {%- if mode == 'devlake' %}
    select pr_id from {{ incremental_replace_parent_changes(ref('int_dora__devlake_pull_request_deployments'), state) }}
    {%- else %}
    -- a change id is a pull request id or a direct push's repo@sha, never both
    select change_id from {{ incremental_replace_parent_changes(ref('int_dora__change_deployments'), state) }}
    {%- endif %}
),
{%- endif %}

pull_requests as (
    select * from {{ ref('stg_dora__pull_requests') }}
    {%- if state.incremental %}
    where pr_id in (select pr_id from replaced_pull_requests)
    {%- endif %}
),

first_commits as (
    select
        pull_request_commits.pr_id,
        min(commits.authored_at) as first_commit_at
    from {{ ref('stg_dora__pull_request_commits') }} as pull_request_commits
    inner join {{ ref('stg_dora__commits') }} as commits
        on
            pull_request_commits.repo = commits.repo
            and pull_request_commits.sha = commits.sha
    {%- if state.incremental %}
    where pull_request_commits.pr_id in (select pr_id from replaced_pull_requests)
    {%- endif %}
    group by pull_request_commits.pr_id
),

first_reviews as (
    select
        reviews.pr_id,
        min(reviews.reviewed_at) as first_review_at
    from {{ ref('stg_dora__pull_request_reviews') }} as reviews
    inner join pull_requests
        on reviews.pr_id = pull_requests.pr_id
    -- the author answering their own pull request is not a pickup
    where reviews.reviewer_hash is distinct from pull_requests.author_hash
    group by reviews.pr_id
),

default_deployments as (
    select
        pr_id,
        deployment_id,
        service,
        deployed_at
    from (
        select
            pr_id,
            deployment_id,
            service,
            deployed_at,
            row_number()
                over (partition by pr_id order by deployed_at, deployment_id)
                as deployment_rank
        from {{ ref('int_dora__change_deployments') }}
        where change_kind = 'pull_request'
        {%- if state.incremental %}
          and pr_id in (select pr_id from replaced_pull_requests)
        {%- endif %}
    ) as shipped
    where deployment_rank = 1
),

devlake_deployments as (
    select
        pr_id,
        deployment_id,
        service,
        deployed_at
    from {{ ref('int_dora__devlake_pull_request_deployments') }}
),

timeline as (
    select
        pull_requests.pr_id,
        pull_requests.repo,
        pull_requests.created_at,
        pull_requests.merged_at,
        first_commits.first_commit_at,
        first_reviews.first_review_at,
        {% if mode == 'devlake' -%}
        devlake_deployments.deployment_id,
        devlake_deployments.service,
        devlake_deployments.deployed_at
        {%- else -%}
        default_deployments.deployment_id,
        default_deployments.service,
        default_deployments.deployed_at
        {%- endif %}
    from pull_requests
    left join first_commits
        on pull_requests.pr_id = first_commits.pr_id
    left join first_reviews
        on pull_requests.pr_id = first_reviews.pr_id
    {% if mode == 'devlake' -%}
    left join devlake_deployments
        on pull_requests.pr_id = devlake_deployments.pr_id
    where pull_requests.is_merged
    {%- else -%}
    left join default_deployments
        on pull_requests.pr_id = default_deployments.pr_id
    {%- endif %}
),

default_stages as (
    select
        *,
        {{ dora_nonnegative_seconds('first_commit_at', 'created_at') }}
        / 3600.0 as coding_time_hours,
        {{ dora_nonnegative_seconds('created_at', 'first_review_at') }}
        / 3600.0 as pickup_time_hours,
        {{ dora_nonnegative_seconds('first_review_at', 'merged_at') }}
        / 3600.0 as review_time_hours,
        {{ dora_nonnegative_seconds('merged_at', 'deployed_at') }} / 3600.0 as deploy_time_hours
    from timeline
),

default_cycle as (
    -- the whole span, not the sum of the stages: without a review there is no pickup or
    -- review time, yet the time from opened to merged is part of the cycle; NULL until
    -- the change is deployed
    select
        *,
        {{ dora_nonnegative_seconds('first_commit_at', 'deployed_at') }}
        / 3600.0 as cycle_time_hours
    from default_stages
),

devlake_stages as (
    select
        *,
        {{ devlake_span_hours('first_commit_at', 'created_at') }} as coding_time_hours,
        {{ devlake_span_hours('created_at', 'first_review_at') }} as pickup_time_hours,
        {{ devlake_span_hours('first_review_at', 'merged_at') }} as review_time_hours,
        {{ devlake_span_hours('merged_at', 'deployed_at') }} as deploy_time_hours,
        {{ devlake_span_hours('created_at', 'merged_at') }} as open_to_merge_hours
    from timeline
),

devlake_cycle as (
    -- DevLake's PrCycleTime (change_lead_time_calculator.go): coding + (created -> merged)
    -- + deploy, a part that is NULL adds nothing
    select
        -- open_to_merge_hours stays: the final select names the columns it keeps
        *,
        coalesce(coding_time_hours, 0)
        + coalesce(open_to_merge_hours, 0)
        + coalesce(deploy_time_hours, 0) as cycle_time_hours
    from devlake_stages
),

four_keys_cycle as (
    select * from default_cycle
),

stages as (
    select * from {{ mode }}_cycle
),

pull_request_stages as (
    select
        pr_id,
        repo,
        created_at,
        merged_at,
        first_commit_at,
        first_review_at,
        deployment_id,
        service,
        deployed_at,
        coding_time_hours,
        pickup_time_hours,
        review_time_hours,
        deploy_time_hours,
        cycle_time_hours,
        coalesce(
            {{ dora_span_seconds('first_commit_at', 'created_at') }} < 0
            or {{ dora_span_seconds('created_at', 'first_review_at') }} < 0
            or {{ dora_span_seconds('first_review_at', 'merged_at') }} < 0
            or {{ dora_span_seconds('merged_at', 'deployed_at') }} < 0,
            false
        ) as has_negative_span,
        '{{ mode }}' as dora_mode
    from stages
)

{{ incremental_replace_rows(state, 'pull_request_stages', 'replaced_pull_requests', ['pr_id']) }}
