"""Generates a window of realistic delivery activity, vectorized end to end.

The unit of work is a *release*: a service uses some of its ten daily release slots
(rarely at weekends). A release ships the changes merged since the service's previous
release: pull requests (most of them reviewed, some not), direct pushes, now and then a
revert. It goes to staging (sometimes aborted), then to production, where the first
attempt sometimes fails and is retried. Some releases cause an incident, remediated by
a rollback to the previous release (whose changes the next release then ships again) or
by a hotfix release whose pull request references the incident. Incidents carry an
explicit ``caused_by_deployment_id``, a ``root_cause_sha`` or neither, and some have
nothing to do with a deployment.

Every value is drawn from ``RandomStreams`` keyed by the row's identity, so records do
not depend on the window: history before the window (``MARGIN``) resolves links to
earlier releases, and releases after its end (``LOOKAHEAD``) contribute the work begun
before the end (open pull requests, commits not yet deployed). Each entity comes with a
``VISIBLE_AT`` column, the time its current state appeared, which the incremental
cursor follows; records are as of the window's end (an incident resolved later is open).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

import polars as pl

from platform_assets.domains.dora.demo_source.catalog import TEAM_SIZE, person_name, services
from platform_assets.domains.dora.raw_schemas import RAW_CONTRACTS
from platform_assets.ingestion.random_streams import RandomStreams, hex_digits

VISIBLE_AT: Final = "_visible_at"
SOURCE: Final = "demo"
MARGIN: Final = timedelta(days=14)
LOOKAHEAD: Final = timedelta(days=14)
SLOTS_PER_DAY: Final = 10
#: Releases are at least 15 minutes apart: slot starts are 75 minutes apart, with up to
#: an hour of jitter. Staging runs 9 minutes before production.
_SLOT_SPACING_MINUTES: Final = 75
_WEEKEND_FACTOR: Final = 0.12
_PROD_FAILURE_RATE: Final = 0.05
_STAGING_ABORT_RATE: Final = 0.03
_INCIDENT_RATE: Final = 0.07
_ROLLBACK_SHARE: Final = 0.5
_UNRELATED_INCIDENT_RATE: Final = 0.03
_REVIEWED_SHARE: Final = 0.8
_SELF_COMMENT_SHARE: Final = 0.1

_VERBS: Final = ("Add", "Fix", "Refactor", "Speed up", "Remove", "Document", "Harden", "Log")
_NOUNS: Final = (
    "retry logic", "cache layer", "payment client", "search ranking", "login flow",
    "feature flag", "rate limiter", "database migration", "health check", "metrics export",
    "error handling", "config loader",
)  # fmt: skip
_SYMPTOMS: Final = ("elevated error rate", "latency spike", "failed requests", "outage")


@dataclass(frozen=True)
class ActivityWindow:
    seed: int
    start: datetime
    end: datetime
    service_count: int


def generate(window: ActivityWindow) -> dict[str, pl.DataFrame]:
    """Every raw entity of the window, each frame with its ``VISIBLE_AT`` column."""
    streams = RandomStreams(window.seed)
    releases = _releases(window, streams)
    changes = _changes(releases, streams)
    commits = _commits(changes, streams)
    heads = _heads(commits)
    deployments = _deployments(releases)
    finished = deployments.select("deployment_id", "finished_at", "anchor")
    entities = {
        "deployments": deployments,
        "deployment_commits": _deployment_commits(releases, deployments, heads),
        "deployment_change_sets": _change_sets(releases, commits).join(
            finished, on="deployment_id"
        ),
        "commits": commits.with_columns(anchor=pl.col("t")),
        "pull_requests": _pull_requests(changes, commits),
        "pull_request_commits": _pull_request_commits(changes, commits),
        "pull_request_reviews": _reviews(changes, streams),
        "incidents": _incidents(window, releases, heads, streams),
    }
    return {name: _as_of(name, frame, window) for name, frame in entities.items()}


def _seconds(value: pl.Expr) -> pl.Expr:
    return pl.duration(seconds=value.round().cast(pl.Int64))


def _minutes(low: float, high: float, u: pl.Expr) -> pl.Expr:
    return _seconds((low + (high - low) * u) * 60)


def _pick(options: tuple[str, ...], index: pl.Expr) -> pl.Expr:
    return pl.lit(pl.Series(options)).gather(index % len(options))


def _releases(window: ActivityWindow, streams: RandomStreams) -> pl.DataFrame:
    days = pl.DataFrame(
        {
            "day": pl.date_range(
                (window.start - MARGIN).date(),
                (window.end + LOOKAHEAD).date(),
                "1d",
                closed="left",
                eager=True,
            )
        }
    ).with_columns(
        day_key=pl.col("day").cast(pl.Int64),
        weekend=pl.col("day").dt.weekday() >= 6,
    )
    slots = pl.DataFrame({"slot": pl.int_range(SLOTS_PER_DAY, dtype=pl.Int64, eager=True)})
    grid = services(window.service_count, streams).join(days, how="cross").join(slots, how="cross")
    rate = pl.col("release_rate") * pl.when(pl.col("weekend")).then(_WEEKEND_FACTOR).otherwise(1.0)
    keys = (pl.col("service_idx"), pl.col("day_key"), pl.col("slot"))
    releases = (
        grid.filter(streams.uniform("release", *keys) < rate)
        .with_columns(
            release_key=pl.col("day_key") * 2**24 + pl.col("service_idx") * 16 + pl.col("slot"),
            t=pl.col("day").cast(pl.Datetime("us", "UTC"))
            + pl.duration(minutes=480 + pl.col("slot") * _SLOT_SPACING_MINUTES)
            + _minutes(0, 60, streams.uniform("release_minute", *keys)),
            release_id=pl.concat_str(
                pl.col("service"),
                pl.lit("-"),
                pl.col("day").dt.strftime("%Y%m%d"),
                pl.lit("-"),
                pl.col("slot").cast(pl.String).str.zfill(2),
            ),
        )
        .sort("service_idx", "t")
        .with_columns(
            prev_t=pl.col("t").shift(1).over("service_idx"),
            prev_release_id=pl.col("release_id").shift(1).over("service_idx"),
            next_release_id=pl.col("release_id").shift(-1).over("service_idx"),
        )
    )

    def u(stream: str) -> pl.Expr:
        return streams.uniform(stream, pl.col("release_key"))

    bad = u("bad") < _INCIDENT_RATE
    can_roll_back = pl.col("prev_t").is_not_null() & (pl.col("t") - pl.col("prev_t") < MARGIN)
    releases = releases.with_columns(
        fails_first=u("prod_fails") < _PROD_FAILURE_RATE,
        staging_aborted=u("staging_aborted") < _STAGING_ABORT_RATE,
        remediation=pl.when(bad & can_roll_back & (u("remedy") < _ROLLBACK_SHARE))
        .then(pl.lit("rollback"))
        .when(bad)
        .then(pl.lit("hotfix")),
        staging_start=pl.col("t") - pl.duration(minutes=9),
        failed_end=pl.col("t") + _minutes(4, 10, u("failed_minutes")),
    ).with_columns(
        staging_end=pl.col("staging_start") + _minutes(3, 5, u("staging_minutes")),
        prod_start=pl.when(pl.col("fails_first"))
        .then(pl.col("failed_end") + pl.duration(minutes=10))
        .otherwise(pl.col("t")),
    )
    releases = releases.with_columns(
        prod_end=pl.col("prod_start") + _minutes(5, 15, u("prod_minutes"))
    ).with_columns(incident_at=pl.col("prod_end") + _minutes(10, 240, u("incident_minutes")))
    releases = releases.with_columns(
        rollback_start=pl.col("incident_at") + _minutes(10, 40, u("rollback_minutes")),
        hotfix_created=pl.col("incident_at") + _minutes(5, 30, u("hotfix_open_minutes")),
    ).with_columns(
        rollback_end=pl.col("rollback_start") + _minutes(3, 6, u("rollback_duration")),
        hotfix_merged=pl.col("hotfix_created") + _minutes(20, 90, u("hotfix_review_minutes")),
    )
    releases = releases.with_columns(
        hotfix_start=pl.col("hotfix_merged") + pl.duration(minutes=10),
    ).with_columns(hotfix_end=pl.col("hotfix_start") + _minutes(5, 12, u("hotfix_duration")))
    remedied_at = (
        pl.when(pl.col("remediation") == "rollback")
        .then(pl.col("rollback_end"))
        .otherwise(pl.col("hotfix_end"))
    )
    return releases.with_columns(
        resolved_at=remedied_at + _minutes(5, 60, u("resolve_minutes")),
        incident_id=pl.when(pl.col("remediation").is_not_null()).then(
            pl.concat_str(pl.lit("INC-"), pl.col("release_id"))
        ),
    )


def _changes(releases: pl.DataFrame, streams: RandomStreams) -> pl.DataFrame:
    """One row per change (pull request, direct push or revert) with the deployment that
    first ships it, including the hotfix pull requests of incidents."""
    per_repo = (
        releases.with_columns(repo_pos=pl.int_ranges(0, pl.col("repos").list.len()))
        .explode("repos", "repo_pos")
        .rename({"repos": "repo"})
    )
    planned = per_repo.with_columns(
        change_idx=pl.int_ranges(
            0, streams.integers("changes", 1, 4, pl.col("release_key"), pl.col("repo_pos"))
        )
    ).explode("change_idx")
    keys = (pl.col("release_key"), pl.col("repo_pos"), pl.col("change_idx"))
    kind_draw = streams.uniform("change_kind", *keys)
    window_start = pl.max_horizontal(
        pl.col("prev_t").fill_null(pl.col("t") - timedelta(days=7)),
        pl.col("t") - timedelta(days=7),
    )
    window_end = pl.col("t") - pl.duration(minutes=10)
    planned = planned.with_columns(
        kind=pl.when(kind_draw < 0.84)
        .then(pl.lit("pr"))
        .when(kind_draw < 0.99)
        .then(pl.lit("push"))
        .otherwise(pl.lit("revert")),
        landed_at=window_start
        + _seconds(
            (window_end - window_start).dt.total_seconds() * streams.uniform("landed", *keys)
        ),
        deployment_id=pl.concat_str(pl.col("release_id"), pl.lit("-prod")),
        referenced_incident_id=pl.lit(None, dtype=pl.String),
        reviewed=streams.uniform("reviewed", *keys) < _REVIEWED_SHARE,
    )
    hotfixes = per_repo.filter(
        (pl.col("remediation") == "hotfix") & (pl.col("repo_pos") == 0)
    ).with_columns(
        change_idx=pl.lit(9, dtype=pl.Int64),
        kind=pl.lit("pr"),
        landed_at=pl.col("hotfix_merged"),
        deployment_id=pl.concat_str(pl.col("release_id"), pl.lit("-hotfix")),
        referenced_incident_id=pl.col("incident_id"),
        reviewed=streams.uniform("hotfix_reviewed", pl.col("release_key")) < 0.6,
    )
    changes = pl.concat([planned, hotfixes], how="diagonal_relaxed")
    keys = (pl.col("release_key"), pl.col("repo_pos"), pl.col("change_idx"))
    is_pr = pl.col("kind") == "pr"
    review_span = 1200 + streams.uniform("review_span", *keys).pow(2) * 72 * 3600
    coding_span = streams.uniform("coding_span", *keys).pow(2) * 48 * 3600
    hotfix = pl.col("referenced_incident_id").is_not_null()
    created_at = (
        pl.when(hotfix)
        .then(pl.col("hotfix_created"))
        .when(is_pr)
        .then(pl.col("landed_at") - _seconds(review_span))
    )
    return changes.with_columns(
        change_key=pl.col("release_key") * 64 + pl.col("repo_pos") * 16 + pl.col("change_idx"),
        number=pl.col("day_key") * 100 + pl.col("slot") * 10 + pl.col("change_idx"),
        author_idx=pl.col("service_idx") * TEAM_SIZE
        + streams.integers("author", 0, TEAM_SIZE, *keys),
        title=pl.concat_str(
            _pick(_VERBS, streams.integers("verb", 0, len(_VERBS), *keys)),
            pl.lit(" "),
            _pick(_NOUNS, streams.integers("noun", 0, len(_NOUNS), *keys)),
        ),
        created_at=created_at,
        commit_count=pl.when(is_pr)
        .then(streams.integers("commit_count", 1, 5, *keys))
        .otherwise(1),
    ).with_columns(
        first_commit_at=pl.when(hotfix)
        .then(pl.col("created_at") - pl.duration(minutes=10))
        .when(is_pr)
        .then(pl.col("created_at") - _seconds(coding_span))
        .otherwise(pl.col("landed_at") - _minutes(0, 30, streams.uniform("push_lag", *keys))),
        title=pl.when(hotfix)
        .then(
            pl.concat_str(
                pl.lit("Fix "), pl.col("title"), pl.lit(" ("), pl.col("incident_id"), pl.lit(")")
            )
        )
        .otherwise(pl.col("title")),
        pr_id=pl.when(is_pr).then(pl.concat_str(pl.col("repo"), pl.lit("#"), pl.col("number"))),
    )


def _commits(changes: pl.DataFrame, streams: RandomStreams) -> pl.DataFrame:
    commits = changes.with_columns(j=pl.int_ranges(0, pl.col("commit_count"))).explode("j")
    keys = (pl.col("change_key"), pl.col("j"))
    span = (
        pl.col("landed_at") - pl.duration(minutes=5) - pl.col("first_commit_at")
    ).dt.total_seconds()
    bits = commits.select(
        a=streams.bits("sha_a", *keys),
        b=streams.bits("sha_b", *keys),
        c=streams.bits("sha_c", *keys),
    )
    sha = (
        pl.DataFrame([hex_digits(bits["a"]), hex_digits(bits["b"]), hex_digits(bits["c"])])
        .select(pl.concat_str("a", "b", "c").str.slice(0, 40).alias("sha"))
        .to_series()
    )
    message = (
        pl.when(pl.col("kind") == "revert")
        .then(pl.concat_str(pl.lit('Revert "'), pl.col("title"), pl.lit('"')))
        .when(pl.col("kind") == "push")
        .then(
            pl.concat_str(pl.lit("Tune "), _pick(_NOUNS, pl.col("change_key")), pl.lit(" settings"))
        )
        .when(pl.col("j") == 0)
        .then(pl.col("title"))
        .otherwise(pl.concat_str(pl.lit("Address review comments ("), pl.col("j"), pl.lit(")")))
    )
    return commits.with_columns(
        sha,
        authored_at=pl.col("first_commit_at")
        + _seconds(span.clip(0) * pl.col("j") / pl.col("commit_count")),
        author=person_name(pl.col("author_idx")),
        message=message,
    )


def _heads(commits: pl.DataFrame) -> pl.DataFrame:
    """The sha each shipping deployment puts live per repository: its last change's
    last commit (ties on the landing time broken by sha)."""
    last_commits = commits.filter(pl.col("j") == pl.col("commit_count") - 1)
    return last_commits.group_by("deployment_id", "repo").agg(
        pl.col("sha").sort_by("landed_at", "sha").last()
    )


def _deployment_row(
    frame: pl.DataFrame, suffix: str, environment: str, result: pl.Expr | str,
    start: str, end: str, trigger: str,
) -> pl.DataFrame:  # fmt: skip
    return frame.select(
        deployment_id=pl.concat_str(pl.col("release_id"), pl.lit("-"), pl.lit(suffix)),
        service=pl.col("service"),
        environment=pl.lit(environment),
        result=result if isinstance(result, pl.Expr) else pl.lit(result),
        started_at=pl.col(start),
        finished_at=pl.col(end),
        source=pl.lit(SOURCE),
        trigger_kind=pl.lit(trigger),
        release_id=pl.col("release_id"),
        anchor=pl.col("t"),
    )


def _deployments(releases: pl.DataFrame) -> pl.DataFrame:
    staging_result = (
        pl.when(pl.col("staging_aborted")).then(pl.lit("ABORTED")).otherwise(pl.lit("SUCCESS"))
    )
    failed = releases.filter(pl.col("fails_first"))
    rolled_back = releases.filter(pl.col("remediation") == "rollback")
    hotfixed = releases.filter(pl.col("remediation") == "hotfix")
    return pl.concat(
        [
            _deployment_row(
                releases, "stg", "STAGING", staging_result, "staging_start", "staging_end",
                "planned",
            ),
            _deployment_row(failed, "prod-failed", "PRODUCTION", "FAILURE", "t", "failed_end",
                            "planned"),
            _deployment_row(releases, "prod", "PRODUCTION", "SUCCESS", "prod_start", "prod_end",
                            "planned"),
            _deployment_row(rolled_back, "rollback", "PRODUCTION", "SUCCESS", "rollback_start",
                            "rollback_end", "rollback"),
            _deployment_row(hotfixed, "hotfix", "PRODUCTION", "SUCCESS", "hotfix_start",
                            "hotfix_end", "hotfix"),
        ]
    )  # fmt: skip


def _deployment_commits(
    releases: pl.DataFrame, deployments: pl.DataFrame, heads: pl.DataFrame
) -> pl.DataFrame:
    """The sha per repository of every deployment: a release's attempts put its head
    live, a rollback the previous release's head, a hotfix its own."""
    shipped_by = (
        pl.when(pl.col("trigger_kind") == "rollback")
        .then(pl.concat_str(pl.col("prev_release_id"), pl.lit("-prod")))
        .when(pl.col("trigger_kind") == "hotfix")
        .then(pl.col("deployment_id"))
        .otherwise(pl.concat_str(pl.col("release_id"), pl.lit("-prod")))
    )
    return (
        deployments.join(
            releases.select("release_id", "prev_release_id"), on="release_id", how="left"
        )
        .with_columns(shipping_id=shipped_by)
        .join(heads.rename({"deployment_id": "shipping_id"}), on="shipping_id", how="inner")
        .select("deployment_id", "repo", "sha", "finished_at", "anchor")
    )


