{#- The rows of a calendar mart (grain, period_start, period_end) in its latest period of
    `grain` that ended on or before `last_day`: none when no such period is complete yet.
    The marts' own calendars decide the period (Monday weeks, Sunday in four_keys mode). -#}
{% macro dora_latest_complete_period(relation, grain, last_day) -%}
    (
        select periods.*
        from {{ relation }} as periods
        where
            periods.grain = '{{ grain }}'
            and periods.period_start = (
                select max(candidates.period_start)
                from {{ relation }} as candidates
                where
                    candidates.grain = '{{ grain }}'
                    and candidates.period_end <= {{ last_day }} + 1
            )
    )
{%- endmacro %}
