{{ config(
    materialized='incremental',
    incremental_strategy='replace_units',
    unique_key=['deployment_id'],
    post_hook="{{ incremental_replace_record_state() }}",
) }}
{%- set state = incremental_replace_state() -%}
-- Successful production deployments: the only deployments that count for frequency,
-- lead time, change failure rate and rework. A deployment that spans several
-- repositories is one row here, so it counts once everywhere downstream.
-- Incremental: a run replaces the deployments whose raw row changed since the last build;
-- the old rows of replaced deployments go to the change log, where the models that place
-- incidents and change sets by deployment time find where a deployment used to be.
with
{%- if state.incremental %}
changed_deployments as (
    select deployment_id from {{ incremental_replace_delta(ref('stg_dora__deployments'), state) }}
),
{%- endif %}

deployments as (
    select * from {{ ref('stg_dora__deployments') }}
    -- sqlfluff flips between two indents for the Jinja block below
    -- noqa: disable=LT02
    where
        is_production_success
    {%- if state.incremental %}
        and deployment_id in (select changed_deployments.deployment_id from changed_deployments)
    {%- endif %}
-- noqa: enable=LT02
),

production_deployments as (
    select
        deployment_id,
        service,
        started_at,
        finished_at,
        trigger_kind,
        trigger_kind in ('hotfix', 'rollback') as is_remediation_trigger,
        {{ dora_local_date('finished_at') }} as deployed_on
    from deployments
)

{{ incremental_replace_rows(
    state, 'production_deployments', 'changed_deployments', ['deployment_id']
) }}
