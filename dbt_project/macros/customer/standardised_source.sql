{#- The two CTE steps every source's silver model takes on its bronze rows (`relation`, a
    CTE name), so the CRM and the workbooks are checked by one rule:

    - located: the rows with `country_code`, the typed country looked up in
      reference.country_codes;
    - validated: for each (kind, raw column) of `contacts`, `valid_<column>` (the
      normalised email or E.164 phone of silver.contact_validation, phones read in the
      record's country) and `<column>_reason` (why a non-blank value is not valid); and
      `valid_postal_code`, the typed postal code when it is an area of
      reference.postal_areas for the record's country.

    Ends without a comma: the model adds its own CTEs, or selects from `validated`. -#}
{% macro located_and_validated(relation, country_column, postal_code_column, contacts) -%}
located as (
    select
        {{ relation }}.*,
        country.country_code
    from {{ relation }}
    {{ country_join('country', relation ~ '.' ~ country_column) }}
),

validated as (
    select
        located.*,
        {% for kind, column in contacts %} -- noqa: LT02 (the linter renders the loop without contacts)
        {{ column }}_cv.normalized_value as valid_{{ column }},
        {{ contact_invalid_reason(column ~ '_cv', kind, 'located.' ~ column) }}
        as {{ column }}_reason,
        {% endfor %}
        area.postal_code as valid_postal_code
    from located
    {%- for kind, column in contacts %}
        {{ contact_validation_join(
            column ~ '_cv', kind, 'located.' ~ column,
            "''" if kind == 'email' else 'located.country_code'
        ) }}
    {%- endfor %}
    {{ postal_area_join('area', 'located.country_code', 'located.' ~ postal_code_column) }}
)
{%- endmacro %}

{#- The bronze lineage columns as every silver model names them; a row the source deleted
    (`_deleted_at`) stays, marked. -#}
{% macro silver_lineage_columns() -%}
    _deleted_at is not null as is_deleted,
    _deleted_at as deleted_at,
    _source as source_connector,
    _loaded_at as loaded_at,
    _run_id as load_run_id
{%- endmacro %}
