with

spreadsheet_rows as (
    select * from {{ source('customer_bronze', 'spreadsheet_customers') }}
),

located as (
    select
        spreadsheet_rows.*,
        country.country_code
    from spreadsheet_rows
    {{ country_join('country', 'spreadsheet_rows.country') }}
),

validated as (
    select
        located.*,
        email_cv.normalized_value as valid_email,
        phone_cv.normalized_value as valid_phone,
        area.postal_code as valid_postal_code,
        {{ contact_invalid_reason('email_cv', 'email', 'email') }} as email_reason,
        {{ contact_invalid_reason('phone_cv', 'phone', 'phone') }} as phone_reason
    from located
    {{ contact_validation_join('email_cv', 'email', 'email') }}
    {{ contact_validation_join('phone_cv', 'phone', 'phone', 'located.country_code') }}
    {{ postal_area_join('area', 'located.country_code', 'located.postal_code') }}
)

select
    'spreadsheet:' || record_id as source_record_id,
    record_id,
    source_file,
    sheet_name,
    file_fingerprint,
    row_number,
    {{ clean_text('customer_ref') }} as customer_ref,
    {{ title_case('first_name') }} as first_name,
    {{ title_case('last_name') }} as last_name,
    valid_email as email,
    valid_phone as phone,
    {{ clean_text('address_line1') }} as address_line1,
    {{ title_case('city') }} as city,
    valid_postal_code as postal_code,
    country_code,
    {{ birth_date('birth_date') }} as birth_date,
    updated_at,
    _deleted_at is not null as is_deleted,
    _deleted_at as deleted_at,
    _source as source_connector,
    _loaded_at as loaded_at,
    _run_id as load_run_id,
    {{ quality_issues([
        ('email', 'email', 'email_reason'),
        ('phone', 'phone', 'phone_reason'),
        ('postal_code', 'postal_code',
            postal_code_invalid_reason('postal_code', 'valid_postal_code', 'country_code')),
        ('country_code', 'country', country_invalid_reason('country', 'country_code')),
        ('birth_date', 'birth_date', birth_date_invalid_reason('birth_date')),
    ]) }} as quality_issues
from validated
