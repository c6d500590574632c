{#- Every invalid value of a live record, one row per record and column, the value only as
    its keyed pseudonym: what became NULL in silver and why. -#}
with

issues as (
    {%- for model, source_system in [
        ('customer_crm_contacts', 'crm'),
        ('customer_crm_accounts', 'crm'),
        ('customer_spreadsheet_records', 'spreadsheet'),
    ] %}
    select
        '{{ source_system }}' as source_system,
        source_record_id,
        loaded_at,
        {{ unnest_structs('quality_issues') }} as issue
    from {{ ref(model) }}
    where not is_deleted
    {{- "\n        union all" if not loop.last }}
    {%- endfor %}
)

select
    issues.source_system,
    issues.source_record_id,
    {{ struct_field('issues.issue', 'column_name') }} as column_name,
    {{ struct_field('issues.issue', 'raw_value_hmac') }} as raw_value_hmac,
    {{ struct_field('issues.issue', 'reason') }} as reason,
    issues.loaded_at as detected_at
from issues
