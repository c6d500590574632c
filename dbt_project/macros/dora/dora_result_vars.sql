{#- The vars that change what DORA's incremental models compute: incremental replace
    (macros/incremental_replace/) rebuilds them in full when one changes. dora_as_of and
    dora_window_days are left out on purpose: only the calendars and the level window read
    them, and those are tables rebuilt on every run. The pseudonym key is one: the staging
    tables keep the pseudonyms of earlier runs. -#}
{%- macro dora_result_vars() -%}
    {{- return({
        'dora_mode': dora_mode(),
        'dora_timezone': dora_timezone(),
        'dora_incident_max_lag_hours': dora_incident_max_lag_hours(),
        'pii_key': pii_key_probe(),
    }) -}}
{%- endmacro %}
