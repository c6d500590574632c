with

contacts as (
    select * from {{ source('customer_bronze', 'crm_contacts') }}
),

{{ located_and_validated(
    'contacts', 'address1_country', 'address1_postalcode',
    [('email', 'emailaddress1'), ('phone', 'telephone1'), ('phone', 'mobilephone')]
) }}

select
    'crm:' || contactid as source_record_id,
    contactid,
    {{ title_case('firstname') }} as first_name,
    {{ title_case('lastname') }} as last_name,
    valid_emailaddress1 as email,
    valid_telephone1 as phone,
    valid_mobilephone as mobile_phone,
    {{ clean_text('address1_line1') }} as address_line1,
    {{ title_case('address1_city') }} as city,
    valid_postal_code as postal_code,
    country_code,
    {{ birth_date('birthdate') }} as birth_date,
    createdon as created_at,
    modifiedon as modified_at,
    statecode = 0 as is_active,
    parentcustomerid as parent_account_id,
    {{ silver_lineage_columns() }},
    {{ quality_issues([
        ('email', 'emailaddress1', 'emailaddress1_reason'),
        ('phone', 'telephone1', 'telephone1_reason'),
        ('mobile_phone', 'mobilephone', 'mobilephone_reason'),
        ('postal_code', 'address1_postalcode',
            postal_code_invalid_reason('address1_postalcode', 'valid_postal_code', 'country_code')),
        ('country_code', 'address1_country', country_invalid_reason('address1_country', 'country_code')),
        ('birth_date', 'birthdate', birth_date_invalid_reason('birthdate')),
    ]) }} as quality_issues
from validated
