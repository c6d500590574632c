{#- One row per day from `first_day` to `last_day`, both included: a set-returning select
    expression named by the caller. -#}
{% macro dora_days(first_day, last_day) -%}
    {{- adapter.dispatch('dora_days')(first_day, last_day) -}}
{%- endmacro %}


{#- DuckDB's generate_series in a select list returns a list, which unnest spreads. -#}
{% macro duckdb__dora_days(first_day, last_day) -%}
    cast(unnest(generate_series(
        cast({{ first_day }} as timestamp), cast({{ last_day }} as timestamp), interval 1 day
    )) as date)
{%- endmacro %}


{#- PostgreSQL's generate_series is set-returning itself; there is no list to unnest. -#}
{% macro postgres__dora_days(first_day, last_day) -%}
    cast(generate_series(
        cast({{ first_day }} as timestamp), cast({{ last_day }} as timestamp), interval '1 day'
    ) as date)
{%- endmacro %}
