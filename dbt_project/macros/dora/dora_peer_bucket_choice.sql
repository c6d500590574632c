{#- Each service's peer frequency bucket in `mode`, from the seed dora_peer_frequency_buckets:
    the buckets in rank order, each reached when its statistic (a row of `statistics`:
    service, statistic, value) is at least its min_value, the last one needing none. The
    row with bucket_choice = 1 is the service's bucket. `services`: the services to place. -#}
{% macro dora_peer_bucket_choice(services, statistics, mode) -%}
    select
        {{ services }}.service,
        peer_buckets.bucket,
        row_number()
            over (partition by {{ services }}.service order by peer_buckets.bucket_rank)
            as bucket_choice
    from {{ services }}
    cross join {{ ref('dora_peer_frequency_buckets') }} as peer_buckets
    left join {{ statistics }}
        on
            {{ services }}.service = {{ statistics }}.service
            and peer_buckets.statistic = {{ statistics }}.statistic
    where
        peer_buckets.mode = '{{ mode }}'
        and (
            peer_buckets.statistic is null
            or {{ statistics }}.value >= peer_buckets.min_value
        )
{%- endmacro %}
