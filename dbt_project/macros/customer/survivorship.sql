{#- The surviving value of one attribute among a customer's source records
    (docs/customer-view.md, survivorship): the non-NULL value of the most trusted source
    (lowest source_priority), then the most recently updated record, then the smallest
    source_record_id so a tie is decided the same way on every run. `expression` may be a
    struct_of value, to keep attributes that belong together (an address) from one record. -#}
{% macro survivor(expression, present=none) -%}
    {{ return(adapter.dispatch('survivor')(expression, present)) }}
{%- endmacro %}

{% macro duckdb__survivor(expression, present) -%}
    first(
        {{ expression }}
        order by source_priority, source_updated_at desc nulls last, source_record_id
    ) filter (where {{ present or (expression ~ " is not null") }})
{%- endmacro %}

{#- PostgreSQL has no first() aggregate: the first element of the ordered array. The ids
    compare byte by byte, as DuckDB compares them, whatever the database's collation. -#}
{% macro postgres__survivor(expression, present) -%}
    (
        array_agg(
            {{ expression }}
            order by source_priority, source_updated_at desc nulls last, source_record_id collate "C"
        ) filter (where {{ present or (expression ~ " is not null") }})
    )[1]
{%- endmacro %}
