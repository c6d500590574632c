{#- No row of the model stands for a row its raw or bronze table keeps only as deleted
    (`_deleted_at` set): a model reading such a table must filter those rows out.
    `deleted_from` is the table (source('dora_raw', 'deployments')); `key` maps each of
    the model's key columns to the expression over the table that produces it, e.g.
    {sha: "lower(trim(sha))"}. -#}
{% test excludes_soft_deleted(model, deleted_from, key) %}
    {%- set selected = [] -%}
    {%- set matched = [] -%}
    {%- for column, expression in key.items() -%}
        {%- do selected.append(expression ~ ' as ' ~ column) -%}
        {%- do matched.append('kept.' ~ column ~ ' = deleted_rows.' ~ column) -%}
    {%- endfor %}
    with deleted_rows as (
        select {{ selected | join(', ') }}
        from {{ deleted_from }}
        where _deleted_at is not null
    )

    select kept.*
    from {{ model }} as kept
    inner join deleted_rows
        on {{ matched | join(' and ') }}
{% endtest %}
