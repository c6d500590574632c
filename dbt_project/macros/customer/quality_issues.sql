{#- The data-quality issues of one source record, as a list of structs
    (column_name, raw_value_hmac, reason) that customer_data_quality_issues unnests: each
    argument is (column name, raw expression, reason expression), and an issue is kept
    when its reason is not NULL. The raw value leaves silver only as a keyed pseudonym. -#}
{% macro quality_issues(issues) -%}
    list_filter(
        [
    {%- for column_name, raw_value, reason in issues %}
                case
                    when ({{ reason }}) is not null
                        then {
                            'column_name': '{{ column_name }}',
                            'raw_value_hmac': {{ pii_hmac(raw_value) }},
                            'reason': {{ reason }}
                        }
                end{{ "," if not loop.last }}
    {%- endfor %}
        ],
        lambda issue: issue is not null
    )
{%- endmacro %}

{#- Why a typed value that standardised to NULL is invalid: NULL when the value was blank
    (missing, not invalid) or is valid. -#}
{% macro invalid_when(raw_value, standardised, reason) -%}
    case
        when {{ clean_text(raw_value) }} is not null and {{ standardised }} is null
            then {{ reason }}
    end
{%- endmacro %}
