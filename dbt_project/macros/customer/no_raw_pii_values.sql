{#- The evidence that a consumer-facing column is protected by its data, not only by its
    YAML: no value of it equals (case-insensitively) any clear value of the listed columns
    of `clear_model` (the silver records the consumer table is built from). A mask that
    let the value through, or a pseudonym left out, fails here. An IN over one union of
    the clear values is a hash semi-join: it stays fast at a million customers. -#}
{% test no_raw_pii_values(model, column_name, clear_model, clear_columns) %}
    select protected.{{ column_name }}
    from {{ model }} as protected
    where lower(protected.{{ column_name }}) in (
        select lower(clear_value)
        from (
            select unnest(array[{{ clear_columns | join(', ') }}]) as clear_value
            from {{ clear_model }}
        ) as clear_values
    )
{% endtest %}
