{%- set mode = dora_mode() -%}
-- Every DORA metric of every service over the level window (dora_window_days ending at
-- dora_as_of), labelled with the bands of each report year that rates it
-- (seeds/dora/dora_performance_bands.csv; time to restore up to 2022, failed deployment
-- recovery time from 2023). Deployment frequency comes from the GA mart
-- agg_deployment_frequency_level; the others are measured here in the dora_mode's units
-- and quantiles. A metric without data in the window has a NULL value and no level.
with window_bounds as (
    select
        {{ dora_window_start_date() }} as window_start,
        {{ dora_as_of_date() }} as window_end
),

services as (
    select distinct service
    from {{ ref('int_dora__service_calendar') }}
),

lead_times as (
    select
        changes.service,
        {{ dora_median('changes.lead_time_hours') }} as value,
        count(changes.lead_time_hours) as sample_size
    from {{ ref('fct_lead_time_for_changes') }} as changes
    cross join window_bounds
    where changes.deployed_on between window_bounds.window_start and window_bounds.window_end
    group by changes.service
),

failure_rates as (
    select
        outcomes.service,
        {{ dora_ratio('count(*) filter (where outcomes.is_change_failure)', 'count(*)') }} as value,
        count(*) as sample_size
    from {{ ref('int_dora__deployment_outcomes') }} as outcomes
    cross join window_bounds
    where outcomes.deployed_on between window_bounds.window_start and window_bounds.window_end
    group by outcomes.service
),

default_restore_selection as (
    select
        incidents.service,
        incidents.time_to_restore_hours
    from {{ ref('fct_incident_recovery') }} as incidents
    cross join window_bounds
    where incidents.resolved_on between window_bounds.window_start and window_bounds.window_end
),

devlake_restore_selection as (
    select * from default_restore_selection
),

four_keys_restore_selection as (
    -- Four Keys' dashboard filters incidents by creation time
    select
        incidents.service,
        incidents.time_to_restore_hours
    from {{ ref('fct_incident_recovery') }} as incidents
    cross join window_bounds
    where incidents.created_on between window_bounds.window_start and window_bounds.window_end
),

restore_times as (
    select
        service,
        {{ dora_median('time_to_restore_hours') }} as value,
        count(time_to_restore_hours) as sample_size
    from {{ mode }}_restore_selection
    group by service
),

recovery_times as (
    select
        incidents.service,
        {{ dora_median('incidents.recovery_time_hours') }} as value,
        count(incidents.recovery_time_hours) as sample_size
    from {{ ref('fct_incident_recovery') }} as incidents
    cross join window_bounds
    where incidents.resolved_on between window_bounds.window_start and window_bounds.window_end
    group by incidents.service
),

measured as (
    select
        services.service,
        'lead_time_for_changes' as metric,
        lead_times.value,
        coalesce(lead_times.sample_size, 0) as sample_size
    from services
    left join lead_times on services.service = lead_times.service
    union all
    select
        services.service,
        'change_failure_rate' as metric,
        failure_rates.value,
        coalesce(failure_rates.sample_size, 0) as sample_size
    from services
    left join failure_rates on services.service = failure_rates.service
    union all
    select
        services.service,
        'time_to_restore_service' as metric,
        restore_times.value,
        coalesce(restore_times.sample_size, 0) as sample_size
    from services
    left join restore_times on services.service = restore_times.service
    union all
    select
        services.service,
        'failed_deployment_recovery_time' as metric,
        recovery_times.value,
        coalesce(recovery_times.sample_size, 0) as sample_size
    from services
    left join recovery_times on services.service = recovery_times.service
),

measured_levels as (
    {{ dora_performance_levels('measured') }}
),

frequency_levels as (
    select
        service,
        report_year,
        'deployment_frequency' as metric,
        hours_between_deployments as value,
        'hours_between_deployments' as unit,
        {% if mode == 'devlake' -%} deployment_days {%- else -%} deployment_count {%- endif %} as sample_size,
        level,
        level_basis
    from {{ ref('agg_deployment_frequency_level') }}
),

frequency_report_years as (
    select distinct report_year
    from {{ ref('dora_performance_bands') }}
    where metric = 'deployment_frequency'
),

frequency_services_without_deployments as (
    -- services known only from incidents still get a (NULL) deployment frequency row
    select
        services.service,
        report_years.report_year,
        'deployment_frequency' as metric,
        cast(null as double precision) as value,
        'hours_between_deployments' as unit,
        0 as sample_size,
        cast(null as varchar) as level,
        cast(null as varchar) as level_basis
    from services
    cross join frequency_report_years as report_years
    where services.service not in (select frequency_levels.service from frequency_levels)
),

all_levels as (
    select
        service,
        report_year,
        metric,
        value,
        unit,
        sample_size,
        level,
        level_basis
    from measured_levels
    union all
    select * from frequency_levels
    union all
    select * from frequency_services_without_deployments
)

select
    all_levels.service,
    all_levels.report_year,
    all_levels.metric,
    all_levels.value,
    all_levels.unit,
    cast(all_levels.sample_size as bigint) as sample_size,
    all_levels.level,
    all_levels.level_basis,
    window_bounds.window_start,
    window_bounds.window_end,
    '{{ mode }}' as dora_mode
from all_levels
cross join window_bounds
