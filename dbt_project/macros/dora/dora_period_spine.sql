{#- Zero-filled calendar: one row per service, grain and period from the service's first
    day to its last day. `bounds` is a relation or CTE with (service, first_day, last_day).
    Weeks follow dora_week_start (Monday, or Sunday in Four Keys mode); period_end is
    exclusive. -#}
{% macro dora_period_spine(bounds) -%}
    with spine_days as (
        select
            bounds.service,
            {{ dora_days('bounds.first_day', 'bounds.last_day') }} as day
        from {{ bounds }} as bounds
        where bounds.first_day <= bounds.last_day
    ),

    spine_periods as (
        select distinct service, 'day' as grain, day as period_start, cast(day + 1 as date) as period_end
        from spine_days
        union all
        select distinct
            service,
            'week' as grain,
            {{ dora_week_start('day') }} as period_start,
            cast({{ dora_week_start('day') }} + 7 as date) as period_end
        from spine_days
        union all
        select distinct
            service,
            'month' as grain,
            {{ dora_month_start('day') }} as period_start,
            cast({{ dora_month_start('day') }} + interval '1 month' as date) as period_end
        from spine_days
    )

    select service, grain, period_start, period_end
    from spine_periods
{%- endmacro %}


{#- The period a local date falls in, for one grain. -#}
{% macro dora_period_start(grain, date_expression) -%}
    case {{ grain }}
        when 'day' then cast({{ date_expression }} as date)
        when 'week' then {{ dora_week_start(date_expression) }}
        when 'month' then {{ dora_month_start(date_expression) }}
    end
{%- endmacro %}
