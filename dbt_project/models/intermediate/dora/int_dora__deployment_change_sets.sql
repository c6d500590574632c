{{ config(
    materialized='incremental',
    incremental_strategy='replace_units',
    unique_key=['deployment_id', 'repo'],
    post_hook="{{ incremental_replace_record_state() }}",
) }}
{%- set state = incremental_replace_state() -%}
-- What each successful production deployment shipped, per repository: the commits the
-- previous successful production deployment of the same service and repository had not.
--   * explicit: raw.deployment_change_sets rows, used whenever the source gave any for the
--     deployment and repository;
--   * derived: otherwise, the commits of the repository that landed after everything the
--     series had shipped so far, up to the deployed commit (or the deployment's start,
--     when the deployed commit is unknown);
--   * first_deployment_exact_sha: the first deployment of a series ships only its own
--     commit, so history before the first deployment we know of is never absorbed into
--     it (a change that shipped earlier is attributed by an exact sha match or not at all).
-- Incremental: a deployment's rows depend on the deployments before it in its (service,
-- repository) series (their furthest landed commit, their count), so a run recomputes each
-- touched series from its earliest touched deployment onwards, carrying in what the
-- untouched start of the series contributes. A series is touched where a deployment
-- changed (at its new place and, from the old rows, at its old one), where a deployed
-- commit's landing changed, and where a changed commit landed or used to land.
with deployments as (
    select * from {{ ref('int_dora__production_deployments') }}
),

deployment_commits as (
    select
        deployment_id,
        repo,
        sha
    from {{ ref('stg_dora__deployment_commits') }}
    -- a deployment that failed in one repository (and was retried there later) put nothing
    -- live there: its commit is no member of that repository's series, as DevLake's
    -- prev_deployment_commit_enricher.go links only deployment commits with
    -- result = SUCCESS
    where result = 'SUCCESS'
),

explicit_change_sets as (
    select
        change_sets.deployment_id,
        change_sets.repo,
        change_sets.sha
    from {{ ref('stg_dora__deployment_change_sets') }} as change_sets
    inner join deployments
        on change_sets.deployment_id = deployments.deployment_id
),

-- The (deployment, repository) pairs the source gave a change set for, joined rather
-- than probed with a correlated exists: PostgreSQL runs such an exists once per series
-- row over the whole change-set list, which at a million deployment commits is hours.
explicit_pairs as (
    select distinct
        deployment_id,
        repo
    from explicit_change_sets
),

landings as (
    select
        repo,
        sha,
        landed_at
    from {{ ref('int_dora__commit_landings') }}
),

series_members as (
    select
        deployment_commits.deployment_id,
        deployment_commits.repo
    from deployment_commits
    inner join deployments
        on deployment_commits.deployment_id = deployments.deployment_id
    union
    select
        deployment_id,
        repo
    from explicit_change_sets
),

{% if not state.incremental -%}
series as (
    select
        series_members.deployment_id,
        series_members.repo,
        deployments.service,
        deployments.started_at,
        deployments.finished_at,
        deployment_commits.sha as deployed_sha,
        coalesce(landings.landed_at, deployments.started_at, deployments.finished_at)
            as shipped_up_to,
        row_number() over (
            partition by deployments.service, series_members.repo
            order by deployments.finished_at, series_members.deployment_id
        ) as position_in_series
    from series_members
    inner join deployments
        on series_members.deployment_id = deployments.deployment_id
    left join deployment_commits
        on
            series_members.deployment_id = deployment_commits.deployment_id
            and series_members.repo = deployment_commits.repo
    left join landings
        on
            deployment_commits.repo = landings.repo
            and deployment_commits.sha = landings.sha
),

