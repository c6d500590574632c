{{ config(
    materialized='incremental',
    incremental_strategy='replace_units',
    unique_key=['deployment_id'],
    post_hook="{{ incremental_replace_record_state() }}",
) }}
{%- set state = incremental_replace_state() -%}
-- Deployment rework (DORA 2024): a successful production deployment is remediation when
-- it is marked hotfix or rollback, or ships a revert, or ships a pull request referencing
-- an incident that was open when the pull request merged, or is the service's first
-- deployment after an incident was created and before it was resolved. No peer computes
-- rework, so every dora_mode uses this definition.
-- Incremental: a deployment's flags depend on it, on its change set and on what the
-- commits in it belong to (a revert, a pull request, the incident it references). A run
-- recomputes changed deployments, those whose change set was replaced or holds a changed
-- commit or a commit of a changed pull request (or of one referencing a changed incident),
-- and every deployment that is or was the first deployment during an incident.
with deployments as (
    select * from {{ ref('int_dora__production_deployments') }}
),

incidents as (
    select * from {{ ref('stg_dora__incidents') }}
),

first_deployments_during_incidents as (
    select distinct deployment_id
    from (
        select
            deployments.deployment_id,
            row_number() over (
                partition by incidents.incident_id
                order by deployments.finished_at, deployments.deployment_id
            ) as deployment_rank
        from incidents
        inner join deployments
            on
                incidents.service = deployments.service
                and incidents.created_at < deployments.finished_at
                and (
                    incidents.resolved_at is null or incidents.resolved_at > deployments.finished_at
                )
    ) as during_incident
    where deployment_rank = 1
),
{%- if state.incremental %}

changed_change_sets as (
    select distinct deployment_id, repo
    from {{ incremental_replace_parent_changes(ref('int_dora__deployment_change_sets'), state) }}
),

changed_landings as (
    select repo, sha from {{ incremental_replace_parent_changes(ref('int_dora__commit_landings'), state) }}
),

changed_pull_requests as (
    select pr_id, referenced_incident_id from {{ incremental_replace_delta(ref('stg_dora__pull_requests'), state) }}
),

changed_incidents as (
    select incident_id from {{ incremental_replace_delta(ref('stg_dora__incidents'), state) }}
),

landings_of_changed_pull_requests as (
    -- the commits of pull requests that changed, or that reference an incident that changed
    select all_landings.repo, all_landings.sha
    from {{ ref('int_dora__commit_landings') }} as all_landings
    inner join {{ ref('stg_dora__pull_requests') }} as all_pull_requests
        on all_landings.pr_id = all_pull_requests.pr_id
    where all_pull_requests.pr_id in (select pr_id from changed_pull_requests)
       or all_pull_requests.referenced_incident_id in (select incident_id from changed_incidents)
),

replaced_deployments as (
    select deployment_id
    from {{ incremental_replace_parent_changes(ref('int_dora__production_deployments'), state) }}
    union
    select deployment_id from changed_change_sets
    union
    -- (the change sets model replaces these deployments today, as it recomputes where a
    -- changed commit lands; listed here so this model does not rely on that)
    select deployment_id
    from {{ ref('int_dora__deployment_change_sets') }}
    where (repo, sha) in (select repo, sha from changed_landings)
       or (repo, sha) in (select repo, sha from landings_of_changed_pull_requests)
    union
    -- the first deployment during an incident, now or before: computed in full (cheap),
    -- because an incident's window or a deployment's time moving changes which one it is
    select deployment_id from first_deployments_during_incidents
    union
    select deployment_id from {{ this }}
    where is_first_deployment_during_incident
),
{%- endif %}

shipped as (
    select
        change_sets.deployment_id,
        landings.is_revert,
        pull_requests.merged_at,
        referenced.incident_id as referenced_incident_id,
        referenced.created_at as incident_created_at,
        referenced.resolved_at as incident_resolved_at
    from {{ ref('int_dora__deployment_change_sets') }} as change_sets
    {% if state.incremental -%}
    -- a semi join (PostgreSQL has no `semi join`): one row per replaced deployment
    inner join (select distinct deployment_id from replaced_deployments) as replaced
        on change_sets.deployment_id = replaced.deployment_id
    {%- endif %}
    inner join {{ ref('int_dora__commit_landings') }} as landings
        on
            change_sets.repo = landings.repo
            and change_sets.sha = landings.sha
    left join {{ ref('stg_dora__pull_requests') }} as pull_requests
        on landings.pr_id = pull_requests.pr_id
    left join incidents as referenced
        on pull_requests.referenced_incident_id = referenced.incident_id
),

change_set_signals as (
    select
        deployment_id,
        bool_or(is_revert) as ships_revert,
        bool_or(
            referenced_incident_id is not null
            and incident_created_at <= merged_at
            and (incident_resolved_at is null or incident_resolved_at >= merged_at)
        ) as ships_open_incident_fix
    from shipped
    group by deployment_id
),

remediation_deployments as (
    select
        deployments.deployment_id,
        deployments.service,
        deployments.finished_at,
        deployments.deployed_on,
        deployments.is_remediation_trigger,
        coalesce(change_set_signals.ships_revert, false) as ships_revert,
        coalesce(change_set_signals.ships_open_incident_fix, false) as ships_open_incident_fix,
        first_deployments_during_incidents.deployment_id is not null
            as is_first_deployment_during_incident,
        (
            deployments.is_remediation_trigger
            or coalesce(change_set_signals.ships_revert, false)
            or coalesce(change_set_signals.ships_open_incident_fix, false)
            or first_deployments_during_incidents.deployment_id is not null
        ) as is_remediation
    from deployments
    left join change_set_signals
        on deployments.deployment_id = change_set_signals.deployment_id
    left join first_deployments_during_incidents
        on deployments.deployment_id = first_deployments_during_incidents.deployment_id
    {%- if state.incremental %}
    where deployments.deployment_id in (select deployment_id from replaced_deployments)
    {%- endif %}
)

{{ incremental_replace_rows(
    state, 'remediation_deployments', 'replaced_deployments', ['deployment_id']
) }}
