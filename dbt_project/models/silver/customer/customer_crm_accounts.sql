with

accounts as (
    select * from {{ source('customer_bronze', 'crm_accounts') }}
),

located as (
    select
        accounts.*,
        country.country_code
    from accounts
    {{ country_join('country', 'accounts.address1_country') }}
),

validated as (
    select
        located.*,
        email_cv.normalized_value as email,
        phone_cv.normalized_value as phone,
        area.postal_code as valid_postal_code,
        {{ contact_invalid_reason('email_cv', 'email', 'emailaddress1') }} as email_reason,
        {{ contact_invalid_reason('phone_cv', 'phone', 'telephone1') }} as phone_reason
    from located
    {{ contact_validation_join('email_cv', 'email', 'emailaddress1') }}
    {{ contact_validation_join('phone_cv', 'phone', 'telephone1', 'located.country_code') }}
    {{ postal_area_join('area', 'located.country_code', 'located.address1_postalcode') }}
)

select
    'crm_account:' || accountid as source_record_id,
    accountid,
    {{ clean_text('name') }} as account_name,
    email,
    phone,
    {{ clean_text('address1_line1') }} as address_line1,
    {{ title_case('address1_city') }} as city,
    valid_postal_code as postal_code,
    country_code,
    createdon as created_at,
    modifiedon as modified_at,
    statecode = 0 as is_active,
    _deleted_at is not null as is_deleted,
    _deleted_at as deleted_at,
    _source as source_connector,
    _loaded_at as loaded_at,
    _run_id as load_run_id,
    {{ quality_issues([
        ('email', 'emailaddress1', 'email_reason'),
        ('phone', 'telephone1', 'phone_reason'),
        ('postal_code', 'address1_postalcode',
            postal_code_invalid_reason('address1_postalcode', 'valid_postal_code', 'country_code')),
        ('country_code', 'address1_country', country_invalid_reason('address1_country', 'country_code')),
    ]) }} as quality_issues
from validated
