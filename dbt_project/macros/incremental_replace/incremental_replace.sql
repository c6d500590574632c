{#- Incremental replace: incremental models that stay equal to a full rebuild.

    The platform's raw tables only ever gain or change rows (the loader merges; `_loaded_at`
    is set when a row is inserted or changed), so a model can tell what is new by
    `_loaded_at`. Each incremental model (materialized='incremental',
    incremental_strategy='replace_units'):

      * finds the *replace units* (its unique_key: a deployment, a change, an incident...)
        whose rows can differ from last time: from the staging rows loaded since its
        watermark, from its own previous rows (old values: a row that moved or stopped
        counting), and from the change logs of the incremental models it reads;
      * recomputes exactly those units with the same SQL as a full build, and emits one
        `_replace_tombstone` row per unit, so a unit that no longer has rows is deleted too;
      * the replace_units strategy deletes every listed unit, inserts the recomputed rows
        and, for models that other incremental models read, appends the old rows of the
        replaced units to a change log (`ops.<model>__changes`, stamped with the new
        watermark), which those consumers read the same way they read staging;
      * a post-hook records the model's state in `ops.incremental_replace_state`: the
        watermark (the latest `_loaded_at` of its domain's raw tables when it was built), a
        fingerprint of its code, its upstream code and the dbt vars its domain declares as
        changing results, and when it was last rebuilt in full.

    A model builds in full (then replaces its whole table) when it has no state, when the
    fingerprint changed (new code upstream, another value of a result var), when an
    incremental model it reads was rebuilt in full after it, when a raw row of its domain
    was soft-deleted since its watermark, and on --full-refresh. So an
    incremental run never mixes rows computed under different code or settings.

    A domain is the model's `meta.domain`. Its raw tables are the dbt sources with the same
    `meta.domain`; the vars that change its results come from its macro
    `<domain>_result_vars()` (a dict of name to value), when it defines one.
    docs/incremental-replace.md describes the mechanism for a model's author. -#}


{%- macro incremental_replace_ops_relation(identifier) -%}
    {{- return(api.Relation.create(
        database=target.database, schema='ops', identifier=identifier
    )) -}}
{%- endmacro %}


{%- macro incremental_replace_state_relation() -%}
    {{- return(incremental_replace_ops_relation('incremental_replace_state')) -}}
{%- endmacro %}


{%- macro incremental_replace_change_log(relation) -%}
    {{- return(incremental_replace_ops_relation(relation.identifier ~ '__changes')) -}}
{%- endmacro %}


{#- The vars that change what the model computes, as its domain declares them in
    `<domain>_result_vars()`; none when the domain declares none. -#}
{%- macro incremental_replace_result_vars() -%}
    {%- set declared = context.get(model.meta.get('domain', '') ~ '_result_vars') -%}
    {{- return(declared() if declared is not none else {}) -}}
{%- endmacro %}


{%- macro incremental_replace_sql_string(value) -%}
    '{{ value | string | replace("'", "''") }}'
{%- endmacro %}


{#- The model's code and everything upstream of it (models, seeds and the project's
    macros), plus the result vars: when any of it changes, rows built before may be stale,
    so the model rebuilds in full. -#}
{%- macro incremental_replace_fingerprint() -%}
    {%- set nodes = [model.unique_id] -%}
    {%- set macros = [] -%}
    {%- set parts = [] -%}
    {%- for unique_id in nodes -%}
        {%- set node = graph.nodes.get(unique_id) -%}
        {%- if node is not none -%}
            {%- do parts.append(unique_id ~ '=' ~ node.checksum.checksum) -%}
            {%- for parent in node.depends_on.nodes if parent not in nodes -%}
                {%- do nodes.append(parent) -%}
            {%- endfor -%}
            {%- for macro_id in node.depends_on.macros if macro_id not in macros -%}
                {%- do macros.append(macro_id) -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endfor -%}
    {#- graph holds no macros: the project's own macros are read from the context, where
        each is callable and carries its parsed source. dbt's and the adapter's macros
        change only with their versions and are left out. -#}
    {%- for macro_id in macros -%}
        {%- set macro_package, macro_name = macro_id.split('.')[1], macro_id.split('.')[-1] -%}
        {%- set callable = context.get(macro_name) if macro_package == project_name else none -%}
        {%- if callable is not none and callable.macro is defined -%}
            {%- do parts.append(macro_id ~ '=' ~ local_md5(callable.macro.macro_sql)) -%}
            {%- for nested in callable.macro.depends_on.macros if nested not in macros -%}
                {%- do macros.append(nested) -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do parts.append(tojson(incremental_replace_result_vars())) -%}
    {{- return(local_md5(parts | sort | join('\n'))) -}}
{%- endmacro %}


{#- The incremental models this one reads (they publish change logs). -#}
{%- macro incremental_replace_parents() -%}
    {%- set parents = [] -%}
    {%- for unique_id in model.depends_on.nodes -%}
        {%- set node = graph.nodes.get(unique_id) -%}
        {%- if node is not none and node.config.get('incremental_strategy') == 'replace_units' -%}
            {%- do parents.append(node) -%}
        {%- endif -%}
    {%- endfor -%}
    {{- return(parents) -}}
{%- endmacro %}


{#- The incremental models that read this one: it keeps a change log only for them. -#}
{%- macro incremental_replace_children() -%}
    {%- set children = [] -%}
    {%- for node in graph.nodes.values() -%}
        {%- if model.unique_id in node.depends_on.nodes
              and node.config.get('incremental_strategy') == 'replace_units' -%}
            {%- do children.append(node) -%}
        {%- endif -%}
    {%- endfor -%}
    {{- return(children) -}}
{%- endmacro %}


{%- macro incremental_replace_state_key(node) -%}
    {{- return(node.schema ~ '.' ~ (node.alias or node.name)) -}}
{%- endmacro %}


{#- {'incremental': bool, 'watermark': SQL literal or none}. Incremental only when the
    table exists, dbt is not asked for a full refresh, the recorded fingerprint matches and
    no incremental parent was rebuilt in full after this model's last build. Reads the state
    table at execution time (never while parsing). -#}
{%- macro incremental_replace_state() -%}
    {%- set full = {'incremental': false, 'watermark': none} -%}
    {%- if not execute or not is_incremental() -%}
        {{- return(full) -}}
    {%- endif -%}
    {%- set state_relation = incremental_replace_state_relation() -%}
    {%- if adapter.get_relation(
        state_relation.database, state_relation.schema, state_relation.identifier
    ) is none -%}
        {{- return(full) -}}
    {%- endif -%}
    {%- set parents = incremental_replace_parents() -%}
    {%- set names = [incremental_replace_state_key(model)] -%}
    {%- for parent in parents -%}
        {%- do names.append(incremental_replace_state_key(parent)) -%}
    {%- endfor -%}
    {%- set rows = run_query(
        "select model, fingerprint, cast(watermark as varchar) as watermark, "
        ~ "cast(full_built_at as varchar) as full_built_at, "
        ~ "coalesce(full_built_at > (select watermark from " ~ state_relation ~ " where model = "
        ~ incremental_replace_sql_string(incremental_replace_state_key(model)) ~ "), true) as rebuilt_after "
        ~ "from " ~ state_relation ~ " where model in ('" ~ (names | join("', '")) ~ "')"
    ) -%}
    {%- set by_model = {} -%}
    {%- for row in rows -%}
        {%- do by_model.update({row['model']: row}) -%}
    {%- endfor -%}
    {%- set own = by_model.get(incremental_replace_state_key(model)) -%}
    {%- if own is none or own['watermark'] is none
        or own['fingerprint'] != incremental_replace_fingerprint() -%}
        {{- return(full) -}}
    {%- endif -%}
    {%- for parent in parents -%}
        {%- set parent_state = by_model.get(incremental_replace_state_key(parent)) -%}
        {%- if parent_state is none or parent_state['rebuilt_after'] -%}
            {{- return(full) -}}
        {%- endif -%}
    {%- endfor -%}
    {%- set watermark = "cast('" ~ own['watermark'] ~ "' as timestamptz)" -%}
    {%- if incremental_replace_deleted_since(watermark) -%}
        {{- return(full) -}}
    {%- endif -%}
    {{- return({'incremental': true, 'watermark': watermark}) -}}
{%- endmacro %}


{#- The latest `_loaded_at` of the raw tables of the model's domain: what a build has seen.
    Nothing writes the raw tables while dbt runs (DuckDB allows one writer, and the Dagster
    pool runs one warehouse step at a time), so it is the same at the start and the end of
    a model. -#}
{%- macro incremental_replace_watermark() -%}
    {%- set domain = model.meta.get('domain') -%}
    {%- set maxima = [] -%}
    {%- for source_node in graph.sources.values() if source_node.meta.get('domain') == domain -%}
        {%- set relation = api.Relation.create(
            database=source_node.database, schema=source_node.schema, identifier=source_node.identifier) -%}
        {%- do maxima.append('select max(_loaded_at) as loaded_at from ' ~ relation) -%}
    {%- endfor -%}
    {%- if not maxima -%}
        {{ exceptions.raise_compiler_error(
            model.name ~ ": incremental replace needs the raw sources of its domain ('" ~ domain
            ~ "'): declare meta.domain on the model and its sources"
        ) }}
    {%- endif -%}
    (select max(loaded_at) from ({{ maxima | join(' union all ') }}) as raw_maxima)
{%- endmacro %}


{#- Rows of a staging model loaded since the watermark. A subquery named `alias` (by default
    after the model): PostgreSQL 15 refuses a subquery in FROM without a name. -#}
{%- macro incremental_replace_delta(relation, state, alias=none) -%}
    (select * from {{ relation }} where loaded_at > {{ state['watermark'] }})
    as {{ alias or relation.identifier ~ '_delta' }}
{%- endmacro %}


{#- The replace units an incremental parent changed since the watermark: its key columns and
    the old values of the rows it replaced (NULL for a unit that is new). Named like
    incremental_replace_delta. -#}
{%- macro incremental_replace_parent_changes(relation, state, alias=none) -%}
    (select * from {{ incremental_replace_change_log(relation) }} where changed_at > {{ state['watermark'] }})
    as {{ alias or relation.identifier ~ '_changes' }}
{%- endmacro %}


{#- Closes an incremental model: its recomputed rows plus one tombstone per replace unit.
    `rows` and `units` are CTE names; a full build selects `rows` only. -#}
{%- macro incremental_replace_rows(state, rows, units, keys) -%}
    {%- if state['incremental'] %}
{{ adapter.dispatch('incremental_replace_rows_with_tombstones')(rows, units, keys) }}
    {%- else %}
select * from {{ rows }}
    {%- endif %}
{%- endmacro %}


{#- DuckDB's union by name fills the columns a tombstone lacks with NULL. -#}
{%- macro duckdb__incremental_replace_rows_with_tombstones(rows, units, keys) -%}
    select *, false as _replace_tombstone from {{ rows }}
    union all by name
    select distinct {{ keys | join(', ') }}, true as _replace_tombstone from {{ units }}
{%- endmacro %}


{#- PostgreSQL has no union by name, and a union pairs columns by position: the model's
    own table (it exists in an incremental build, with the columns of the same code) is the
    row type a tombstone is filled into from its keys. -#}
{%- macro postgres__incremental_replace_rows_with_tombstones(rows, units, keys) -%}
    select *, false as _replace_tombstone from {{ rows }}
    union all
    select tombstone.*, true as _replace_tombstone
    from (select distinct {{ keys | join(', ') }} from {{ units }}) as unit_keys
    cross join lateral jsonb_populate_record(
        null::{{ this.include(database=false) }}, to_jsonb(unit_keys)
    ) as tombstone
{%- endmacro %}


{#- A model's columns other than its replace unit's keys, quoted, in table order: the old
    values its change log keeps. Listed rather than `* exclude (...)`, which PostgreSQL
    lacks. -#}
{%- macro incremental_replace_value_columns(relation, keys) -%}
    {%- set values = [] -%}
    {%- for column in adapter.get_columns_in_relation(relation) if column.name not in keys -%}
        {%- do values.append(adapter.quote(column.name)) -%}
    {%- endfor -%}
    {{- return(values) -}}
{%- endmacro %}


{#- The change log of `relation`, created empty with its columns when missing:
    changed_at, the keys, then the other columns. -#}
{%- macro incremental_replace_create_change_log(log, relation, keys) -%}
    create table if not exists {{ log }} as
    select cast(null as timestamptz) as changed_at, {{ (keys + incremental_replace_value_columns(relation, keys)) | join(', ') }}
    from {{ relation }}
    where false
{%- endmacro %}


{#- A full build replaces the whole table, columns and all. -#}
{%- macro duckdb__incremental_replace_whole_table(target, temp) -%}
    create or replace table {{ target }} as select * from {{ temp }}
{%- endmacro %}


{#- PostgreSQL has no `create or replace table`; dbt runs both statements in one
    transaction, so readers see the old table or the new one. -#}
{%- macro postgres__incremental_replace_whole_table(target, temp) -%}
    drop table {{ target }};
    create table {{ target }} as select * from {{ temp }}
{%- endmacro %}


{#- The strategy: replace the listed units, or the whole table when the model built in full
    (no tombstone column: no state, new fingerprint, or a parent rebuilt in full). -#}
{% macro get_incremental_replace_units_sql(arg_dict) %}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set temp = arg_dict['temp_relation'] -%}
    {%- set unique_key = arg_dict['unique_key'] -%}
    {%- set keys = unique_key if unique_key is not string else [unique_key] -%}
    {%- set temp_columns = adapter.get_columns_in_relation(temp) | map(attribute='name') | list -%}
    {%- if '_replace_tombstone' not in temp_columns -%}
        {{ adapter.dispatch('incremental_replace_whole_table')(target, temp) }}
    {%- else -%}
        {%- set quoted_columns = [] -%}
        {%- for column in arg_dict['dest_columns'] -%}
            {%- do quoted_columns.append(adapter.quote(column.name)) -%}
        {%- endfor -%}
        {%- set quoted = quoted_columns | join(', ') -%}
        {%- set on = [] -%}
        {%- for key in keys -%}
            {%- do on.append('target_rows.' ~ key ~ ' = units.' ~ key) -%}
        {%- endfor -%}
        {%- if incremental_replace_children() %}
            {%- set log = incremental_replace_change_log(target) -%}
            {%- set values = incremental_replace_value_columns(target, keys) -%}
            {%- set selected = [] -%}
            {%- for key in keys -%}{%- do selected.append('units.' ~ key) -%}{%- endfor -%}
            {%- for value in values -%}
                {%- do selected.append("target_rows." ~ value) -%}
            {%- endfor %}
            {{ incremental_replace_create_change_log(log, target, keys) }};
            insert into {{ log }} (changed_at, {{ (keys + values) | join(', ') }})
            select
                {{ incremental_replace_watermark() }} as changed_at,
                {{ selected | join(', ') }}
            from (select distinct {{ keys | join(', ') }} from {{ temp }}) as units
            left join {{ target }} as target_rows
                on {{ on | join(' and ') }};
        {%- endif %}
        delete from {{ target }} as target_rows
        using (select distinct {{ keys | join(', ') }} from {{ temp }}) as units
        where {{ on | join(' and ') }};
        insert into {{ target }} ({{ quoted }})
        select {{ quoted }} from {{ temp }} where not _replace_tombstone
    {%- endif -%}
{% endmacro %}


{#- on-run-start: the state table exists before any model runs, so models built in
    parallel threads never race to create it. -#}
{%- macro incremental_replace_create_state_table() -%}
    {%- set state_relation = incremental_replace_state_relation() -%}
    {{ adapter.dispatch('incremental_replace_create_schema')(state_relation) }};
    create table if not exists {{ state_relation }} (
        model varchar primary key,
        fingerprint varchar not null,
        watermark timestamptz,
        full_built_at timestamptz
    );
{%- endmacro %}


{%- macro duckdb__incremental_replace_create_schema(relation) -%}
    create schema if not exists {{ adapter.quote(relation.database) }}.{{ adapter.quote(relation.schema) }}
{%- endmacro %}


{#- A PostgreSQL connection is to one database, and its schema names take no database.
    Created only when missing: `create schema if not exists` needs CREATE on the database
    even when the schema is there, which the transformer lacks where `warehouse setup`
    created the schemas. -#}
{%- macro postgres__incremental_replace_create_schema(relation) -%}
    do $$
    begin
        if not exists (select from pg_namespace where nspname = '{{ relation.schema }}') then
            create schema {{ adapter.quote(relation.schema) }};
        end if;
    end
    $$
{%- endmacro %}


{#- Post-hook of every incremental model: records its state, creates its change log (when
    incremental models read it) and drops the log entries every reader has consumed. -#}
{%- macro incremental_replace_record_state() -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set state = incremental_replace_state() -%}
    {%- set state_relation = incremental_replace_state_relation() -%}
    {%- set key = incremental_replace_sql_string(incremental_replace_state_key(model)) -%}
    {%- if state['incremental'] -%}
        {%- set full_built_at -%}
            (select full_built_at from {{ state_relation }} where model = {{ key }})
        {%- endset -%}
    {%- else -%}
        {%- set full_built_at = incremental_replace_watermark() -%}
    {%- endif %}
    insert into {{ state_relation }} (model, fingerprint, watermark, full_built_at)
    select
        {{ key }},
        '{{ incremental_replace_fingerprint() }}',
        {{ incremental_replace_watermark() }},
        {{ full_built_at }}
    on conflict (model) do update set
        fingerprint = excluded.fingerprint,
        watermark = excluded.watermark,
        full_built_at = excluded.full_built_at;
    {%- set children = incremental_replace_children() %}
    {%- if children %}
        {%- set log = incremental_replace_change_log(this) -%}
        {%- set keys = model.config.get('unique_key') -%}
        {%- set keys = [keys] if keys is string else keys %}
        {{ incremental_replace_create_change_log(log, this, keys) }};
        {%- set readers = [] -%}
        {%- for child in children -%}
            {%- do readers.append(incremental_replace_state_key(child)) -%}
        {%- endfor %}
        delete from {{ log }}
        where changed_at <= (
            select case when count(*) = {{ readers | length }} then min(watermark) end
            from {{ state_relation }}
            where model in ('{{ readers | join("', '") }}')
        );
    {%- endif %}
{%- endmacro %}
