{%- set mode = dora_mode() -%}
-- Recovery per service, week and month: medians over incidents resolved in the period
-- (Four Keys selects time-to-restore incidents by creation day, as its dashboard does),
-- and open incidents counted, not averaged: those created before the period ended and
-- not resolved by then.
with calendar as (
    select * from {{ ref('int_dora__service_calendar') }}
    where grain in ('week', 'month')
),

incidents as (
    select * from {{ ref('fct_incident_recovery') }}
),

grains as (
    select unnest(array['week', 'month']) as grain
),

default_restore_selection as (
    select
        service,
        resolved_on as selected_on,
        time_to_restore_hours
    from incidents
    where resolved_on is not null
),

devlake_restore_selection as (
    select
        service,
        resolved_on as selected_on,
        time_to_restore_hours
    from incidents
    where resolved_on is not null
),

four_keys_restore_selection as (
    select
        service,
        created_on as selected_on,
        time_to_restore_hours
    from incidents
),

restore_selection as (
    select * from {{ mode }}_restore_selection
),

restore as (
    select
        restore_selection.service,
        grains.grain,
        {{ dora_period_start('grains.grain', 'restore_selection.selected_on') }} as period_start,
        {{ dora_median('restore_selection.time_to_restore_hours') }} as median_time_to_restore_hours
    from restore_selection
    cross join grains
    group by restore_selection.service, grains.grain, period_start
),

resolved as (
    select
        incidents.service,
        grains.grain,
        {{ dora_period_start('grains.grain', 'incidents.resolved_on') }} as period_start,
        count(*) as resolved_incident_count,
        count(incidents.recovery_time_hours) as recovered_failure_count,
        {{ dora_median('incidents.recovery_time_hours') }} as median_recovery_time_hours
    from incidents
    cross join grains
    where incidents.resolved_on is not null
    group by incidents.service, grains.grain, period_start
),

opened as (
    select
        incidents.service,
        grains.grain,
        {{ dora_period_start('grains.grain', 'incidents.created_on') }} as period_start,
        count(*) as opened_incident_count
    from incidents
    cross join grains
    group by incidents.service, grains.grain, period_start
),

open_at_period_end as (
    select
        calendar.service,
        calendar.grain,
        calendar.period_start,
        count(*) as open_incident_count
    from calendar
    inner join incidents
        on
            calendar.service = incidents.service
            and calendar.period_end > incidents.created_on
            and (incidents.resolved_on is null or calendar.period_end <= incidents.resolved_on)
    group by calendar.service, calendar.grain, calendar.period_start
)

select
    calendar.service,
    calendar.grain,
    calendar.period_start,
    calendar.period_end,
    coalesce(opened.opened_incident_count, 0) as opened_incident_count,
    coalesce(resolved.resolved_incident_count, 0) as resolved_incident_count,
    coalesce(open_at_period_end.open_incident_count, 0) as open_incident_count,
    restore.median_time_to_restore_hours,
    coalesce(resolved.recovered_failure_count, 0) as recovered_failure_count,
    resolved.median_recovery_time_hours,
    '{{ mode }}' as dora_mode
from calendar
left join restore
    on
        calendar.service = restore.service
        and calendar.grain = restore.grain
        and calendar.period_start = restore.period_start
left join resolved
    on
        calendar.service = resolved.service
        and calendar.grain = resolved.grain
        and calendar.period_start = resolved.period_start
left join opened
    on
        calendar.service = opened.service
        and calendar.grain = opened.grain
        and calendar.period_start = opened.period_start
left join open_at_period_end
    on
        calendar.service = open_at_period_end.service
        and calendar.grain = open_at_period_end.grain
        and calendar.period_start = open_at_period_end.period_start
