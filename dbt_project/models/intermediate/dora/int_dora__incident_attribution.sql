{{ config(
    materialized='incremental',
    incremental_strategy='replace_units',
    unique_key=['incident_id'],
    post_hook="{{ incremental_replace_record_state() }}",
) }}
{%- set mode = dora_mode() -%}
{%- set max_lag_hours = dora_incident_max_lag_hours() -%}
-- Which successful production deployment each incident is blamed on, and by which rule.
-- One CTE per rule; the dora_mode picks the rule set:
--   default   the spec's rules, first that applies: caused_by_deployment_id, root_cause_sha,
--             remediated_by_rollback_or_hotfix, latest_prior_deployment (optionally bounded
--             by dora_incident_max_lag_hours);
--   devlake   the deployment of the latest successful production deployment commit of
--             the whole project that finished (its own finish) strictly before the
--             incident was created;
--   four_keys the deployment whose change set holds the incident's root cause.
-- Incremental: an incident's attribution depends on it, on the deployments of its service
-- that finished before it was created (latest prior deployment) or before it was resolved
-- (a rollback or hotfix while it was open, and the deployment just before that), on the
-- deployment it names, and on the change sets holding its root cause. A run recomputes
-- changed incidents, the incidents a changed deployment (where it is now and where it was)
-- could be any of those for, those whose root cause a replaced change set holds (now or
-- before), and those attributed before to a changed deployment.
{%- set state = incremental_replace_state() %}
with
{%- if state.incremental %}
changed_deployment_ids as (
    select deployment_id from {{ incremental_replace_parent_changes(ref('int_dora__production_deployments'), state) }}
),

changed_deployments as (
    select deployment_id, service, finished_at
    from {{ incremental_replace_parent_changes(ref('int_dora__production_deployments'), state) }}
    where service is not null
    union all
    select deployment_id, service, finished_at
    from {{ ref('int_dora__production_deployments') }}
    where deployment_id in (select deployment_id from changed_deployment_ids)
),

earliest_changed_deployment as (
    select service, min(finished_at) as finished_at
    from changed_deployments
    group by service
),

changed_change_sets as (
    select * from {{ incremental_replace_parent_changes(ref('int_dora__deployment_change_sets'), state) }}
),

changed_change_set_shas as (
    select sha from changed_change_sets where sha is not null
    union
    select sha from {{ ref('int_dora__deployment_change_sets') }}
    where (deployment_id, repo) in (select deployment_id, repo from changed_change_sets)
),

replaced_incidents as (
    select incident_id from {{ incremental_replace_delta(ref('stg_dora__incidents'), state) }}
    union
    select incident_id from {{ ref('stg_dora__incidents') }}
    where caused_by_deployment_id in (select deployment_id from changed_deployment_ids)
       or root_cause_sha in (select sha from changed_change_set_shas)
    union
    select all_incidents.incident_id
    from {{ ref('stg_dora__incidents') }} as all_incidents
    inner join earliest_changed_deployment
        on all_incidents.service = earliest_changed_deployment.service
    where all_incidents.created_at > earliest_changed_deployment.finished_at
       or all_incidents.resolved_at is null
       or all_incidents.resolved_at >= earliest_changed_deployment.finished_at
    {%- if mode == 'devlake' %}
    union
    -- DevLake links an incident to the latest deployment commit of the whole project: a
    -- changed deployment, or a deployment commit whose own finish or result changed, can
    -- take the incidents created after it (those it held before are attributed to it)
    select incident_id from {{ ref('stg_dora__incidents') }}
    where created_at > (select min(finished_at) from changed_deployments)
       or created_at > (
           select min(finished_at)
           from {{ incremental_replace_delta(ref('stg_dora__deployment_commits'), state) }}
       )
    union
    select incident_id from {{ this }}
    where attributed_deployment_id in (
        select deployment_id
        from {{ incremental_replace_delta(ref('stg_dora__deployment_commits'), state) }}
    )
    {%- endif %}
    union
    -- implied by the rules above; kept so that a rule added to the attribution cannot
    -- leave an incident attributed to a deployment that changed
    select incident_id from {{ this }}
    where attributed_deployment_id in (select deployment_id from changed_deployment_ids)
       or attributed_deployment_id in (select deployment_id from changed_change_sets)
),
{%- endif %}

