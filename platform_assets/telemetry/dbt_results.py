"""What a dbt invocation reports of each node it built, from ``run_results.json``.

dbt writes ``run_results.json`` when it exits, with each node's ``status`` and its
``adapter_response``. What ``adapter_response.rows_affected`` holds depends on the
adapter, and dbt never splits inserts from updates:

- dbt-postgres reports the row count of the materialization's main statement
  (``cursor.rowcount``): the rows of a rebuilt table, the rows a seed loaded, the rows an
  incremental model's insert or merge wrote (one figure: which of them were inserts and
  which updates is not told), and -1 for a view, which writes no row (kept as unknown).
- dbt-duckdb reports no count at all (its ``adapter_response`` is ``{"_message": "OK"}``),
  so on DuckDB every model's ``rows_affected`` is unknown; seeds still report theirs.

So a dbt step's line carries per model what dbt knows, and leaves the inserted, updated,
deleted and final counts unknown (null) rather than guessing them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import Any, Final

import dagster as dg
from dagster_dbt import DbtCliInvocation

from platform_assets.telemetry.record import (
    NO_FAILURE,
    ModelResult,
    StepEvent,
    StepIdentity,
    StepRecord,
)

#: The nodes that write a relation; tests, hooks and operations write none.
BUILT_RESOURCE_TYPES: Final = ("model", "seed", "snapshot")
#: dbt's selection flags, as dagster-dbt passes them (flag, then one space-joined value).
SELECTION_FLAGS: Final = frozenset({"--select", "--exclude", "--selector"})


def selector_of(arguments: Sequence[str]) -> str | None:
    """The selection flags of a dbt command line and their values, as one string
    (``--select a b --exclude c``); None when dbt was given no selection."""
    selection = [
        f"{flag} {value}" for flag, value in pairwise(arguments) if flag in SELECTION_FLAGS
    ]
    return " ".join(selection) or None


def rows_affected(result: Mapping[str, Any]) -> int | None:
    """dbt's row count of one result; None where the adapter gives none or -1."""
    count = (result.get("adapter_response") or {}).get("rows_affected")
    return count if isinstance(count, int) and count >= 0 else None


def built_results(
    run_results: Mapping[str, Any], asset_key_of: Callable[[str], str | None]
) -> list[ModelResult]:
    """The models, seeds and snapshots of ``run_results``, in the order dbt finished them.
    Only the status is kept of an error, not dbt's message: a failed cast quotes the
    offending value, which may be personal data (the step's log has the message)."""
    return [
        ModelResult(
            unique_id=result["unique_id"],
            asset_key=asset_key_of(result["unique_id"]),
            relation=result.get("relation_name"),
            status=str(result.get("status")),
            rows_affected=rows_affected(result),
            execution_seconds=round(float(result.get("execution_time") or 0.0), 3),
        )
        for result in run_results.get("results", [])
        if result["unique_id"].split(".")[0] in BUILT_RESOURCE_TYPES
    ]


def asset_key_resolver(invocation: DbtCliInvocation) -> Callable[[str], str | None]:
    """The asset key the invocation's translator gives a dbt node (None: not in the
    manifest, such as a node another project defines)."""
    manifest = invocation.manifest
    nodes = {**manifest.get("nodes", {}), **manifest.get("sources", {})}

    def asset_key_of(unique_id: str) -> str | None:
        if unique_id not in nodes:
            return None
        spec = invocation.dagster_dbt_translator.get_asset_spec(
            manifest, unique_id, invocation.project
        )
        return spec.key.to_user_string()

    return asset_key_of


@dataclass(frozen=True)
class DbtStep:
    """One dbt step's identity and invocation, from which its materialization metadata,
    its row-count observations and its telemetry line are made."""

    step: StepIdentity
    manifest_path: str
    selector: str | None = None
    started: float = field(default_factory=time.perf_counter)

    def selected_by(self, invocation: DbtCliInvocation) -> DbtStep:
        """This step with the selection dagster-dbt gave the invocation's command line."""
        arguments = invocation.process.args
        listed = [str(a) for a in arguments] if isinstance(arguments, list) else []
        return replace(self, selector=selector_of(listed))

    def materialization_metadata(self) -> dict[str, dg.MetadataValue]:
        metadata: dict[str, dg.MetadataValue] = {
            "manifest_path": dg.MetadataValue.path(self.manifest_path)
        }
        if self.selector is not None:
            metadata["selector"] = dg.MetadataValue.text(self.selector)
        return metadata

    def observations(self, models: Sequence[ModelResult]) -> list[dg.AssetObservation]:
        """dbt's row counts, recorded against each model whose count dbt reported. Not on
        the materialization: dbt writes them to ``run_results.json`` only when it exits
        (its per-node finish events are debug-level and never reach the step), while each
        materialization is recorded as soon as its model is built."""
        return [
            dg.AssetObservation(
                asset_key=dg.AssetKey.from_user_string(model.asset_key),
                metadata={
                    "rows_affected": dg.MetadataValue.int(model.rows_affected),
                    "dbt_status": dg.MetadataValue.text(model.status),
                },
            )
            for model in models
            if model.asset_key is not None and model.rows_affected is not None
        ]

    def record(
        self,
        event: StepEvent,
        models: Sequence[ModelResult] = (),
        failure_category: str = NO_FAILURE,
        error: str | None = None,
    ) -> StepRecord:
        """The step's telemetry line. ``sink`` is the relation when the step built one
        node; with several, each one's is in ``models``."""
        relations = {model.relation for model in models}
        return StepRecord.for_step(
            self.step,
            event=event,
            kind="dbt",
            source="dbt",
            sink=relations.pop() if len(relations) == 1 else None,
            duration_seconds=round(time.perf_counter() - self.started, 3),
            failure_category=failure_category,
            error=error,
            manifest_path=self.manifest_path,
            selector=self.selector,
            models=list(models),
        )
