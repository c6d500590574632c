{#- Run-wide DORA settings, read from dbt vars so a user reproduces a peer's numbers by
    configuration alone. Every model asks these macros rather than reading var() itself,
    so a bad value fails at compile time with one clear message. -#}

{% macro dora_mode() -%}
    {%- set mode = (var('dora_mode', 'default') or 'default') | string | lower | trim -%}
    {%- if mode not in ['default', 'devlake', 'four_keys'] -%}
        {{ exceptions.raise_compiler_error(
            "var dora_mode must be one of default, devlake, four_keys; got '" ~ mode ~ "'"
        ) }}
    {%- endif -%}
    {{- return(mode) -}}
{%- endmacro %}


{% macro dora_sql_string(value) -%}
    '{{ value | string | replace("'", "''") }}'
{%- endmacro %}


{% macro dora_timezone() -%}
    {{- dora_sql_string(var('dora_timezone', 'UTC') or 'UTC') -}}
{%- endmacro %}


{#- The calendar date of a UTC timestamp in the configured zone: the only way a timestamp
    becomes a day, so every mart buckets the same instant into the same day. -#}
{% macro dora_local_date(timestamp_expression) -%}
    cast(timezone({{ dora_timezone() }}, {{ timestamp_expression }}) as date)
{%- endmacro %}


{#- ISO weeks start on Monday; Four Keys truncates to BigQuery's WEEK, which starts on
    Sunday (dow: Sunday = 0, on both warehouses). -#}
{% macro dora_week_start(date_expression) -%}
    {%- if dora_mode() == 'four_keys' -%}
        cast({{ date_expression }} - cast(extract(dow from {{ date_expression }}) as integer) as date)
    {%- else -%}
        cast(date_trunc('week', {{ date_expression }}) as date)
    {%- endif -%}
{%- endmacro %}


{% macro dora_week_start_day() -%}
    {{- return('sunday' if dora_mode() == 'four_keys' else 'monday') -}}
{%- endmacro %}


{% macro dora_month_start(date_expression) -%}
    cast(date_trunc('month', {{ date_expression }}) as date)
{%- endmacro %}


{#- The last day the calendars and the level window cover. Unset, it is today in the
    configured zone; tests and reproductions pin it so reruns give identical tables. -#}
{% macro dora_as_of_date() -%}
    {%- set as_of = var('dora_as_of', none) -%}
    {%- if as_of is none or (as_of | string | trim) in ['', 'None', 'null'] -%}
        cast(timezone({{ dora_timezone() }}, current_timestamp) as date)
    {%- else -%}
        cast({{ dora_sql_string(as_of | string | trim) }} as date)
    {%- endif -%}
{%- endmacro %}


{% macro dora_window_days() -%}
    {%- set raw = var('dora_window_days', 90) | string | trim -%}
    {%- set days = 90 if raw in ['', 'None', 'null'] else raw | int -%}
    {%- if days < 1 -%}
        {{ exceptions.raise_compiler_error("var dora_window_days must be a positive integer") }}
    {%- endif -%}
    {{- return(days) -}}
{%- endmacro %}


{#- First day of the level window: dora_window_days days ending on dora_as_of, both ends
    included. -#}
{% macro dora_window_start_date() -%}
    cast({{ dora_as_of_date() }} - {{ dora_window_days() - 1 }} as date)
{%- endmacro %}


{% macro dora_incident_max_lag_hours() -%}
    {%- set lag = var('dora_incident_max_lag_hours', none) -%}
    {%- if lag is none or (lag | string | trim) in ['', 'None', 'null'] -%}
        {{- return(none) -}}
    {%- endif -%}
    {{- return(lag | float) -}}
{%- endmacro %}


{#- Four Keys' dashboard window, DATE_SUB(CURRENT_DATE(), INTERVAL 3 MONTH) through today:
    three calendar months before dora_as_of, a month-end clamped to the shorter month as
    BigQuery, DuckDB and PostgreSQL all clamp it. -#}
{% macro four_keys_window_start_date() -%}
    cast({{ dora_as_of_date() }} - interval '3 months' as date)
{%- endmacro %}


{#- Four Keys' published change failure rate (its dashboard) sums the rows of the
    deployment x change x incident join over the distinct deployments, so one deployment
    linked to two incidents counts twice and the rate can pass 100 %. Off by default: each
    failed deployment counts once, as in Four Keys' queries/change_failure_rate.sql. -#}
{% macro dora_four_keys_cfr_counts_joined_rows() -%}
    {%- set raw = var('dora_four_keys_cfr_counts_joined_rows', false) -%}
    {%- set text = (raw | string | lower | trim) -%}
    {%- if text in ['true', '1', 'yes'] -%}
        {{- return(true) -}}
    {%- elif text in ['false', '0', 'no', '', 'none', 'null'] -%}
        {{- return(false) -}}
    {%- endif -%}
    {{ exceptions.raise_compiler_error(
        "var dora_four_keys_cfr_counts_joined_rows must be true or false; got '" ~ raw ~ "'"
    ) }}
{%- endmacro %}