incidents as (
    select * from {{ ref('stg_dora__incidents') }}
    {%- if state.incremental %}
    where incident_id in (select incident_id from replaced_incidents)
    {%- endif %}
),

deployments as (
    select * from {{ ref('int_dora__production_deployments') }}
),

change_sets as (
    select * from {{ ref('int_dora__deployment_change_sets') }}
),

rule_caused_by_deployment as (
    -- an explicit link that names no known successful production deployment is no evidence
    -- of a failed change, so it falls through to the next rule
    select
        incidents.incident_id,
        deployments.deployment_id,
        1 as rule_order,
        'caused_by_deployment_id' as attribution_rule
    from incidents
    inner join deployments
        on incidents.caused_by_deployment_id = deployments.deployment_id
),

root_cause_candidates as (
    select
        incidents.incident_id,
        change_sets.deployment_id,
        row_number() over (
            partition by incidents.incident_id
            order by change_sets.finished_at, change_sets.deployment_id
        ) as candidate_rank
    from incidents
    inner join change_sets
        on
            incidents.service = change_sets.service
            and incidents.root_cause_sha = change_sets.sha
),

rule_root_cause_sha as (
    -- the first deployment of the service that shipped the root cause
    select
        incident_id,
        deployment_id,
        2 as rule_order,
        'root_cause_sha' as attribution_rule
    from root_cause_candidates
    where candidate_rank = 1
),

remediations as (
    -- the first rollback or hotfix of the service that finished while the incident was open
    select
        incidents.incident_id,
        incidents.service,
        remediation.deployment_id as remediation_deployment_id,
        remediation.finished_at as remediation_finished_at,
        row_number() over (
            partition by incidents.incident_id
            order by remediation.finished_at, remediation.deployment_id
        ) as remediation_rank
    from incidents
    inner join deployments as remediation
        on
            incidents.service = remediation.service
            and remediation.is_remediation_trigger
            and incidents.created_at <= remediation.finished_at
            and (incidents.resolved_at is null or incidents.resolved_at >= remediation.finished_at)
),

remediated_candidates as (
    -- what a rollback or hotfix remediates: the deployment of the service just before it
    select
        remediations.incident_id,
        deployments.deployment_id,
        row_number() over (
            partition by remediations.incident_id
            order by deployments.finished_at desc, deployments.deployment_id desc
        ) as candidate_rank
    from remediations
    inner join deployments
        on
            remediations.service = deployments.service
            and remediations.remediation_finished_at > deployments.finished_at
            and remediations.remediation_deployment_id <> deployments.deployment_id
    where remediations.remediation_rank = 1
),

rule_remediated_deployment as (
    select
        incident_id,
        deployment_id,
        3 as rule_order,
        'remediated_by_rollback_or_hotfix' as attribution_rule
    from remediated_candidates
    where candidate_rank = 1
),

prior_deployments as (
    select
        incidents.incident_id,
        deployments.deployment_id,
        {{ dora_span_seconds('deployments.finished_at', 'incidents.created_at') }} as lag_seconds,
        row_number() over (
            partition by incidents.incident_id
            order by deployments.finished_at desc, deployments.deployment_id desc
        ) as candidate_rank
    from incidents
    inner join deployments
        on
            incidents.service = deployments.service
            and incidents.created_at > deployments.finished_at
),

