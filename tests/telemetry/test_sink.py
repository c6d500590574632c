"""The telemetry file under parallel writers: several processes appending at once leave
only whole lines, none lost."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

import pytest

from platform_assets.cli.main import main
from platform_assets.telemetry.reader import read_records, tail_lines
from platform_assets.telemetry.record import ModelResult, StepRecord
from platform_assets.telemetry.sink import TELEMETRY_PATH_ENV, append_line

WRITERS = 4
LINES_EACH = 300


def _record(writer: int, number: int) -> StepRecord:
    # Lines of a few kilobytes, longer than a pipe's atomic write, as a big dbt step's are.
    models = [
        ModelResult(f"model.p.m{i}", f"staging/m{i}", f'"w"."s"."m{i}"', "success", i, 0.1)
        for i in range(20)
    ]
    return StepRecord(
        event="step_succeeded",
        kind="dbt",
        run_id=f"run-{writer}",
        step_key=f"step-{number}",
        asset_keys=[],
        source="dbt",
        sink=None,
        duration_seconds=0.0,
        models=models,
    )


def _write(path: Path, writer: int) -> None:
    for number in range(LINES_EACH):
        append_line(path, _record(writer, number).to_json())


def test_parallel_processes_append_only_whole_lines(tmp_path: Path) -> None:
    path = tmp_path / "telemetry" / "steps.jsonl"
    context = multiprocessing.get_context("fork")
    writers = [context.Process(target=_write, args=(path, w)) for w in range(WRITERS)]
    for process in writers:
        process.start()
    for process in writers:
        process.join(timeout=60)
        assert process.exitcode == 0
    lines = path.read_text().splitlines()
    assert len(lines) == WRITERS * LINES_EACH
    assert all(json.loads(line)["models"][19]["rows_affected"] == 19 for line in lines)
    records = read_records(path)
    for writer in range(WRITERS):
        numbers = [r.step_key for r in records if r.run_id == f"run-{writer}"]
        assert numbers == [f"step-{n}" for n in range(LINES_EACH)]
    assert tail_lines(path, 2) == lines[-2:]


def test_the_tail_command_prints_the_last_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "steps.jsonl"
    monkeypatch.setenv(TELEMETRY_PATH_ENV, str(path))
    assert main(["telemetry", "tail"]) == 1
    assert TELEMETRY_PATH_ENV in capsys.readouterr().err
    for number in range(3):
        append_line(path, _record(0, number).to_json())
    assert main(["telemetry", "tail", "-n", "2"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert [StepRecord.from_json(line).step_key for line in printed] == ["step-1", "step-2"]
