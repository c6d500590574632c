{#- The CTEs `incident_changes` and `failure_rows` of the Four Keys marts: Four Keys' change
    failure rate joins each deployment-commit pair (`pairs`, a CTE with service and sha)
    to the incidents whose changes hold its commit, `LEFT JOIN (... four_keys.incidents i,
    i.changes change) i ON i.change = changes` (dashboard/fourkeys_dashboard.json), and an
    incident's changes are its root cause commit, matched within its service. `columns`:
    the pair's columns each row keeps beside incident_id. -#}
{% macro four_keys_failure_rows(pairs, columns) -%}
    {%- set kept = [] -%}
    {%- for column in columns -%}
        {%- do kept.append(pairs ~ '.' ~ column) -%}
    {%- endfor -%}
incident_changes as (
    select distinct
        incident_id,
        service,
        root_cause_sha as sha
    from {{ ref('stg_dora__incidents') }}
    where root_cause_sha is not null
),

failure_rows as (
    select
        {{ kept | join(', ') }},
        incident_changes.incident_id
    from {{ pairs }}
    left join incident_changes
        on
            {{ pairs }}.service = incident_changes.service
            and {{ pairs }}.sha = incident_changes.sha
)
{%- endmacro %}
