{#- Medians and percentiles: interpolated (continuous) by default and in Four Keys
    (BigQuery PERCENTILE_CONT); DevLake reports the lower median, the largest value whose
    percent rank is at most the fraction, which is exactly quantile_disc. -#}
{% macro dora_quantile(expression, fraction) -%}
    {{- adapter.dispatch('dora_quantile')(expression, fraction) -}}
{%- endmacro %}


{% macro duckdb__dora_quantile(expression, fraction) -%}
    {%- if dora_mode() == 'devlake' -%}
        quantile_disc({{ expression }}, {{ fraction }})
    {%- else -%}
        quantile_cont({{ expression }}, {{ fraction }})
    {%- endif -%}
{%- endmacro %}


{#- PostgreSQL has the same two quantiles as ordered-set aggregates only. -#}
{% macro postgres__dora_quantile(expression, fraction) -%}
    percentile_{{ 'disc' if dora_mode() == 'devlake' else 'cont' }}({{ fraction }})
    within group (order by {{ expression }})
{%- endmacro %}


{% macro dora_median(expression) -%}
    {{- dora_quantile(expression, 0.5) -}}
{%- endmacro %}
