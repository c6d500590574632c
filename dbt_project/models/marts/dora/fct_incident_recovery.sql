{%- set mode = dora_mode() -%}
-- One row per incident: the deployment it is attributed to and both recovery measures.
--   time to restore service (2021-era MTTR): resolved_at - created_at;
--   failed deployment recovery time (DORA 2023+): resolved_at - the attributed
--   deployment's finished_at.
-- Open incidents have no duration (they are counted in agg_recovery_time, never averaged).
-- One CTE per mode for the arithmetic: default exact hours; devlake whole minutes rounded
-- up; four_keys whole hours truncated (BigQuery TIMESTAMP_DIFF) from the earlier of the
-- incident's creation and the deployment that shipped its root cause. A negative span is
-- NULL in every mode and listed in dq_dora__negative_spans.
with attribution as (
    select * from {{ ref('int_dora__incident_attribution') }}
),

incidents as (
    select
        attribution.*,
        incidents.severity,
        deployments.finished_at as attributed_deployment_finished_at
    from attribution
    inner join {{ ref('stg_dora__incidents') }} as incidents
        on attribution.incident_id = incidents.incident_id
    left join {{ ref('int_dora__production_deployments') }} as deployments
        on attribution.attributed_deployment_id = deployments.deployment_id
),

default_spans as (
    select
        *,
        created_at as restore_started_at,
        {{ dora_nonnegative_seconds('created_at', 'resolved_at') }}
        / 3600.0 as time_to_restore_hours,
        {{ dora_nonnegative_seconds('attributed_deployment_finished_at', 'resolved_at') }}
        / 3600.0 as recovery_time_hours
    from incidents
),

devlake_spans as (
    select
        *,
        created_at as restore_started_at,
        {{ devlake_span_hours('created_at', 'resolved_at') }} as time_to_restore_hours,
        {{ devlake_span_hours('attributed_deployment_finished_at', 'resolved_at') }}
            as recovery_time_hours
    from incidents
),

four_keys_starts as (
    select
        *,
        -- four_keys attribution is the root-cause deployment, so this is Four Keys' MIN()
        least(created_at, coalesce(attributed_deployment_finished_at, created_at))
            as restore_started_at
    from incidents
),

four_keys_spans as (
    select
        *,
        case
            when {{ dora_span_seconds('restore_started_at', 'resolved_at') }} >= 0
                then
                    cast(
                        {{ four_keys_timestamp_diff(
                            'restore_started_at', 'resolved_at', 'hour'
                        ) }} as double precision
                    )
        end as time_to_restore_hours,
        -- Four Keys has no recovery-time metric: the platform's exact definition applies
        {{ dora_nonnegative_seconds('attributed_deployment_finished_at', 'resolved_at') }}
        / 3600.0 as recovery_time_hours
    from four_keys_starts
),

spans as (
    select * from {{ mode }}_spans
)

select
    incident_id,
    service,
    severity,
    created_at,
    resolved_at,
    is_open,
    {{ dora_local_date('created_at') }} as created_on,
    {{ dora_local_date('resolved_at') }} as resolved_on,
    attributed_deployment_id,
    attribution_rule,
    unattributed_reason,
    attributed_deployment_finished_at,
    restore_started_at,
    time_to_restore_hours,
    recovery_time_hours,
    coalesce({{ dora_span_seconds('created_at', 'resolved_at') }} < 0, false)
        as has_negative_restore_span,
    coalesce({{ dora_span_seconds('attributed_deployment_finished_at', 'resolved_at') }} < 0, false)
        as has_negative_recovery_span,
    '{{ mode }}' as dora_mode
from spans
