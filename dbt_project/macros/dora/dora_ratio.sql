{#- The quotient of two counts (a rate, or hours per deployment) as a double, NULL when
    the denominator is 0 (no deployments is not a rate of 0). The cast makes it the same
    double on both warehouses: DuckDB divides integers exactly, PostgreSQL truncates them
    (bigint / bigint) or answers numeric (a numeric operand), which its ADBC driver reads
    as text. -#}
{% macro dora_ratio(numerator, denominator) -%}
    cast({{ numerator }} as double precision) / nullif({{ denominator }}, 0)
{%- endmacro %}
