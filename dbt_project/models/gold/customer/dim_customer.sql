{#- One row per resolved customer; each attribute survives from one of its records by the
    rule of macro survivor (docs/customer-view.md, survivorship). The address is one
    attribute: its line, city, postal code and country come from the same record. -#}
with

xref as (
    select
        source_record_id,
        customer_key
    from {{ source('customer_gold', 'customer_source_xref') }}
),

records as (
    select
        xref.customer_key,
        customer_records.*
    from xref
    inner join {{ ref('customer_records') }} as customer_records
        on xref.source_record_id = customer_records.source_record_id
),

survived as (
    select
        customer_key,
        {{ survivor('first_name') }} as first_name,
        {{ survivor('last_name') }} as last_name,
        {{ survivor('email') }} as email,
        {{ survivor('phone') }} as phone,
        {{ survivor('birth_date') }} as birth_date,
        {{ survivor(
            struct_of([
                ('address_line1', 'address_line1'),
                ('city', 'city'),
                ('postal_code', 'postal_code'),
                ('country_code', 'country_code'),
            ]),
            present="coalesce(address_line1, city, postal_code, country_code) is not null"
        ) }} as address,
        count(*) as source_record_count,
        string_agg(distinct source_system, ',' order by source_system) as source_systems,
        min(coalesce(source_created_at, source_updated_at)) as first_seen_at,
        max(source_updated_at) as last_updated_at
    from records
    group by customer_key
)

select
    survived.customer_key,
    survived.first_name,
    survived.last_name,
    survived.email,
    survived.phone,
    survived.birth_date,
    {{ struct_field('survived.address', 'address_line1') }} as address_line1,
    {{ struct_field('survived.address', 'city') }} as city,
    {{ struct_field('survived.address', 'postal_code') }} as postal_code,
    {{ struct_field('survived.address', 'country_code') }} as country_code,
    survived.source_record_count,
    survived.source_systems,
    survived.first_seen_at,
    survived.last_updated_at
from survived
