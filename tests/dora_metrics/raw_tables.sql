-- The raw DORA tables exactly as docs/dora-raw-tables.md defines them (schema raw,
-- TIMESTAMPTZ in UTC, lineage columns on every table), for the scenario databases.
create schema if not exists raw;

create table raw.deployments (
    deployment_id varchar, service varchar, environment varchar, result varchar,
    started_at timestamptz, finished_at timestamptz, source varchar, trigger_kind varchar,
    _source varchar, _loaded_at timestamptz, _run_id varchar, _deleted_at timestamptz
);

create table raw.deployment_commits (
    deployment_id varchar, repo varchar, sha varchar,
    started_at timestamptz, finished_at timestamptz, result varchar,
    _source varchar, _loaded_at timestamptz, _run_id varchar, _deleted_at timestamptz
);

create table raw.deployment_change_sets (
    deployment_id varchar, repo varchar, sha varchar,
    _source varchar, _loaded_at timestamptz, _run_id varchar, _deleted_at timestamptz
);

create table raw.commits (
    repo varchar, sha varchar, author varchar, authored_at timestamptz, message varchar,
    _source varchar, _loaded_at timestamptz, _run_id varchar, _deleted_at timestamptz
);

create table raw.pull_requests (
    pr_id varchar, repo varchar, number bigint, author varchar, title varchar,
    created_at timestamptz, merged_at timestamptz, merge_sha varchar, referenced_incident_id varchar,
    _source varchar, _loaded_at timestamptz, _run_id varchar, _deleted_at timestamptz
);

create table raw.pull_request_commits (
    pr_id varchar, repo varchar, sha varchar,
    _source varchar, _loaded_at timestamptz, _run_id varchar, _deleted_at timestamptz
);

create table raw.pull_request_reviews (
    review_id varchar, pr_id varchar, author varchar, created_at timestamptz, kind varchar,
    _source varchar, _loaded_at timestamptz, _run_id varchar, _deleted_at timestamptz
);

create table raw.incidents (
    incident_id varchar, service varchar, title varchar, created_at timestamptz,
    resolved_at timestamptz, severity varchar, source varchar,
    caused_by_deployment_id varchar, root_cause_sha varchar,
    _source varchar, _loaded_at timestamptz, _run_id varchar, _deleted_at timestamptz
);
