-- The platform's attribution of changes to deployments: for each change (a merged pull
-- request, or a direct push) and each service that shipped it, the first successful
-- production deployment of that service whose change set holds any of the change's
-- commits (a pull request's own commits or its merge commit).
with landings as (
    select * from {{ ref('int_dora__commit_landings') }}
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
    where landings.change_kind = 'direct_push'
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
        on landings.repo = change_sets.repo
        and landings.sha = change_sets.sha
)

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
    on changes.change_id = shipping_deployments.change_id
    and shipping_deployments.shipping_rank = 1
