{#
  A keyed pseudonym of personal data: the HMAC-SHA256 of `expression` (a varchar) under
  the platform's pseudonym key, as 64 hex characters; NULL stays NULL. An unkeyed hash of
  a name is reversed by hashing a list of names; this is not without the key
  (docs/personal-data.md). The key never appears in SQL: the adapter's connection holds it.
  A model that calls this is a table, not a view: a view would need the key in every
  session that reads it.
#}
{% macro pii_hmac(expression) -%}
    {{ return(adapter.dispatch('pii_hmac')(expression)) }}
{%- endmacro %}

{#
  RFC 2104 over DuckDB's sha256, which has no HMAC function: sha256(outer_pad ||
  sha256(inner_pad || value)). The padded keys are session variables set by the
  dbt-duckdb plugin platform_assets.integrations.dbt.duckdb_pii_plugin (profiles.yml),
  which says why the HMAC is not a Python UDF.
#}
{% macro duckdb__pii_hmac(expression) -%}
    sha256(
        {{ _pii_hmac_pad('pii_hmac_outer_pad') }}
        || unhex(sha256({{ _pii_hmac_pad('pii_hmac_inner_pad') }} || encode({{ expression }})))
    )
{%- endmacro %}

{# A connection without the key fails rather than write NULL pseudonyms. #}
{% macro _pii_hmac_pad(variable) -%}
    case
        when getvariable('{{ variable }}') is null
            then error('pii_hmac: this connection has no pseudonym key; the dbt-duckdb plugin platform_assets.integrations.dbt.duckdb_pii_plugin in dbt_project/profiles.yml sets it')
        else getvariable('{{ variable }}')
    end
{%- endmacro %}

{#
  pgcrypto's HMAC under the key dbt's connection sets as the session setting
  platform.pii_hmac_key (hex of the key's bytes, through PGOPTIONS; the platform's dbt
  resource sets it). A connection without it fails the model rather than write NULL
  pseudonyms: PostgreSQL has no error() in plain SQL, so the message is made the text of a
  failing cast; it names the setting, to stay readable inside "invalid input syntax".
#}
{% macro postgres__pii_hmac(expression) -%}
    encode(
        hmac(convert_to({{ expression }}, 'UTF8'), decode({{ _pii_hmac_key_hex() }}, 'hex'), 'sha256'),
        'hex'
    )
{%- endmacro %}

{#- The stable current_setting keeps the failing cast from being folded, and so raised, when
    PostgreSQL plans the statement, before any row shows whether the key is there. -#}
{% macro _pii_hmac_key_hex() -%}
    case
        when coalesce(current_setting('platform.pii_hmac_key', true), '') = ''
            then cast(cast(
                'pii_hmac: this connection has no pseudonym key (session setting platform.pii_hmac_key'
                || coalesce(current_setting('platform.pii_hmac_key', true), '')
                || '); run dbt through the platform''s dbt resource, or set PGOPTIONS="-c platform.pii_hmac_key=<hex of the key>"'
                as integer
            ) as text)
        else current_setting('platform.pii_hmac_key', true)
    end
{%- endmacro %}

{% macro default__pii_hmac(expression) -%}
    {{ exceptions.raise_compiler_error(
        "pii_hmac has no implementation for the " ~ adapter.type() ~ " adapter: add a "
        ~ adapter.type() ~ "__pii_hmac macro (on PostgreSQL, pgcrypto's hmac(value, key, 'sha256'))"
    ) }}
{%- endmacro %}

{#
  Refuses to build a Beta or GA model with the key generated beside the warehouse: from
  Beta on, pseudonyms that consumers rely on need a key managed as a secret
  (PLATFORM_PII_HMAC_KEY), not one that every copy of the data directory carries
  (platform_assets/privacy/key_policy.py says the same for the Python assets). A pre-hook
  of the customer models (dbt_project.yml); below Beta it does nothing.
#}
{% macro require_pii_key_for_stage() -%}
    {{ return(adapter.dispatch('require_pii_key_for_stage')()) }}
{%- endmacro %}

{% macro duckdb__require_pii_key_for_stage() -%}
    {%- if model.config.meta.get('stage') in ('beta', 'ga') -%}
        select case
            when getvariable('pii_hmac_key_origin') is distinct from 'environment'
                then error('PLATFORM_PII_HMAC_KEY is not set: the {{ model.config.meta.stage }} model {{ model.name }} refuses to run with the key generated beside the warehouse; set it to a random secret of at least 32 characters from your secret store (docs/personal-data.md)')
        end
    {%- endif -%}
{%- endmacro %}

{#- The key's origin is the session setting platform.pii_hmac_key_origin beside the key
    (environment or file); the message is the text of a failing cast (postgres__pii_hmac
    says why), with the origin in it so the cast cannot be folded at planning. -#}
{% macro postgres__require_pii_key_for_stage() -%}
    {%- if model.config.meta.get('stage') in ('beta', 'ga') -%}
        select case
            when current_setting('platform.pii_hmac_key_origin', true) is distinct from 'environment'
                then cast(
                    'PLATFORM_PII_HMAC_KEY is not set (key origin: '
                    || coalesce(nullif(current_setting('platform.pii_hmac_key_origin', true), ''), 'none')
                    || '): the {{ model.config.meta.stage }} model {{ model.name }} refuses to run with the key generated beside the warehouse; set it to a random secret of at least 32 characters from your secret store (docs/personal-data.md)'
                    as integer
                )
        end
    {%- endif -%}
{%- endmacro %}

{% macro default__require_pii_key_for_stage() -%}
    {{ exceptions.raise_compiler_error(
        "require_pii_key_for_stage has no implementation for the " ~ adapter.type()
        ~ " adapter: add a " ~ adapter.type() ~ "__require_pii_key_for_stage macro"
    ) }}
{%- endmacro %}

{#- Which pseudonym key this connection holds, without revealing it: the pseudonym of a fixed
    probe. Incremental models that keep pseudonyms from earlier runs declare it among their
    result vars, so another key rebuilds them in full: pseudonyms made under two keys can no
    longer be compared. NULL while dbt parses, when nothing runs. -#}
{% macro pii_key_probe() -%}
    {%- if not execute -%}{{ return(none) }}{%- endif -%}
    {%- set probe = run_query('select ' ~ pii_hmac("'incremental-replace:key-probe'")) -%}
    {{- return(probe.columns[0].values()[0] | string) -}}
{%- endmacro %}
