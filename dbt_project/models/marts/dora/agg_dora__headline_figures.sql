{{ config(post_hook="{{ log_relation_figures() }}") }}
{%- set restore_day = 'created_on' if dora_mode() == 'four_keys' else 'resolved_on' -%}
{%- set last_day = '(select reference.last_complete_day from reference)' -%}
-- The organisation's DORA headline figures, one row: every service summed over the latest
-- complete period, the week (or month) that ended on or before the last complete day of
-- the data. Weeks are the marts' own calendars (Monday weeks, Sunday in four_keys mode);
-- months are calendar months. A figure with no data behind it (a rate without
-- deployments, a median without incidents) is NULL, never 0. The post-hook logs the row,
-- and the Dagster step records it as numeric metadata of this model, which the UI charts
-- over time.
with reference as (
    -- dora_as_of, but never today or later: today is still running
    select least({{ dora_as_of_date() }}, current_date - 1) as last_complete_day
),

last_month as (
    select
        cast(date_trunc('month', last_complete_day + 1) - interval '1 month' as date)
            as month_start,
        cast(date_trunc('month', last_complete_day + 1) as date) as month_end
    from reference
),

frequency_last_week as (
    select
        min(weekly.period_start) as week_start,
        sum(weekly.deployment_count) as deployments_last_week
    from {{ dora_latest_complete_period(ref('fct_deployment_frequency'), 'week', last_day) }}
        as weekly
),

deployment_frequency as (
    select
        min(last_week.deployments_last_week) as deployments_last_week,
        case
            when min(last_week.week_start) is not null
                then
                    count(distinct daily.period_start) filter (
                        where
                        daily.deployment_count > 0
                        and daily.period_start >= last_week.week_start
                        and daily.period_start < last_week.week_start + 7
                    )
        end as deployment_days_last_week,
        sum(daily.deployment_count) filter (where daily.in_30_days)
        / nullif(count(distinct daily.period_start) filter (where daily.in_30_days), 0)
            as deployments_per_day_30d
    from (
        select
            calendar.period_start,
            calendar.deployment_count,
            calendar.period_start between reference.last_complete_day - 29
            and reference.last_complete_day as in_30_days
        from {{ ref('fct_deployment_frequency') }} as calendar
        cross join reference
        where calendar.grain = 'day'
    ) as daily
    cross join frequency_last_week as last_week
),

deployment_success as (
    select
        sum(rates.attempted_deployment_count) as deployment_attempts_last_week,
        sum(rates.failed_deployment_count) as failed_deployment_attempts_last_week,
        sum(rates.successful_deployment_count) / nullif(sum(rates.attempted_deployment_count), 0)
            as deployment_success_rate_last_week
    from {{ dora_latest_complete_period(ref('fct_deployment_success_rate'), 'week', last_day) }}
        as rates
),

change_failure as (
    select
        sum(failures.deployment_count) as deployments_last_month,
        sum(failures.failed_deployment_count) as failed_deployments_last_month,
        sum(failures.failed_deployment_count) / nullif(sum(failures.deployment_count), 0)
            as change_failure_rate_last_month
    from {{ dora_latest_complete_period(ref('fct_change_failure_rate'), 'month', last_day) }}
        as failures
),

deployment_rework as (
    select
        sum(rework.remediation_deployment_count) as remediation_deployments_last_month,
        sum(rework.remediation_deployment_count) / nullif(sum(rework.deployment_count), 0)
            as rework_rate_last_month
    from {{ dora_latest_complete_period(ref('fct_deployment_rework_rate'), 'month', last_day) }}
        as rework
),

lead_time as (
    select
        count(changes.lead_time_hours) filter (where changes.in_month)
            as lead_time_changes_last_month,
        {{ dora_quantile('changes.lead_time_hours', 0.5) }} filter (where changes.in_month)
            as lead_time_median_hours,
        {{ dora_quantile('changes.lead_time_hours', 0.75) }} filter (where changes.in_month)
            as lead_time_p75_hours,
        {{ dora_quantile('changes.lead_time_hours', 0.9) }} filter (where changes.in_month)
            as lead_time_p90_hours
    from (
        select
            shipped.lead_time_hours,
            shipped.deployed_on >= last_month.month_start
            and shipped.deployed_on < last_month.month_end as in_month
        from {{ ref('fct_lead_time_for_changes') }} as shipped
        cross join last_month
    ) as changes
),

incident_recovery as (
    select
        count(*) filter (where incidents.resolved_in_month) as incidents_resolved_last_month,
        count(*) filter (where incidents.is_open) as open_incidents,
        {{ dora_median('incidents.recovery_time_hours') }} filter (
            where incidents.resolved_in_month
        ) as recovery_time_median_hours,
        -- Four Keys selects time-to-restore incidents by the day they were created
        {{ dora_median('incidents.time_to_restore_hours') }} filter (
            where incidents.restored_in_month
        ) as time_to_restore_median_hours
    from (
        select
            recovery.is_open,
            recovery.recovery_time_hours,
            recovery.time_to_restore_hours,
            recovery.resolved_on >= last_month.month_start
            and recovery.resolved_on < last_month.month_end as resolved_in_month,
            recovery.{{ restore_day }} >= last_month.month_start
            and recovery.{{ restore_day }} < last_month.month_end as restored_in_month
        from {{ ref('fct_incident_recovery') }} as recovery
        cross join last_month
    ) as incidents
)

select
    reference.last_complete_day,
    cast(deployment_frequency.deployments_last_week as bigint) as deployments_last_week,
    cast(deployment_frequency.deployment_days_last_week as bigint) as deployment_days_last_week,
    cast(deployment_frequency.deployments_per_day_30d as double precision)
        as deployments_per_day_30d,
    cast(deployment_success.deployment_attempts_last_week as bigint)
        as deployment_attempts_last_week,
    cast(deployment_success.failed_deployment_attempts_last_week as bigint)
        as failed_deployment_attempts_last_week,
    cast(deployment_success.deployment_success_rate_last_week as double precision)
        as deployment_success_rate_last_week,
    cast(change_failure.deployments_last_month as bigint) as deployments_last_month,
    cast(change_failure.failed_deployments_last_month as bigint) as failed_deployments_last_month,
    cast(change_failure.change_failure_rate_last_month as double precision)
        as change_failure_rate_last_month,
    cast(deployment_rework.remediation_deployments_last_month as bigint)
        as remediation_deployments_last_month,
    cast(deployment_rework.rework_rate_last_month as double precision) as rework_rate_last_month,
    cast(lead_time.lead_time_changes_last_month as bigint) as lead_time_changes_last_month,
    cast(lead_time.lead_time_median_hours as double precision) as lead_time_median_hours,
    cast(lead_time.lead_time_p75_hours as double precision) as lead_time_p75_hours,
    cast(lead_time.lead_time_p90_hours as double precision) as lead_time_p90_hours,
    cast(incident_recovery.incidents_resolved_last_month as bigint)
        as incidents_resolved_last_month,
    cast(incident_recovery.open_incidents as bigint) as open_incidents,
    cast(incident_recovery.recovery_time_median_hours as double precision)
        as recovery_time_median_hours,
    cast(incident_recovery.time_to_restore_median_hours as double precision)
        as time_to_restore_median_hours,
    '{{ dora_mode() }}' as dora_mode
from reference
cross join deployment_frequency
cross join deployment_success
cross join change_failure
cross join deployment_rework
cross join lead_time
cross join incident_recovery