def _change_sets(releases: pl.DataFrame, commits: pl.DataFrame) -> pl.DataFrame:
    """Commits each successful production deployment shipped that the previous one had
    not: its own changes, plus those of a previous release that was rolled back."""
    own = commits.select("deployment_id", "repo", "sha")
    rolled_back = releases.filter(
        (pl.col("remediation") == "rollback") & pl.col("next_release_id").is_not_null()
    ).select(
        deployment_id=pl.concat_str(pl.col("release_id"), pl.lit("-prod")),
        reshipped_by=pl.concat_str(pl.col("next_release_id"), pl.lit("-prod")),
    )
    reshipped = own.join(rolled_back, on="deployment_id").select(
        pl.col("reshipped_by").alias("deployment_id"), "repo", "sha"
    )
    return pl.concat([own, reshipped]).unique(maintain_order=True)


def _pull_requests(changes: pl.DataFrame, commits: pl.DataFrame) -> pl.DataFrame:
    merge_shas = commits.filter(
        pl.col("pr_id").is_not_null() & (pl.col("j") == pl.col("commit_count") - 1)
    ).select("pr_id", merge_sha=pl.col("sha"))
    return (
        changes.filter(pl.col("pr_id").is_not_null())
        .join(merge_shas, on="pr_id")
        .select(
            "pr_id",
            "repo",
            "number",
            author=person_name(pl.col("author_idx")),
            title=pl.col("title"),
            created_at=pl.col("created_at"),
            merged_at=pl.col("landed_at"),
            merge_sha=pl.col("merge_sha"),
            referenced_incident_id=pl.col("referenced_incident_id"),
            anchor=pl.col("t"),
        )
    )


