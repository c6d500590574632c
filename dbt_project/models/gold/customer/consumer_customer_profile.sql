{#- The customer as consumers may see them: contact details masked, the email also as a
    keyed pseudonym (to join other datasets pseudonymised under the same key), the name
    reduced to its initial and the date of birth to its year. A table, not a view: the
    pseudonym key is a session variable of dbt's connection (macro pii_hmac). -#}
with

customers as (
    select * from {{ ref('dim_customer') }}
)

select
    customer_key,
    {{ mask_email('email') }} as email_masked,
    {{ mask_phone('phone') }} as phone_masked,
    {{ pii_hmac('email') }} as email_pseudonym,
    left(first_name, 1) as first_name_initial,
    city,
    postal_code,
    country_code,
    cast(extract(year from birth_date) as bigint) as birth_year
from customers