rule_latest_prior_deployment as (
    select
        incident_id,
        deployment_id,
        4 as rule_order,
        'latest_prior_deployment' as attribution_rule
    from prior_deployments
    where
        candidate_rank = 1
        {%- if max_lag_hours is not none %}
        and lag_seconds <= {{ max_lag_hours }} * 3600
        {%- endif %}
),

default_attribution as (
    select
        incident_id,
        deployment_id,
        attribution_rule
    from (
        select
            *,
            row_number() over (partition by incident_id order by rule_order) as rule_choice
        from (
            select * from rule_caused_by_deployment
            union all
            select * from rule_root_cause_sha
            union all
            select * from rule_remediated_deployment
            union all
            select * from rule_latest_prior_deployment
        ) as applicable_rules
    ) as ranked_rules
    where rule_choice = 1
),

default_unattributed_reasons as (
    select
        incidents.incident_id,
        case
            when
                exists (
                    select 1 from prior_deployments
                    where prior_deployments.incident_id = incidents.incident_id
                )
                then 'beyond_max_lag'
            else 'no_deployment_before_incident'
        end as unattributed_reason
    from incidents
),

devlake_deployment_commits as (
    -- DevLake links an incident to a deployment commit, not a deployment
    -- (incident_deploy_connector.go, ConnectIncidentToDeployment: cicd_deployment_commits
    -- with finished_date < the issue's created_date, result = SUCCESS and environment =
    -- PRODUCTION, ORDER BY finished_date DESC LIMIT 1, keeping its cicd_deployment_id): an
    -- incident created between the finishes of two repositories of one deployment is that
    -- deployment's, and a failed try in a repository links nothing
    select
        commits.deployment_id,
        commits.finished_at
    from {{ ref('stg_dora__deployment_commits') }} as commits
    inner join deployments
        on commits.deployment_id = deployments.deployment_id
    where commits.result = 'SUCCESS'
),

devlake_candidates as (
    -- project-wide: the service of the incident plays no part in DevLake's link
    select
        incidents.incident_id,
        devlake_deployment_commits.deployment_id,
        row_number() over (
            partition by incidents.incident_id
            order by
                devlake_deployment_commits.finished_at desc,
                devlake_deployment_commits.deployment_id desc
        ) as candidate_rank
    from incidents
    inner join devlake_deployment_commits
        on incidents.created_at > devlake_deployment_commits.finished_at
),

devlake_attribution as (
    select
        incident_id,
        deployment_id,
        'devlake_latest_project_deployment' as attribution_rule
    from devlake_candidates
    where candidate_rank = 1
),

devlake_unattributed_reasons as (
    select
        incident_id,
        'no_project_deployment_before_incident' as unattributed_reason
    from incidents
),

four_keys_attribution as (
    select
        incident_id,
        deployment_id,
        'four_keys_root_cause_sha' as attribution_rule
    from root_cause_candidates
    where candidate_rank = 1
),

four_keys_unattributed_reasons as (
    select
        incident_id,
        case
            when root_cause_sha is null then 'no_root_cause_sha' else 'root_cause_not_deployed'
        end as unattributed_reason
    from incidents
),

attribution as (
    select * from {{ mode }}_attribution
),

unattributed_reasons as (
    select * from {{ mode }}_unattributed_reasons
),

attributions as (
    select
        incidents.incident_id,
        incidents.service,
        incidents.created_at,
        incidents.resolved_at,
        incidents.is_open,
        incidents.root_cause_sha,
        attribution.deployment_id as attributed_deployment_id,
        attribution.attribution_rule,
        case
            when attribution.deployment_id is null then unattributed_reasons.unattributed_reason
        end as unattributed_reason,
        '{{ mode }}' as dora_mode
    from incidents
    left join attribution
        on incidents.incident_id = attribution.incident_id
    left join unattributed_reasons
        on incidents.incident_id = unattributed_reasons.incident_id
)

{{ incremental_replace_rows(state, 'attributions', 'replaced_incidents', ['incident_id']) }}