def _pull_request_commits(changes: pl.DataFrame, commits: pl.DataFrame) -> pl.DataFrame:
    return commits.filter(pl.col("pr_id").is_not_null()).select(
        "pr_id", "repo", "sha", "authored_at", "created_at", anchor=pl.col("t")
    )


def _reviews(changes: pl.DataFrame, streams: RandomStreams) -> pl.DataFrame:
    """Review events of reviewed pull requests (the last one an approval), by teammates,
    plus an occasional comment by the author on their own pull request."""
    prs = changes.filter(pl.col("pr_id").is_not_null())
    reviewed = prs.filter(pl.col("reviewed")).with_columns(
        event_count=streams.integers("review_events", 1, 4, pl.col("change_key"))
    )
    events = reviewed.with_columns(e=pl.int_ranges(0, pl.col("event_count"))).explode("e")
    keys = (pl.col("change_key"), pl.col("e"))
    draw = streams.uniform("review_kind", *keys)
    kind = (
        pl.when(pl.col("e") == pl.col("event_count") - 1)
        .then(pl.lit("approval"))
        .when(draw < 0.5)
        .then(pl.lit("comment"))
        .when(draw < 0.8)
        .then(pl.lit("review"))
        .otherwise(pl.lit("changes_requested"))
    )
    local_author = pl.col("author_idx") % TEAM_SIZE
    reviewer = (
        pl.col("service_idx") * TEAM_SIZE
        + (local_author + 1 + streams.integers("reviewer", 0, TEAM_SIZE - 1, *keys)) % TEAM_SIZE
    )
    open_span = (pl.col("landed_at") - pl.col("created_at")).dt.total_seconds()
    by_teammates = events.select(
        review_id=pl.concat_str(pl.col("pr_id"), pl.lit("/review-"), pl.col("e")),
        pr_id=pl.col("pr_id"),
        author=person_name(reviewer),
        created_at=pl.col("created_at")
        + _seconds(open_span * (pl.col("e") + 1) / (pl.col("event_count") + 1)),
        kind=kind,
        anchor=pl.col("t"),
    )
    by_author = prs.filter(
        streams.uniform("self_comment", pl.col("change_key")) < _SELF_COMMENT_SHARE
    ).select(
        review_id=pl.concat_str(pl.col("pr_id"), pl.lit("/comment-by-author")),
        pr_id=pl.col("pr_id"),
        author=person_name(pl.col("author_idx")),
        created_at=pl.col("created_at") + _seconds(open_span * 0.05),
        kind=pl.lit("comment"),
        anchor=pl.col("t"),
    )
    return pl.concat([by_teammates, by_author])


