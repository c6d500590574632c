{#- Every non-NULL email or phone in the column is a value the libraries validated: a
    `normalized_value` of silver.contact_validation of that kind with no invalid reason.
    Silver never validates by pattern; this proves the join did the work. -#}
{% test validated_contact(model, column_name, kind) %}
    select checked.{{ column_name }}
    from {{ model }} as checked
    where
        checked.{{ column_name }} is not null
        and not exists (
            select 1
            from {{ source('customer_silver', 'contact_validation') }} as validation
            where
                validation.kind = '{{ kind }}'
                and validation.invalid_reason is null
                and validation.normalized_value = checked.{{ column_name }}
        )
{% endtest %}
