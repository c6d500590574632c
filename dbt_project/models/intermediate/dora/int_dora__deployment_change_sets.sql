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
with deployments as (
    select * from {{ ref('int_dora__production_deployments') }}
),

deployment_commits as (
    select deployment_id, repo, sha
    from {{ ref('stg_dora__deployment_commits') }}
),

explicit_change_sets as (
    select change_sets.deployment_id, change_sets.repo, change_sets.sha
    from {{ ref('stg_dora__deployment_change_sets') }} as change_sets
    inner join deployments
        on change_sets.deployment_id = deployments.deployment_id
),

landings as (
    select repo, sha, landed_at
    from {{ ref('int_dora__commit_landings') }}
),

series_members as (
    select deployment_commits.deployment_id, deployment_commits.repo
    from deployment_commits
    inner join deployments
        on deployment_commits.deployment_id = deployments.deployment_id
    union
    select deployment_id, repo
    from explicit_change_sets
),

series as (
    select
        series_members.deployment_id,
        series_members.repo,
        deployments.service,
        deployments.started_at,
        deployments.finished_at,
        deployment_commits.sha as deployed_sha,
        coalesce(landings.landed_at, deployments.started_at, deployments.finished_at) as shipped_up_to,
        row_number() over (
            partition by deployments.service, series_members.repo
            order by deployments.finished_at, series_members.deployment_id
        ) as position_in_series
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

series_windows as (
    select
        *,
        -- the furthest point any earlier deployment of the series reached: a rollback to an
        -- older commit must not make the next deployment re-ship what already went live
        max(shipped_up_to) over (
            partition by service, repo
            order by finished_at, deployment_id
            rows between unbounded preceding and 1 preceding
        ) as previously_shipped_up_to,
        exists (
            select 1
            from explicit_change_sets
            where explicit_change_sets.deployment_id = series.deployment_id
              and explicit_change_sets.repo = series.repo
        ) as has_explicit_change_set
    from series
),

explicit_rows as (
    select
        series_windows.deployment_id,
        series_windows.repo,
        explicit_change_sets.sha,
        'explicit' as change_set_source
    from series_windows
    inner join explicit_change_sets
        on series_windows.deployment_id = explicit_change_sets.deployment_id
        and series_windows.repo = explicit_change_sets.repo
),

first_deployment_rows as (
    select
        deployment_id,
        repo,
        deployed_sha as sha,
        'first_deployment_exact_sha' as change_set_source
    from series_windows
    where position_in_series = 1
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
        on series_windows.repo = landings.repo
        and landings.landed_at > series_windows.previously_shipped_up_to
        and landings.landed_at <= series_windows.shipped_up_to
    where series_windows.position_in_series > 1
      and not series_windows.has_explicit_change_set
),

change_set_rows as (
    select * from explicit_rows
    union all
    select * from first_deployment_rows
    union all
    select * from derived_rows
)

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
    on change_set_rows.deployment_id = series_windows.deployment_id
    and change_set_rows.repo = series_windows.repo