def _incidents(
    window: ActivityWindow,
    releases: pl.DataFrame,
    heads: pl.DataFrame,
    streams: RandomStreams,
) -> pl.DataFrame:
    """Incidents caused by releases (linked explicitly, by root-cause sha, or not at all)
    and incidents unrelated to any deployment."""
    root_causes = releases.select(
        "release_id",
        deployment_id=pl.concat_str(pl.col("release_id"), pl.lit("-prod")),
        repo=pl.col("repos").list.first(),
    ).join(heads, on=["deployment_id", "repo"])
    caused = releases.filter(pl.col("incident_id").is_not_null()).join(
        root_causes.select("release_id", root_cause=pl.col("sha")), on="release_id", how="left"
    )
    link = streams.uniform("incident_link", pl.col("release_key"))
    severity = streams.uniform("severity", pl.col("release_key"))
    by_deployments = caused.select(
        incident_id=pl.col("incident_id"),
        service=pl.col("service"),
        title=pl.concat_str(
            pl.col("service"),
            pl.lit(": "),
            _pick(_SYMPTOMS, streams.integers("symptom", 0, len(_SYMPTOMS), pl.col("release_key"))),
        ),
        created_at=pl.col("incident_at"),
        resolved_at=pl.col("resolved_at"),
        severity=pl.when(severity < 0.1)
        .then(pl.lit("SEV1"))
        .when(severity < 0.4)
        .then(pl.lit("SEV2"))
        .otherwise(pl.lit("SEV3")),
        source=pl.lit(SOURCE),
        caused_by_deployment_id=pl.when(link < 0.4).then(
            pl.concat_str(pl.col("release_id"), pl.lit("-prod"))
        ),
        root_cause_sha=pl.when((link >= 0.4) & (link < 0.7)).then(pl.col("root_cause")),
        anchor=pl.col("t"),
    )
    return pl.concat([by_deployments, _unrelated_incidents(window, streams)])