series_windows as (
    select
        series.*,
        -- the furthest point any earlier deployment of the series reached: a rollback to an
        -- older commit must not make the next deployment re-ship what already went live
        max(series.shipped_up_to) over (
            partition by series.service, series.repo
            order by series.finished_at, series.deployment_id
            rows between unbounded preceding and 1 preceding
        ) as previously_shipped_up_to,
        explicit_pairs.deployment_id is not null as has_explicit_change_set
    from series
    left join explicit_pairs
        on
            series.deployment_id = explicit_pairs.deployment_id
            and series.repo = explicit_pairs.repo
),
{%- else %}
member_facts as (
    -- every member with what its window needs, before any window function
    select
        series_members.deployment_id,
        series_members.repo,
        deployments.service,
        deployments.started_at,
        deployments.finished_at,
        deployment_commits.sha as deployed_sha,
        coalesce(landings.landed_at, deployments.started_at, deployments.finished_at) as shipped_up_to
    from series_members
    inner join deployments
        on series_members.deployment_id = deployments.deployment_id
    left join deployment_commits
        on series_members.deployment_id = deployment_commits.deployment_id
        and series_members.repo = deployment_commits.repo
    left join landings
        on deployment_commits.repo = landings.repo
        and deployment_commits.sha = landings.sha
),

changed_deployments as (
    -- the production deployments model logs every deployment whose raw row changed
    select deployment_id from {{ incremental_replace_parent_changes(ref('int_dora__production_deployments'), state) }}
    union
    select deployment_id from {{ incremental_replace_delta(ref('stg_dora__deployment_commits'), state) }}
    union
    select deployment_id from {{ incremental_replace_delta(ref('stg_dora__deployment_change_sets'), state) }}
),

moved_deployments as (
    -- where the changed production deployments were before (old rows of the change log)
    select deployment_id, service, finished_at
    from {{ incremental_replace_parent_changes(ref('int_dora__production_deployments'), state) }}
    where service is not null
),

changed_landings as (
    select repo, sha from {{ incremental_replace_parent_changes(ref('int_dora__commit_landings'), state) }}
),

landing_times_by_repo as (
    select repo, min(landed_at) as landed_at
    from landings
    where (repo, sha) in (select repo, sha from changed_landings)
    group by repo
),

touches as (
    -- a changed deployment, where it is now
    select service, repo, finished_at
    from member_facts
    where deployment_id in (select deployment_id from changed_deployments)
    union all
    -- a deployment commit whose own result changed joins or leaves its series where its
    -- deployment is (a failed one is in member_facts no more)
    select deployments.service, changed_commits.repo, deployments.finished_at
    from {{ incremental_replace_delta(ref('stg_dora__deployment_commits'), state, 'changed_commits') }}
    inner join deployments
        on changed_commits.deployment_id = deployments.deployment_id
    union all
    -- and where it was: every series it is a member of, at its old service and time
    select moved_deployments.service, series_members.repo, moved_deployments.finished_at
    from moved_deployments
    inner join series_members
        on moved_deployments.deployment_id = series_members.deployment_id
    union all
    select service, repo, finished_at
    from {{ this }}
    where deployment_id in (select deployment_id from changed_deployments)
    union all
    -- a deployment whose deployed commit landed anew: its window ends elsewhere
    select service, repo, finished_at
    from member_facts
    where (repo, deployed_sha) in (select repo, sha from changed_landings)
    union all
    -- the deployment whose window holds a changed commit's landing now: the first of its
    -- series that shipped up to the earliest such landing of the repository
    select member_facts.service, member_facts.repo, min(member_facts.finished_at)
    from member_facts
    inner join landing_times_by_repo
        on member_facts.repo = landing_times_by_repo.repo
        and member_facts.shipped_up_to >= landing_times_by_repo.landed_at
    group by member_facts.service, member_facts.repo
    union all
    -- and the one whose window held it before
    select service, repo, finished_at
    from {{ this }}
    where (repo, sha) in (select repo, sha from changed_landings)
),

recompute_from as (
    select service, repo, min(finished_at) as finished_at
    from touches
    group by service, repo
),

