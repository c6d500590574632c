{#- The model-level primary-key test: no two rows share the combination. Null key columns
    are caught by not_null tests on each column, so they are compared as values here. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
    select
        {{ combination_of_columns | join(', ') }},
        count(*) as duplicate_rows
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1
{% endtest %}
