{#- The linkage input: one row per live person record of every source, in one shape. CRM
    accounts are organisations, not people, and deleted records are gone from the view. -#}
with

crm_contacts as (
    select
        source_record_id,
        'crm' as source_system,
        first_name,
        last_name,
        email,
        -- a mobile reaches the person; a business line may be a switchboard
        coalesce(mobile_phone, phone) as phone,
        birth_date,
        address_line1,
        city,
        postal_code,
        country_code,
        created_at as source_created_at,
        coalesce(modified_at, created_at) as source_updated_at,
        1 as source_priority
    from {{ ref('customer_crm_contacts') }}
    where not is_deleted
),

spreadsheet_records as (
    select
        source_record_id,
        'spreadsheet' as source_system,
        first_name,
        last_name,
        email,
        phone,
        birth_date,
        address_line1,
        city,
        postal_code,
        country_code,
        cast(null as timestamp with time zone) as source_created_at,
        -- a workbook without a "last updated" column: when its rows were loaded
        coalesce(updated_at, loaded_at) as source_updated_at,
        2 as source_priority
    from {{ ref('customer_spreadsheet_records') }}
    where not is_deleted
)

select * from crm_contacts
union all
select * from spreadsheet_records
