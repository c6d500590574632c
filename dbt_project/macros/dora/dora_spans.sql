{#- Durations between two timestamps, one macro per peer's rounding rule, so each mode's
    arithmetic is written once and named after whose numbers it reproduces. -#}

{#- Exact seconds (the platform's definitions): negative when the clock data is wrong. -#}
{% macro dora_span_seconds(start_at, end_at) -%}
    {{- adapter.dispatch('dora_span_seconds')(start_at, end_at) -}}
{%- endmacro %}


{% macro duckdb__dora_span_seconds(start_at, end_at) -%}
    epoch(({{ end_at }}) - ({{ start_at }}))
{%- endmacro %}


{#- PostgreSQL has no epoch(interval), and its extract returns numeric, which would make
    every duration numeric instead of a double as on DuckDB. -#}
{% macro postgres__dora_span_seconds(start_at, end_at) -%}
    cast(extract(epoch from ({{ end_at }}) - ({{ start_at }})) as double precision)
{%- endmacro %}


{#- The platform's rule: a negative span is NULL (and reported by dq_dora__negative_spans),
    a zero span is kept. -#}
{% macro dora_nonnegative_seconds(start_at, end_at) -%}
    case when {{ dora_span_seconds(start_at, end_at) }} >= 0 then {{ dora_span_seconds(start_at, end_at) }} end
{%- endmacro %}


{#- DevLake's computeTimeSpan: whole minutes rounded up, NULL when the rounded value is
    negative (so -30 s rounds to 0 and is kept, as DevLake keeps it). -#}
{% macro devlake_span_minutes(start_at, end_at) -%}
    case
        when ceil({{ dora_span_seconds(start_at, end_at) }} / 60.0) >= 0
            then cast(ceil({{ dora_span_seconds(start_at, end_at) }} / 60.0) as bigint)
    end
{%- endmacro %}


{#- BigQuery's TIMESTAMP_DIFF(end, start, part) as Four Keys uses it: whole parts,
    truncated toward zero. -#}
{% macro four_keys_timestamp_diff(start_at, end_at, part) -%}
    {%- set seconds_per = {'minute': 60, 'hour': 3600}[part] -%}
    cast(trunc({{ dora_span_seconds(start_at, end_at) }} / {{ seconds_per }}.0) as bigint)
{%- endmacro %}


{#- A DevLake span in hours, from its whole minutes, as a double on both warehouses
    (PostgreSQL divides a bigint by 60.0 in numeric, which its ADBC driver reads as text). -#}
{% macro devlake_span_hours(start_at, end_at) -%}
    cast({{ devlake_span_minutes(start_at, end_at) }} as double precision) / 60
{%- endmacro %}
