{#- Rows for which a row-level invariant does not hold (e.g. failed <= deployed). -#}
{% test expression_is_true(model, expression) %}
    select *
    from {{ model }}
    where not coalesce(({{ expression }}), false)
{% endtest %}
