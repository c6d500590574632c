{#- Standardising a customer record's fields, shared by every source's silver model so the
    CRM and the spreadsheets are cleaned by one rule (docs/customer-view.md). -#}

{#- Text as people type it: trimmed, inner whitespace collapsed; blank is NULL (missing,
    not invalid). -#}
{% macro clean_text(expression) -%}
    nullif(trim(regexp_replace({{ expression }}, '\s+', ' ', 'g')), '')
{%- endmacro %}

{#- A name (of a person or a city) cased word by word, and within a word after a hyphen
    (jean-PAUL -> Jean-Paul). DuckDB has no initcap. Particles keep a capital (Van, De): a
    source's own casing of them cannot be told from noise. -#}
{% macro title_case(expression) -%}
    array_to_string(
        list_transform(
            string_split(lower({{ clean_text(expression) }}), ' '),
            lambda word: array_to_string(
                list_transform(string_split(word, '-'), lambda part: upper(left(part, 1)) || part[2:]),
                '-'
            )
        ),
        ' '
    )
{%- endmacro %}

{#- The name a typed country is looked up by in reference.country_codes; the contact
    validation asset applies the same rule in Python (country_codes.country_lookup_name). -#}
{% macro country_lookup_name(expression) -%}
    lower({{ clean_text(expression) }})
{%- endmacro %}

{#- A postal code in the reference's form: upper-case, single spaces. -#}
{% macro postal_code_form(expression) -%}
    upper({{ clean_text(expression) }})
{%- endmacro %}

{#- A `YYYY-MM-DD` text date as a DATE, NULL when it is not one. -#}
{% macro iso_date(expression) -%}
    try_strptime({{ clean_text(expression) }}, '%Y-%m-%d')::date
{%- endmacro %}

{#- Joins reference.country_codes for a typed country: `<alias>.country_code`. -#}
{% macro country_join(alias, raw_country) -%}
    left join {{ ref('country_codes') }} as {{ alias }}
        on {{ alias }}.country_name = {{ country_lookup_name(raw_country) }}
{%- endmacro %}

{#- Joins reference.postal_areas for a typed postal code in the record's country:
    `<alias>.postal_code` is the code when valid. -#}
{% macro postal_area_join(alias, country_code, raw_postal_code) -%}
    left join {{ ref('postal_areas') }} as {{ alias }}
        on
            {{ alias }}.country_code = {{ country_code }}
            and {{ alias }}.postal_code = {{ postal_code_form(raw_postal_code) }}
{%- endmacro %}

{#- A date of birth: a YYYY-MM-DD date from 1900-01-01 to the as-of day, else NULL. -#}
{% macro birth_date(raw_value) -%}
    case
        when {{ iso_date(raw_value) }} between date '1900-01-01' and {{ customer_as_of() }}
            then {{ iso_date(raw_value) }}
    end
{%- endmacro %}

{% macro country_invalid_reason(raw_country, country_code) -%}
    {{ invalid_when(
        raw_country, country_code,
        "'country: not a known country name or code (add it to the country_codes seed)'"
    ) }}
{%- endmacro %}

{% macro postal_code_invalid_reason(raw_postal_code, valid_postal_code, country_code) -%}
    {{ invalid_when(
        raw_postal_code, valid_postal_code,
        "case when " ~ country_code ~ " is null"
            ~ " then 'postal_code: the record has no known country to check it against'"
            ~ " else 'postal_code: not a postal code of ' || " ~ country_code
            ~ " || ' in the postal_areas reference' end"
    ) }}
{%- endmacro %}

{% macro birth_date_invalid_reason(raw_value) -%}
    {{ invalid_when(
        raw_value, birth_date(raw_value),
        "case when " ~ iso_date(raw_value) ~ " is null"
            ~ " then 'birth_date: not a YYYY-MM-DD date'"
            ~ " else 'birth_date: outside 1900-01-01 to the as-of day' end"
    ) }}
{%- endmacro %}
