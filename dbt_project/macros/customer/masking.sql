{#- Masks for consumer-facing columns (docs/personal-data.md): enough for a person to
    recognise their own contact details, not enough to reach them. -#}

{#- j***@example.com: the first character of the local part and the domain. -#}
{% macro mask_email(expression) -%}
    case
        when {{ expression }} is not null
            then left(split_part({{ expression }}, '@', 1), 1) || '***@' || split_part({{ expression }}, '@', 2)
    end
{%- endmacro %}

{#- ***7890: the last four digits only. -#}
{% macro mask_phone(expression) -%}
    case
        when {{ expression }} is not null
            then '***' || right({{ expression }}, 4)
    end
{%- endmacro %}
