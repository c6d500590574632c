with

spreadsheet_rows as (
    select * from {{ source('customer_bronze', 'spreadsheet_customers') }}
),

{{ located_and_validated(
    'spreadsheet_rows', 'country', 'postal_code', [('email', 'email'), ('phone', 'phone')]
) }}

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
    {{ silver_lineage_columns() }},
    {{ quality_issues([
        ('email', 'email', 'email_reason'),
        ('phone', 'phone', 'phone_reason'),
        ('postal_code', 'postal_code',
            postal_code_invalid_reason('postal_code', 'valid_postal_code', 'country_code')),
        ('country_code', 'country', country_invalid_reason('country', 'country_code')),
        ('birth_date', 'birth_date', birth_date_invalid_reason('birth_date')),
    ]) }} as quality_issues
from validated
