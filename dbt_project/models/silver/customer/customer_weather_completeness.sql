{#- Every postal area of the reference × every day of the weather window: whether a
    measurement exists after the primary source and the fallback. -#}
with

areas as (
    select
        country_code,
        postal_code
    from {{ ref('postal_areas') }}
),

window_days as (
    {{ customer_weather_window() }}
),

observations as (
    select * from {{ ref('customer_weather_daily') }}
)

select
    areas.country_code,
    areas.postal_code,
    window_days.observed_on,
    observations.weather_source,
    -- no row, or a row with no measurement at all
    observations.temperature_max_c is null
    and observations.temperature_min_c is null
    and observations.precipitation_mm is null as is_missing
from areas
cross join window_days
left join observations
    on
        areas.country_code = observations.country_code
        and areas.postal_code = observations.postal_code
        and window_days.observed_on = observations.observed_on
