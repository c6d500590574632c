{{ config(
    materialized='incremental',
    incremental_strategy='replace_units',
    unique_key=['reference_kind', 'referenced_by'],
    post_hook="{{ incremental_replace_record_state() }}",
) }}
{%- set state = incremental_replace_state() -%}
-- Commits other tables refer to that raw.commits does not hold. Each one degrades a
-- metric: an unknown deployed commit forces the change-set window to fall back to the
-- deployment's start, an unknown pull request commit hides the change's first commit
-- time, an unknown root cause cannot be matched to the deployment that shipped it.
-- Incremental: a run recomputes the references made by changed rows (a deployment's
-- commits, a change set, a pull request's commits or merge commit, an incident's root
-- cause) and the orphans a newly landed commit may resolve.
with
{%- if state.incremental %}
replaced_references as (
    select
        'deployment_commit' as reference_kind,
        deployment_id as referenced_by
    from {{ incremental_replace_delta(ref('stg_dora__deployment_commits'), state) }}
    union
    select
        'explicit_change_set' as reference_kind,
        deployment_id as referenced_by
    from {{ incremental_replace_delta(ref('stg_dora__deployment_change_sets'), state) }}
    union
    select
        'pull_request_commit' as reference_kind,
        pr_id as referenced_by
    from {{ incremental_replace_delta(ref('stg_dora__pull_request_commits'), state) }}
    union
    select
        'pull_request_merge_commit' as reference_kind,
        pr_id as referenced_by
    from {{ incremental_replace_delta(ref('stg_dora__pull_requests'), state) }}
    union
    select
        'incident_root_cause' as reference_kind,
        incident_id as referenced_by
    from {{ incremental_replace_delta(ref('stg_dora__incidents'), state) }}
    union
    -- an orphan is listed once per sha whatever its repositories: match on the sha alone
    select
        reference_kind,
        referenced_by
    from {{ this }}
    where sha in (
        select changed_commits.sha
        from {{ incremental_replace_delta(ref('stg_dora__commits'), state, 'changed_commits') }}
    )
),
{%- endif %}

commits as (
    select
        repo,
        sha
    from {{ ref('stg_dora__commits') }}
),

references_to_commits as (
    select * from (
        select
            'deployment_commit' as reference_kind,
            deployment_id as referenced_by,
            repo,
            sha
        from {{ ref('stg_dora__deployment_commits') }}
        union all
        select
            'explicit_change_set' as reference_kind,
            deployment_id as referenced_by,
            repo,
            sha
        from {{ ref('stg_dora__deployment_change_sets') }}
        union all
        select
            'pull_request_commit' as reference_kind,
            pr_id as referenced_by,
            repo,
            sha
        from {{ ref('stg_dora__pull_request_commits') }}
        union all
        select
            'pull_request_merge_commit' as reference_kind,
            pr_id as referenced_by,
            repo,
            merge_sha as sha
        from {{ ref('stg_dora__pull_requests') }}
        where
            is_merged
            and merge_sha is not null
    ) as all_references
    {%- if state.incremental %}
    where (reference_kind, referenced_by) in (select reference_kind, referenced_by from replaced_references)
    {%- endif %}
),

orphans as (
    select references_to_commits.*
    from references_to_commits
    left join commits
        on
            references_to_commits.repo = commits.repo
            and references_to_commits.sha = commits.sha
    where commits.sha is null
),

orphan_root_causes as (
    -- an incident names no repository: its root cause is an orphan when no repository has it
    select
        'incident_root_cause' as reference_kind,
        incident_id as referenced_by,
        cast(null as varchar) as repo,
        root_cause_sha as sha
    from {{ ref('stg_dora__incidents') }} as incidents
    where
        root_cause_sha is not null
        -- not exists, not `not in`: PostgreSQL plans `not in (subquery)` as a subplan
        -- scanned once per incident when the commits do not fit in work_mem (12 minutes
        -- at a million deployment commits); `not exists` is an anti join on both.
        and not exists (
            select 1 from commits
            where commits.sha = incidents.root_cause_sha
        )
    {%- if state.incremental %}
        and ('incident_root_cause', incident_id) in (
            select reference_kind, referenced_by from replaced_references
        )
    {%- endif %}
),

orphan_commits as (
    select
        reference_kind,
        referenced_by,
        min(repo) as repo,
        sha
    from (
        select * from orphans
        union all
        select * from orphan_root_causes
    ) as all_orphans
    group by reference_kind, referenced_by, sha
)

{{ incremental_replace_rows(
    state, 'orphan_commits', 'replaced_references', ['reference_kind', 'referenced_by']
) }}
