with

accounts as (
    select * from {{ source('customer_bronze', 'crm_accounts') }}
),

{{ located_and_validated(
    'accounts', 'address1_country', 'address1_postalcode',
    [('email', 'emailaddress1'), ('phone', 'telephone1')]
) }}

select
    'crm_account:' || accountid as source_record_id,
    accountid,
    {{ clean_text('name') }} as account_name,
    valid_emailaddress1 as email,
    valid_telephone1 as phone,
    {{ clean_text('address1_line1') }} as address_line1,
    {{ title_case('address1_city') }} as city,
    valid_postal_code as postal_code,
    country_code,
    createdon as created_at,
    modifiedon as modified_at,
    statecode = 0 as is_active,
    {{ silver_lineage_columns() }},
    {{ quality_issues([
        ('email', 'emailaddress1', 'emailaddress1_reason'),
        ('phone', 'telephone1', 'telephone1_reason'),
        ('postal_code', 'address1_postalcode',
            postal_code_invalid_reason('address1_postalcode', 'valid_postal_code', 'country_code')),
        ('country_code', 'address1_country', country_invalid_reason('address1_country', 'country_code')),
    ]) }} as quality_issues
from validated
