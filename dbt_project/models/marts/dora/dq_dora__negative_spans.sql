-- Spans whose end precedes their start: clock or data errors. The metrics report them as
-- NULL rather than dropping or clamping them silently; this table is where they are
-- counted and traced back to the rows that produced them.
with lead_times as (
    select
        'lead_time_for_changes' as metric,
        service,
        change_id as entity_id,
        deployment_id,
        first_commit_at as span_start_at,
        deployed_at as span_end_at
    from {{ ref('fct_lead_time_for_changes') }}
    where is_negative_span
),

restores as (
    select
        'time_to_restore_service' as metric,
        service,
        incident_id as entity_id,
        attributed_deployment_id as deployment_id,
        created_at as span_start_at,
        resolved_at as span_end_at
    from {{ ref('fct_incident_recovery') }}
    where has_negative_restore_span
),

recoveries as (
    select
        'failed_deployment_recovery_time' as metric,
        service,
        incident_id as entity_id,
        attributed_deployment_id as deployment_id,
        attributed_deployment_finished_at as span_start_at,
        resolved_at as span_end_at
    from {{ ref('fct_incident_recovery') }}
    where has_negative_recovery_span
),

spans as (
    select * from lead_times
    union all
    select * from restores
    union all
    select * from recoveries
)

select
    metric,
    service,
    entity_id,
    deployment_id,
    span_start_at,
    span_end_at,
    {{ dora_span_seconds('span_start_at', 'span_end_at') }} as span_seconds,
    '{{ dora_mode() }}' as dora_mode
from spans
