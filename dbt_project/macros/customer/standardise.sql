{#- Standardising a customer record's fields, shared by every source's silver model so the
    CRM and the spreadsheets are cleaned by one rule (docs/customer-view.md). -#}

{#- Text as people type it: trimmed, inner whitespace collapsed; blank is NULL (missing,
    not invalid). The whitespace is spelled out: DuckDB's \s is these ASCII characters
    only, PostgreSQL's also the vertical tab and Unicode spaces. -#}
{% macro clean_text(expression) -%}
    nullif(trim(regexp_replace({{ expression }}, '[\t\n\f\r ]+', ' ', 'g')), '')
{%- endmacro %}

{#- lower() and upper() by Unicode's simple case mapping, as DuckDB's do, whatever the
    database's locale: PostgreSQL's follow the database's LC_CTYPE, and under C (a common
    server default) leave É and Ö as they are, so Émile's name stays uncased and Österreich
    matches no country. The libc C.utf8 collation maps them; the result goes back to the
    database's default collation so no silver column carries C.utf8. -#}
{% macro unicode_lower(expression) -%}
    {{ return(adapter.dispatch('unicode_case')('lower', expression)) }}
{%- endmacro %}

{% macro unicode_upper(expression) -%}
    {{ return(adapter.dispatch('unicode_case')('upper', expression)) }}
{%- endmacro %}

{% macro default__unicode_case(function, expression) -%}
    {{ function }}({{ expression }})
{%- endmacro %}

{% macro postgres__unicode_case(function, expression) -%}
    ({{ function }}({{ expression }} collate "C.utf8") collate "default")
{%- endmacro %}

{#- A name (of a person or a city) cased word by word, and within a word after a hyphen
    (jean-PAUL -> Jean-Paul). DuckDB has no initcap, and PostgreSQL's would differ: it
    also capitalises after an apostrophe (O'Brien, where this gives O'brien). Particles
    keep a capital (Van, De): a source's own casing of them cannot be told from noise. -#}
{% macro title_case(expression) -%}
    {{ return(adapter.dispatch('title_case')(expression)) }}
{%- endmacro %}

{% macro duckdb__title_case(expression) -%}
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

{% macro postgres__title_case(expression) -%}
    (
        select
            string_agg(
                (
                    select
                        string_agg(
                            {{ unicode_upper('left(parts.part, 1)') }} || substr(parts.part, 2),
                            '-' order by parts.part_number
                        )
                    from string_to_table(words.word, '-') with ordinality as parts (part, part_number)
                ),
                ' ' order by words.word_number
            )
        from string_to_table({{ unicode_lower(clean_text(expression)) }}, ' ') with ordinality as words (word, word_number)
    )
{%- endmacro %}

{#- The name a typed country is looked up by in reference.country_codes; the contact
    validation asset applies the same rule in Python (country_codes.country_lookup_name). -#}
{% macro country_lookup_name(expression) -%}
    {{ unicode_lower(clean_text(expression)) }}
{%- endmacro %}

{#- A postal code in the reference's form: upper-case, single spaces. -#}
{% macro postal_code_form(expression) -%}
    {{ unicode_upper(clean_text(expression)) }}
{%- endmacro %}

{#- A `YYYY-MM-DD` text date as a DATE, NULL when it is not one. -#}
{% macro iso_date(expression) -%}
    {{ return(adapter.dispatch('iso_date')(expression)) }}
{%- endmacro %}

{% macro duckdb__iso_date(expression) -%}
    try_strptime({{ clean_text(expression) }}, '%Y-%m-%d')::date
{%- endmacro %}

{#- PostgreSQL has no non-failing date parser (to_date raises on 2023-02-30), so the parts
    are checked before make_date sees them, as DuckDB's strptime reads them: a year of one
    to four digits (0 is 1 BC), a month and a day of one or two, each a real day. The CASEs
    nest because PostgreSQL does not promise to evaluate AND's operands in order. -#}
{% macro postgres__iso_date(expression) -%}
    {%- set text = clean_text(expression) -%}
    {%- set year = "nullif(split_part(" ~ text ~ ", '-', 1)::integer, 0)" -%}
    {%- set year_bc_for_zero = "coalesce(" ~ year ~ ", -1)" -%}
    {%- set month = "split_part(" ~ text ~ ", '-', 2)::integer" -%}
    {%- set day = "split_part(" ~ text ~ ", '-', 3)::integer" -%}
    case
        when {{ text }} ~ '^[0-9]{1,4}-[0-9]{1,2}-[0-9]{1,2}$'
            then case
                when {{ month }} between 1 and 12
                    then case
                        when {{ day }} between 1 and extract(
                            day from make_date({{ year_bc_for_zero }}, {{ month }}, 1) + interval '1 month - 1 day'
                        )
                            then make_date({{ year_bc_for_zero }}, {{ month }}, {{ day }})
                    end
            end
    end
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
