with raw_deployment_commits as (
    select * from {{ source('dora_raw', 'deployment_commits') }}
    -- a row the source deleted stays in raw, marked; no metric may count it
    where _deleted_at is null
),

deployments as (
    select
        deployment_id,
        result,
        started_at,
        finished_at,
        loaded_at
    from {{ ref('stg_dora__deployments') }}
)

select
    cast(raw_deployment_commits.deployment_id as varchar) as deployment_id,
    cast(raw_deployment_commits.repo as varchar) as repo,
    -- shas are compared across tables from different connectors: one spelling
    lower(trim(cast(raw_deployment_commits.sha as varchar))) as sha,
    -- a deployment finishes in each repository at its own time and may fail in one and be
    -- retried there later; a source that does not say so leaves the deployment's values
    -- (DevLake keeps them per cicd_deployment_commits row, and its dora plugin dates and
    -- counts each deployment commit by them)
    coalesce(cast(raw_deployment_commits.started_at as timestamptz), deployments.started_at)
        as started_at,
    coalesce(cast(raw_deployment_commits.finished_at as timestamptz), deployments.finished_at)
        as finished_at,
    coalesce(upper(trim(cast(raw_deployment_commits.result as varchar))), deployments.result)
        as result,
    cast(raw_deployment_commits._source as varchar) as source_connector,
    -- the inherited values change with the deployment's row: so does the row's delta
    greatest(cast(raw_deployment_commits._loaded_at as timestamptz), deployments.loaded_at)
        as loaded_at,
    cast(raw_deployment_commits._run_id as varchar) as load_run_id
from raw_deployment_commits
left join deployments
    on cast(raw_deployment_commits.deployment_id as varchar) = deployments.deployment_id
