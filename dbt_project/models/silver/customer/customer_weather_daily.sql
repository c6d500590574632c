with

observations as (
    select * from {{ source('customer_bronze', 'weather_daily') }}
)

select
    upper(trim(country_code)) as country_code,
    {{ postal_code_form('postal_code') }} as postal_code,
    cast(observed_on as date) as observed_on,
    cast(temperature_max_c as double precision) as temperature_max_c,
    cast(temperature_min_c as double precision) as temperature_min_c,
    cast(precipitation_mm as double precision) as precipitation_mm,
    weather_source,
    _loaded_at as loaded_at
from observations
