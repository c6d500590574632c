{#- Whether a raw table of the model's domain soft-deleted a row after ``watermark``. Staging
    leaves deleted rows out, so no delta can show the deletion: the model builds in full
    (deletions are rare; a full build is what an incremental one must equal). Only the
    sources that declare a `_deleted_at` column are probed. -#}
{%- macro incremental_replace_deleted_since(watermark) -%}
    {%- set domain = model.meta.get('domain') -%}
    {%- set probes = [] -%}
    {%- for source_node in graph.sources.values()
        if source_node.meta.get('domain') == domain and '_deleted_at' in source_node.columns -%}
        {%- set relation = api.Relation.create(
            database=source_node.database, schema=source_node.schema, identifier=source_node.identifier) -%}
        {%- do probes.append(
            'select 1 as deleted from ' ~ relation ~ ' where _deleted_at > ' ~ watermark
        ) -%}
    {%- endfor -%}
    {%- if not probes -%}
        {{- return(false) -}}
    {%- endif -%}
    {%- set found = run_query(
        'select count(*) as deleted from (' ~ (probes | join(' union all ')) ~ ') as deletions'
    ) -%}
    {{- return(found[0][0] > 0) -}}
{%- endmacro %}
