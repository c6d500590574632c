{#- A post-hook for a one-row model of headline figures: logs the row it just wrote as one
    line `platform-figures {"column": value, ...}`.

    The Dagster step records the line's numbers as numeric metadata of the model's
    materialization while dbt still runs (platform_assets/integrations/dbt/assets.py), as it
    does with log_relation_columns and for the same reason: dbt holds the DuckDB file open
    until it exits. DuckDB's to_json keeps integers integers and doubles doubles, so a count
    stays a count in the UI. Returns no SQL. -#}
{% macro log_relation_figures() -%}
    {%- if execute -%}
        {%- set rows = run_query('select to_json(figures) from ' ~ this ~ ' as figures').rows -%}
        {%- if rows | length != 1 -%}
            {{ exceptions.raise_compiler_error(
                "log_relation_figures logs one row; " ~ this ~ " has " ~ (rows | length)
            ) }}
        {%- endif -%}
        {%- do log('platform-figures ' ~ rows[0][0], info=True) -%}
    {%- endif -%}
{%- endmacro %}
