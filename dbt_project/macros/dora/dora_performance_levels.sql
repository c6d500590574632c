{#- Labels measured values with the published DORA bands of every report year.

    `measured` is a relation or CTE with (service, metric, value, sample_size); every metric
    is expressed so that lower is better (deployment frequency as hours between
    deployments), in the unit the bands seed uses for that metric.

    The published bands have gaps, overlaps and, in some years, levels that are not
    monotone (2024 change failure rate: high 20 %, medium 10 %). The rule, documented in
    seeds/dora/_dora__seeds.yml:
      1. in_band: the value lies inside one or more bands -> the best level among them;
      2. nearest_worse_band: the value lies in a gap, or better than every band -> the band
         nearest to it on its worse side (ties -> the best level among them);
      3. beyond_worst_band: the value is worse than every band -> the nearest band on its
         better side (ties -> the worst level among them).
    Bands are ordered by their values, not by level names, so a non-monotone year labels a
    value by the band its number is in or next to. -#}
{% macro dora_performance_levels(measured) -%}
    with level_bands as (
        select
            report_year,
            metric,
            level,
            lower,
            upper,
            unit,
            inclusive,
            case level when 'elite' then 1 when 'high' then 2 when 'medium' then 3 when 'low' then 4 end as level_rank
        from {{ ref('dora_performance_bands') }}
    ),

    report_metrics as (
        select distinct report_year, metric, unit
        from level_bands
    ),

    measured_by_year as (
        select
            measured.service,
            report_metrics.report_year,
            measured.metric,
            measured.value,
            report_metrics.unit,
            measured.sample_size
        from {{ measured }} as measured
        inner join report_metrics
            on measured.metric = report_metrics.metric
    ),

    placed as (
        select
            measured_by_year.service,
            measured_by_year.report_year,
            measured_by_year.metric,
            level_bands.level,
            level_bands.level_rank,
            level_bands.lower,
            level_bands.upper,
            case
                when (
                    level_bands.lower is null
                    or measured_by_year.value > level_bands.lower
                    or (measured_by_year.value = level_bands.lower and level_bands.inclusive in ('both', 'lower'))
                ) and (
                    level_bands.upper is null
                    or measured_by_year.value < level_bands.upper
                    or (measured_by_year.value = level_bands.upper and level_bands.inclusive in ('both', 'upper'))
                ) then 1
                when level_bands.lower is not null and measured_by_year.value <= level_bands.lower then 2
                else 3
            end as placement
        from measured_by_year
        inner join level_bands
            on measured_by_year.report_year = level_bands.report_year
            and measured_by_year.metric = level_bands.metric
        where measured_by_year.value is not null
    ),

    chosen as (
        select
            service,
            report_year,
            metric,
            level,
            placement,
            row_number() over (
                partition by service, report_year, metric
                order by
                    placement,
                    case placement when 2 then lower when 3 then -upper else 0 end,
                    case placement when 3 then -level_rank else level_rank end
            ) as choice
        from placed
    )

    select
        measured_by_year.service,
        measured_by_year.report_year,
        measured_by_year.metric,
        measured_by_year.value,
        measured_by_year.unit,
        measured_by_year.sample_size,
        chosen.level,
        case chosen.placement
            when 1 then 'in_band'
            when 2 then 'nearest_worse_band'
            when 3 then 'beyond_worst_band'
        end as level_basis
    from measured_by_year
    left join chosen
        on measured_by_year.service = chosen.service
        and measured_by_year.report_year = chosen.report_year
        and measured_by_year.metric = chosen.metric
        and chosen.choice = 1
{%- endmacro %}
