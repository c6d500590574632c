"""The file a log shipper tails: one JSON line per step, appended.

``$PLATFORM_DATA_DIR/telemetry/steps.jsonl`` unless ``PLATFORM_TELEMETRY_PATH`` names
another file. Steps of one run execute in several processes at once (the multiprocess
executor) and several runs share the file, so each line goes out in a single ``write`` on
a descriptor opened with ``O_APPEND``: the kernel places every such write at the end of
the file whole, and no two lines interleave. No buffering in between, so a tailing
shipper sees the line as soon as the step ends. Nothing is ever rewritten; rotating the
file is the shipper's (or logrotate's ``copytruncate``) job.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final, Protocol

from platform_assets.settings import data_path
from platform_assets.telemetry.record import StepRecord

TELEMETRY_PATH_ENV: Final = "PLATFORM_TELEMETRY_PATH"
DEFAULT_TELEMETRY_FILE: Final = Path("telemetry") / "steps.jsonl"


class Log(Protocol):
    def info(self, msg: str) -> None: ...

    def warning(self, msg: str) -> None: ...


def telemetry_path() -> Path:
    """``PLATFORM_TELEMETRY_PATH``, else ``telemetry/steps.jsonl`` under the data root."""
    return data_path(os.environ.get(TELEMETRY_PATH_ENV) or DEFAULT_TELEMETRY_FILE)


def append_line(path: Path, line: str) -> None:
    """Appends ``line`` and a newline to ``path`` in one write (see the module's note)."""
    data = (line + "\n").encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        written = os.write(descriptor, data)
    finally:
        os.close(descriptor)
    if written != len(data):
        # Only a full disk or a quota cuts a write to a regular file short; a second write
        # would not be atomic any more, so the torn line is reported, not patched.
        raise OSError(f"wrote {written} of {len(data)} bytes of a telemetry line to {path}")


def emit(record: StepRecord, log: Log) -> None:
    """Writes ``record`` to the Dagster log and to the telemetry file. A file that cannot
    be written is a warning, not a failed step: the load it describes has happened."""
    line = record.to_json()
    log.info(f"telemetry {line}")
    path = telemetry_path()
    try:
        append_line(path, line)
    except OSError as error:
        log.warning(
            f"the step's telemetry line was not written to {path}: {error}. Make the folder "
            f"writable, or point {TELEMETRY_PATH_ENV} at a file that is"
        )