def _unrelated_incidents(window: ActivityWindow, streams: RandomStreams) -> pl.DataFrame:
    days = pl.DataFrame(
        {"day": pl.date_range(window.start.date(), window.end.date(), "1d", closed="left",
                              eager=True)}
    ).with_columns(day_key=pl.col("day").cast(pl.Int64))  # fmt: skip
    keys = (pl.col("service_idx"), pl.col("day_key"))
    grid = services(window.service_count, streams).join(days, how="cross")
    created_at = pl.col("day").cast(pl.Datetime("us", "UTC")) + _seconds(
        streams.uniform("unrelated_time", *keys) * 86400
    )
    return grid.filter(streams.uniform("unrelated", *keys) < _UNRELATED_INCIDENT_RATE).select(
        incident_id=pl.concat_str(
            pl.lit("INC-"),
            pl.col("service"),
            pl.lit("-"),
            pl.col("day").dt.strftime("%Y%m%d"),
            pl.lit("-ops"),
        ),
        service=pl.col("service"),
        title=pl.concat_str(pl.col("service"), pl.lit(": "), pl.lit("dependency degraded")),
        created_at=created_at,
        resolved_at=created_at
        + _seconds(1800 + streams.uniform("unrelated_duration", *keys).pow(2) * 48 * 3600),
        severity=pl.when(streams.uniform("unrelated_severity", *keys) < 0.5)
        .then(pl.lit("SEV3"))
        .otherwise(pl.lit("SEV4")),
        source=pl.lit(SOURCE),
        caused_by_deployment_id=pl.lit(None, dtype=pl.String),
        root_cause_sha=pl.lit(None, dtype=pl.String),
        anchor=created_at,
    )


