{#- The customer weather window: the `customer_weather_days` days before `customer_as_of`
    (YYYY-MM-DD; empty = today in UTC), the window the weather source fetches by default
    (it ends yesterday). A bad value fails at compile time with one clear message. -#}
{% macro customer_as_of() -%}
    {%- set as_of = (var('customer_as_of', '') or '') | string | trim -%}
    {%- if as_of in ['', 'None', 'null'] -%}
        cast(timezone('UTC', current_timestamp) as date)
    {%- else -%}
        {%- if not (as_of | length == 10 and as_of[4] == '-' and as_of[7] == '-'
                and as_of.replace('-', '').isdigit()) -%}
            {{ exceptions.raise_compiler_error(
                "var customer_as_of (PLATFORM_CUSTOMER_AS_OF) must be YYYY-MM-DD or empty; got '"
                ~ as_of ~ "'"
            ) }}
        {%- endif -%}
        date '{{ as_of }}'
    {%- endif -%}
{%- endmacro %}

{% macro customer_weather_days() -%}
    {%- set days = (var('customer_weather_days', 30) or 30) | string | trim -%}
    {%- if not days.isdigit() or days | int < 1 -%}
        {{ exceptions.raise_compiler_error(
            "var customer_weather_days (PLATFORM_CUSTOMER_WEATHER_DAYS) must be a whole "
            ~ "number of days, at least 1; got '" ~ days ~ "'"
        ) }}
    {%- endif -%}
    {{- days | int -}}
{%- endmacro %}

{#- The days of the window, oldest first, as rows of `observed_on`. generate_series
    includes its end on both DuckDB and PostgreSQL, so the series ends the day before. -#}
{% macro customer_weather_window() -%}
    select cast(day_start as date) as observed_on
    from generate_series(
        cast({{ customer_as_of() }} - {{ customer_weather_days() }} as timestamp),
        cast({{ customer_as_of() }} - 1 as timestamp),
        interval '1 day'
    ) as window_days (day_start)
{%- endmacro %}
