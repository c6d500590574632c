{#- Joins silver.contact_validation for one email or phone column: the validated value is
    `<alias>.normalized_value`, its reason `contact_invalid_reason(alias, raw)`. Emails
    are validated without a country (''), phones in the region of the record's country
    ('' when unknown), as the asset keyed them. -#}
{% macro contact_validation_join(alias, kind, raw_value, country_code) -%}
    left join {{ source('customer_silver', 'contact_validation') }} as {{ alias }}
        on
            {{ alias }}.kind = '{{ kind }}'
            and {{ alias }}.raw_value = {{ raw_value }}
            and {{ alias }}.country_code = coalesce({{ country_code }}, '')
{%- endmacro %}

{#- The reason a non-blank contact value is NULL in silver: the validator's, or that the
    value has not been validated yet (contact_validation ran before it was landed). -#}
{% macro contact_invalid_reason(alias, kind, raw_value) -%}
    {{ invalid_when(
        raw_value,
        alias ~ ".normalized_value",
        "coalesce(" ~ alias ~ ".invalid_reason, '" ~ kind
            ~ ": not validated yet (materialize silver/contact_validation after the bronze load)')"
    ) }}
{%- endmacro %}
