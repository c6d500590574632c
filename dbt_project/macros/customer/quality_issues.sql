{#- The data-quality issues of one source record, as a list of structs (column_name,
    raw_value_hmac, reason; macros/customer/structured.sql) that
    customer_data_quality_issues unnests: each argument is (column name, raw expression,
    reason expression), and an issue is kept when its reason is not NULL. The raw value leaves silver only as a keyed pseudonym. -#}
{% macro quality_issues(issues) -%}
    {%- set candidates = [] -%}
    {%- for column_name, raw_value, reason in issues -%}
        {%- do candidates.append(
            "case when (" ~ reason ~ ") is not null then "
            ~ struct_of([
                ('column_name', "'" ~ column_name ~ "'"),
                ('raw_value_hmac', pii_hmac(raw_value)),
                ('reason', reason),
            ])
            ~ " end"
        ) -%}
    {%- endfor -%}
    {{ non_null_structs(candidates) }}
{%- endmacro %}

{#- Why a typed value that standardised to NULL is invalid: NULL when the value was blank
    (missing, not invalid) or is valid. -#}
{% macro invalid_when(raw_value, standardised, reason) -%}
    case
        when {{ clean_text(raw_value) }} is not null and {{ standardised }} is null
            then {{ reason }}
    end
{%- endmacro %}
