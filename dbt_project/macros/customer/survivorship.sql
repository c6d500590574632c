{#- The surviving value of one attribute among a customer's source records
    (docs/customer-view.md, survivorship): the non-NULL value of the most trusted source
    (lowest source_priority), then the most recently updated record, then the smallest
    source_record_id so a tie is decided the same way on every run. `expression` may be a
    struct, to keep attributes that belong together (an address) from one record. -#}
{% macro survivor(expression, present=none) -%}
    first(
        {{ expression }}
        order by source_priority, source_updated_at desc nulls last, source_record_id
    ) filter (where {{ present or (expression ~ " is not null") }})
{%- endmacro %}
