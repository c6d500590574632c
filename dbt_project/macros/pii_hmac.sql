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

{% macro default__pii_hmac(expression) -%}
    {{ exceptions.raise_compiler_error(
        "pii_hmac has no implementation for the " ~ adapter.type() ~ " adapter: add a "
        ~ adapter.type() ~ "__pii_hmac macro (on PostgreSQL, pgcrypto's hmac(value, key, 'sha256'))"
    ) }}
{%- endmacro %}
