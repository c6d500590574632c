with raw_deployments as (
    select * from {{ source('dora_raw', 'deployments') }}
    -- a row the source deleted stays in raw, marked; no metric may count it
    where _deleted_at is null
),

renamed as (
    select
        cast(deployment_id as varchar) as deployment_id,
        cast(service as varchar) as service,
        upper(trim(cast(environment as varchar))) as environment,
        upper(trim(cast(result as varchar))) as result,
        cast(started_at as timestamptz) as started_at,
        cast(finished_at as timestamptz) as finished_at,
        cast(source as varchar) as deployment_system,
        -- connectors spell trigger kinds their own way; anything outside the contract's
        -- vocabulary is 'unknown' rather than a value no model recognises
        case
            when lower(trim(cast(trigger_kind as varchar))) in ('planned', 'hotfix', 'rollback')
                then lower(trim(cast(trigger_kind as varchar)))
            else 'unknown'
        end as trigger_kind,
        cast(_source as varchar) as source_connector,
        cast(_loaded_at as timestamptz) as loaded_at,
        cast(_run_id as varchar) as load_run_id
    from raw_deployments
)

select
    *,
    -- the only deployments that count for frequency, lead time and failure rate
    (environment = 'PRODUCTION' and result = 'SUCCESS' and finished_at is not null)
        as is_production_success
from renamed