def _as_of(entity: str, frame: pl.DataFrame, window: ActivityWindow) -> pl.DataFrame:
    """The entity's records as the source shows them at the window's end, for anchors
    (releases, incidents) within the window, with the time each record's state appeared."""
    end = pl.lit(window.end).dt.convert_time_zone("UTC")
    in_window = frame.filter(pl.col("anchor") >= pl.lit(window.start).dt.convert_time_zone("UTC"))
    if entity in ("deployments", "deployment_commits", "deployment_change_sets"):
        shown = in_window.filter(pl.col("finished_at") < end).with_columns(
            pl.col("finished_at").alias(VISIBLE_AT)
        )
    elif entity == "commits":
        shown = in_window.filter(pl.col("authored_at") < end).with_columns(
            pl.col("authored_at").alias(VISIBLE_AT)
        )
    elif entity == "pull_requests":
        merged = pl.col("merged_at") < end
        shown = (
            in_window.filter(pl.col("created_at") < end)
            .with_columns(
                merged_at=pl.when(merged).then(pl.col("merged_at")),
                merge_sha=pl.when(merged).then(pl.col("merge_sha")),
            )
            .with_columns(pl.coalesce("merged_at", "created_at").alias(VISIBLE_AT))
        )
    elif entity == "pull_request_commits":
        shown = in_window.filter(
            (pl.col("authored_at") < end) & (pl.col("created_at") < end)
        ).with_columns(pl.max_horizontal("authored_at", "created_at").alias(VISIBLE_AT))
    elif entity == "pull_request_reviews":
        shown = in_window.filter(pl.col("created_at") < end).with_columns(
            pl.col("created_at").alias(VISIBLE_AT)
        )
    else:
        shown = (
            in_window.filter(pl.col("created_at") < end)
            .with_columns(
                resolved_at=pl.when(pl.col("resolved_at") < end).then(pl.col("resolved_at"))
            )
            .with_columns(pl.coalesce("resolved_at", "created_at").alias(VISIBLE_AT))
        )
    if entity == "deployment_commits":
        # the demo's deployments finish in every repository at once: its commits inherit
        # their deployment's times and result
        shown = shown.with_columns(
            pl.lit(None).cast(shown.schema["finished_at"]).alias(column)
            for column in ("started_at", "finished_at")
        ).with_columns(result=pl.lit(None, dtype=pl.String))
    contract = RAW_CONTRACTS[entity]
    return shown.select(*contract.column_names, VISIBLE_AT).sort(contract.key)
