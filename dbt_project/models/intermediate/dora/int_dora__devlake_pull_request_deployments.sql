-- DevLake's rule for a pull request's deployment (dora plugin, getDeploymentCommit): among
-- successful production deployments of the whole project that have a previous successful
-- deployment in their (service, repository) series, the one whose change set holds the
-- pull request's merge commit; if several, the one that started earliest. The first
-- deployment of a series is never matched, whatever it shipped.
with pull_requests as (
    select pr_id, repo, merge_sha
    from {{ ref('stg_dora__pull_requests') }}
    where is_merged
      and merge_sha is not null
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
            order by change_sets.started_at asc nulls last, change_sets.deployment_id
        ) as candidate_rank
    from pull_requests
    inner join {{ ref('int_dora__deployment_change_sets') }} as change_sets
        on pull_requests.repo = change_sets.repo
        and pull_requests.merge_sha = change_sets.sha
    where not change_sets.is_first_in_series
)

select
    pr_id,
    deployment_id,
    service,
    started_at as deployment_started_at,
    finished_at as deployed_at
from candidates
where candidate_rank = 1
