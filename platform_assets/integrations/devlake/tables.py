"""DevLake's domain-layer tables, read by their DevLake names from a folder of CSV exports
(``<table>.csv``) or from DevLake's database through a SQLAlchemy URL.

Either way a table is text columns (as a file source reads a CSV: validation types them),
and only the columns asked for: DevLake's tables carry dozens the raw contracts do not
map. A column asked for that the table lacks is named in ``missing``, so the mapping can
leave out what it feeds and the load records it as removed rather than clearing stored
values. A CSV line that cannot be read is rejected by its line number, the rest loads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import polars as pl
import sqlalchemy as sa

from platform_assets.ingestion import FailureCategory, Rejected, SourceError
from platform_assets.integrations.file_source.csv_file import read_csv


@dataclass(frozen=True)
class Table:
    """One DevLake table: the columns asked for, as text, and what could not be read."""

    frame: pl.DataFrame
    rejected: Sequence[Rejected] = ()
    missing: frozenset[str] = field(default_factory=frozenset)


class DevLakeTables(Protocol):
    def read(self, table: str, columns: Sequence[str]) -> Table | None:
        """``columns`` of DevLake's ``table``; None when the table is not there."""
        ...


def _with_columns(
    frame: pl.DataFrame, columns: Sequence[str], rejected: Sequence[Rejected] = ()
) -> Table:
    missing = frozenset(column for column in columns if column not in frame.columns)
    present = frame.with_columns(pl.lit(None, pl.String).alias(column) for column in missing)
    return Table(
        present.select(pl.col(column).cast(pl.String) for column in columns), rejected, missing
    )


class CsvFolder:
    """``<table>.csv`` files with DevLake's column names, as ``SELECT * ... INTO OUTFILE``,
    ``mysqldump --tab`` or DevLake's own CSV export write them (a header row)."""

    def __init__(self, directory: Path, setting: str) -> None:
        self._directory = directory
        self._setting = setting

    def read(self, table: str, columns: Sequence[str]) -> Table | None:
        if not self._directory.is_dir():
            raise SourceError(
                FailureCategory.CONFIGURATION,
                f"DevLake export folder {self._directory} not found: set {self._setting} "
                "to the folder of DevLake's table exports",
            )
        path = self._directory / f"{table}.csv"
        if not path.is_file():
            return None
        frame, rejected = read_csv(path.name, path.read_bytes())
        return _with_columns(frame, columns, rejected)


class SqlDatabase:
    """DevLake's own database (MySQL or PostgreSQL) through a SQLAlchemy URL, read-only:
    one ``SELECT`` of the mapped columns per table."""

    def __init__(self, url: str, setting: str) -> None:
        self._setting = setting
        try:
            self._engine = sa.create_engine(url)
        except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError) as error:
            raise SourceError(
                FailureCategory.CONFIGURATION,
                f"{setting} is not a usable SQLAlchemy URL ({type(error).__name__}: "
                f"{_without_secrets(str(error), url)}); e.g. mysql+pymysql://USER:...@HOST/lake "
                "with its driver installed",
            ) from None
        self._tables: frozenset[str] | None = None

    def __repr__(self) -> str:
        return f"SqlDatabase({self._engine.url.render_as_string(hide_password=True)!r})"

    def read(self, table: str, columns: Sequence[str]) -> Table | None:
        try:
            with self._engine.connect() as connection:
                if self._tables is None:
                    self._tables = frozenset(sa.inspect(connection).get_table_names())
                if table not in self._tables:
                    return None
                present = {c["name"] for c in sa.inspect(connection).get_columns(table)}
                asked = [column for column in columns if column in present]
                selected = sa.table(table, *(sa.column(column) for column in asked))
                result = connection.execute(selected.select())
                frame = pl.DataFrame(
                    [[_as_text(value) for value in row] for row in result],
                    schema={column: pl.String for column in asked},
                    orient="row",
                )
        except sa.exc.SQLAlchemyError as error:
            # The driver's message (never the URL's password: SQLAlchemy hides it).
            reason = str(getattr(error, "orig", None) or error).splitlines()[0]
            raise SourceError(
                FailureCategory.CONNECTION,
                f"reading DevLake's {table} through {self._setting} failed: {reason}",
            ) from None
        return _with_columns(frame, columns)


def _as_text(value: object) -> str | None:
    """A database value as the text a CSV export would hold: datetimes in ISO 8601 (a
    MySQL DATETIME is naive, as DevLake writes it in UTC)."""
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _without_secrets(message: str, url: str) -> str:
    try:
        password = sa.make_url(url).password
    except sa.exc.ArgumentError:
        return "the URL could not be parsed"
    return message.replace(password, "***") if password else message
