{#- A few named values kept together as one value, where a model needs them to travel as
    one: an address that survives from one record, a data-quality issue. DuckDB keeps them
    as a struct; PostgreSQL has no anonymous record with named fields, so there they are a
    jsonb object (fields read back as text, which every caller's fields are). -#}

{#- One value of the (name, expression) pairs of `fields`. -#}
{% macro struct_of(fields) -%}
    {{ return(adapter.dispatch('struct_of')(fields)) }}
{%- endmacro %}

{% macro duckdb__struct_of(fields) -%}
    {
    {%- for name, expression in fields %}
        '{{ name }}': {{ expression }}{{ "," if not loop.last }}
    {%- endfor %}
    }
{%- endmacro %}

{% macro postgres__struct_of(fields) -%}
    jsonb_build_object(
    {%- for name, expression in fields %}
        '{{ name }}', {{ expression }}{{ "," if not loop.last }}
    {%- endfor %}
    )
{%- endmacro %}

{#- The field `name` of a value built by struct_of. -#}
{% macro struct_field(expression, name) -%}
    {{ return(adapter.dispatch('struct_field')(expression, name)) }}
{%- endmacro %}

{% macro duckdb__struct_field(expression, name) -%}
    {{ expression }}.{{ name }}
{%- endmacro %}

{% macro postgres__struct_field(expression, name) -%}
    ({{ expression }} ->> '{{ name }}')
{%- endmacro %}

{#- A list of the struct_of values among `items` that are not NULL (DuckDB: a list of
    structs; PostgreSQL: a jsonb array), empty when all are. -#}
{% macro non_null_structs(items) -%}
    {{ return(adapter.dispatch('non_null_structs')(items)) }}
{%- endmacro %}

{% macro duckdb__non_null_structs(items) -%}
    list_filter([{{ items | join(', ') }}], lambda item: item is not null)
{%- endmacro %}

{% macro postgres__non_null_structs(items) -%}
    to_jsonb(array_remove(cast(array[{{ items | join(', ') }}] as jsonb []), null))
{%- endmacro %}

{#- One row per element of a non_null_structs list, in a select list. -#}
{% macro unnest_structs(expression) -%}
    {{ return(adapter.dispatch('unnest_structs')(expression)) }}
{%- endmacro %}

{% macro duckdb__unnest_structs(expression) -%}
    unnest({{ expression }})
{%- endmacro %}

{% macro postgres__unnest_structs(expression) -%}
    jsonb_array_elements({{ expression }})
{%- endmacro %}
