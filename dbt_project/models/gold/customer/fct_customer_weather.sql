{#- The weather where each customer lives, one row per customer and day of the weather
    window that has an observation for their postal area. -#}
with

customers as (
    select
        customer_key,
        country_code,
        postal_code
    from {{ ref('dim_customer') }}
    where postal_code is not null
),

window_days as (
    {{ customer_weather_window() }}
),

observations as (
    select observations.*
    from {{ ref('customer_weather_daily') }} as observations
    inner join window_days on observations.observed_on = window_days.observed_on
)

select
    customers.customer_key,
    observations.observed_on,
    customers.country_code,
    customers.postal_code,
    observations.temperature_max_c,
    observations.temperature_min_c,
    observations.precipitation_mm,
    observations.weather_source
from customers
inner join observations
    on
        customers.country_code = observations.country_code
        and customers.postal_code = observations.postal_code
