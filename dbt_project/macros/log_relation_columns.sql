{#- A post-hook on every model and seed: logs the columns it just wrote, with their warehouse
    types, as one line `platform-columns {"column": "TYPE", ...}`.

    The Dagster step attaches them to the model's materialization while dbt still runs
    (platform_assets/integrations/dbt/assets.py): dbt holds the DuckDB file open until it
    exits, so nothing else can read the types then, and waiting for the exit would hold every
    materialization and check result back until the whole build ends. Returns no SQL. -#}
{% macro log_relation_columns() -%}
    {%- if execute -%}
        {%- set query -%}
            select column_name, data_type
            from information_schema.columns
            where table_catalog = '{{ this.database }}'
              and table_schema = '{{ this.schema }}'
              and table_name = '{{ this.identifier }}'
            order by ordinal_position
        {%- endset -%}
        {%- set columns = {} -%}
        {%- for row in run_query(query).rows -%}
            {%- do columns.update({row[0]: row[1]}) -%}
        {%- endfor -%}
        {%- do log('platform-columns ' ~ tojson(columns), info=True) -%}
    {%- endif -%}
{%- endmacro %}