untouched_start as (
    -- what the deployments before the recomputed part of a series contribute
    select
        member_facts.service,
        member_facts.repo,
        max(member_facts.shipped_up_to) as shipped_up_to,
        count(*) as deployment_count
    from member_facts
    inner join recompute_from
        on member_facts.service = recompute_from.service
        and member_facts.repo = recompute_from.repo
        and member_facts.finished_at < recompute_from.finished_at
    group by member_facts.service, member_facts.repo
),

recomputed_members as (
    select member_facts.*
    from member_facts
    inner join recompute_from
        on member_facts.service = recompute_from.service
        and member_facts.repo = recompute_from.repo
        and member_facts.finished_at >= recompute_from.finished_at
),

series_windows as (
    select
        recomputed_members.deployment_id,
        recomputed_members.repo,
        recomputed_members.service,
        recomputed_members.started_at,
        recomputed_members.finished_at,
        recomputed_members.deployed_sha,
        recomputed_members.shipped_up_to,
        coalesce(untouched_start.deployment_count, 0) + row_number() over (
            partition by recomputed_members.service, recomputed_members.repo
            order by recomputed_members.finished_at, recomputed_members.deployment_id
        ) as position_in_series,
        greatest(
            untouched_start.shipped_up_to,
            max(recomputed_members.shipped_up_to) over (
                partition by recomputed_members.service, recomputed_members.repo
                order by recomputed_members.finished_at, recomputed_members.deployment_id
                rows between unbounded preceding and 1 preceding
            )
        ) as previously_shipped_up_to,
        explicit_pairs.deployment_id is not null as has_explicit_change_set
    from recomputed_members
    left join untouched_start
        on recomputed_members.service = untouched_start.service
        and recomputed_members.repo = untouched_start.repo
    left join explicit_pairs
        on recomputed_members.deployment_id = explicit_pairs.deployment_id
        and recomputed_members.repo = explicit_pairs.repo
),

replaced_members as (
    select deployment_id, repo from recomputed_members
    union
    -- a changed deployment that is no longer a member anywhere loses its rows
    select deployment_id, repo from {{ this }}
    where deployment_id in (select deployment_id from changed_deployments)
),
{%- endif %}

explicit_rows as (
    select
        series_windows.deployment_id,
        series_windows.repo,
        explicit_change_sets.sha,
        'explicit' as change_set_source
    from series_windows
    inner join explicit_change_sets
        on
            series_windows.deployment_id = explicit_change_sets.deployment_id
            and series_windows.repo = explicit_change_sets.repo
),

first_deployment_rows as (
    select
        deployment_id,
        repo,
        deployed_sha as sha,
        'first_deployment_exact_sha' as change_set_source
    from series_windows
    where
        position_in_series = 1
        and not has_explicit_change_set
        and deployed_sha is not null
),

derived_rows as (
    select
        series_windows.deployment_id,
        series_windows.repo,
        landings.sha,
        'derived' as change_set_source
    from series_windows
    inner join landings
        on
            series_windows.repo = landings.repo
            and series_windows.previously_shipped_up_to < landings.landed_at
            and series_windows.shipped_up_to >= landings.landed_at
    where
        series_windows.position_in_series > 1
        and not series_windows.has_explicit_change_set
),

change_set_rows as (
    select * from explicit_rows
    union all
    select * from first_deployment_rows
    union all
    select * from derived_rows
),

change_sets as (
    select
        change_set_rows.deployment_id,
        series_windows.service,
        change_set_rows.repo,
        change_set_rows.sha,
        change_set_rows.change_set_source,
        series_windows.position_in_series = 1 as is_first_in_series,
        series_windows.started_at,
        series_windows.finished_at
    from change_set_rows
    inner join series_windows
        on
            change_set_rows.deployment_id = series_windows.deployment_id
            and change_set_rows.repo = series_windows.repo
)

{{ incremental_replace_rows(state, 'change_sets', 'replaced_members', ['deployment_id', 'repo']) }}
