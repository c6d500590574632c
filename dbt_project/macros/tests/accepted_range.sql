{#- Values outside [min_value, max_value] fail (bounds exclusive when inclusive is false);
    nulls are left to not_null tests because NULL is meaningful in the DORA marts. A bound
    not given compares as NULL, and a NULL comparison never fails a row. -#}
{% test accepted_range(model, column_name, min_value=none, max_value=none, inclusive=true) %}
    select {{ column_name }}
    from {{ model }}
    where
        {{ column_name }} is not null
        and (
            {{ column_name }} {{ '<' if inclusive else '<=' }} {{ 'null' if min_value is none else min_value }}
            or {{ column_name }} {{ '>' if inclusive else '>=' }} {{ 'null' if max_value is none else max_value }}
        )
{% endtest %}
