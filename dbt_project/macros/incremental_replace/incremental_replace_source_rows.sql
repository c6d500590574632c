{#- The two CTEs of an incremental staging model over one raw table: `units`, the keys of
    the raw rows loaded since the watermark, and `rows`, the raw rows not soft-deleted
    (only those of the units, on an incremental run). `keys` is a list of [name, expression]
    pairs: the expressions normalize the raw key as the model does, so a unit holds every
    raw row that maps to the same key and is rebuilt whole. A soft-deleted raw row already
    makes the model build in full (incremental_replace_state). -#}
{%- macro incremental_replace_source_rows(source_relation, keys, state, units, rows) -%}
    {%- set unit_columns, raw_keys, unit_keys = [], [], [] -%}
    {%- for name, expression in keys -%}
        {%- do unit_columns.append(expression ~ ' as ' ~ name) -%}
        {%- do raw_keys.append(expression) -%}
        {%- do unit_keys.append(units ~ '.' ~ name) -%}
    {%- endfor -%}
    {%- if state['incremental'] -%}
    {{ units }} as (
    select distinct {{ unit_columns | join(', ') }}
    from {{ source_relation }}
    where _loaded_at > {{ state['watermark'] }}
),

{% endif -%}
    {{ rows }} as (
    select * from {{ source_relation }}
    -- a row the source deleted stays in raw, marked; no metric may count it
    where
        _deleted_at is null
    {%- if state['incremental'] %}
        and ({{ raw_keys | join(', ') }}) in (select {{ unit_keys | join(', ') }} from {{ units }})
    {%- endif %}
)
{%- endmacro %}
