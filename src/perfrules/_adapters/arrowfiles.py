"""
Parquet and Arrow (IPC, Feather) files in and out, with polars (the optional ``columnar`` extra).

Every cell becomes the text a CSV file would give, so one number grammar and
one reader apply to every format (the columnar engine's fast path alone takes
integer and decimal columns as they are stored, with the same checks): decimals (``decimal128``) by their exact
text with the column's scale (``1.50``), integers and texts as they are,
dates as ``2026-04-10``, nulls as empty cells.  Floating-point columns are
refused: a double cannot hold ``0.1``, and a pay engine must not guess which
decimal was meant.  Results are written with every column as text, the very
text the CSV file holds, so exact decimals survive the round trip.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .._cells import text_columns as _checked
from .._errors import InputError, Issue

__all__ = [
    "ARROW_SUFFIXES",
    "arrow_bytes",
    "frame_bytes",
    "read_arrow",
    "read_arrow_frame",
    "read_arrow_typed",
    "sink_table",
]

#: File suffixes read and written as Parquet or Arrow IPC.
ARROW_SUFFIXES = frozenset({".parquet", ".arrow", ".feather", ".ipc"})
_EXTRA = "install the columnar extra: pip install 'perfrules[columnar]' (or save the table as CSV UTF-8)"


def _polars(source: str) -> Any:
    try:
        import polars as pl
    except ImportError:
        issue = Issue(
            "missing-extra", "reading or writing Parquet or Arrow files needs polars", source=source, hint=_EXTRA
        )
        raise InputError([issue]) from None
    return pl


def _unreadable(path: Path, source: str, exc: Exception) -> InputError:
    kind = "a Parquet" if path.suffix.lower() == ".parquet" else "an Arrow"
    issue = Issue(
        "file-unreadable",
        f"cannot read {source} as {kind} file: {exc}",
        source=source,
        hint="check that the file is complete, or save the table as CSV UTF-8",
    )
    return InputError([issue])


def _read(pl: Any, path: Path, source: str, columns: Sequence[str] | None = None) -> Any:
    try:
        if path.suffix.lower() == ".parquet":
            return pl.read_parquet(path, columns=columns)
        return pl.read_ipc(path, columns=columns)
    except Exception as exc:  # polars and the OS raise many kinds: each is a file that cannot be read
        raise _unreadable(path, source, exc) from None


def read_arrow_frame(path: Path, source: str) -> Any:
    """
    Return the table of Parquet or Arrow file ``path`` as a polars frame of text columns (nulls kept).
    """
    pl = _polars(source)
    frame = _read(pl, path, source)
    return frame.select(_checked(pl, frame.schema, source))


def read_arrow_typed(path: Path, source: str, wanted: Sequence[str]) -> Any:
    """
    Return the columns ``wanted`` of Parquet or Arrow file ``path``, integers and decimals as they are stored.

    Every column of the file is checked as :func:`read_arrow_frame` checks it
    (floats refused, with the same errors); only ``wanted`` columns are read,
    and only integer and ``decimal128`` columns keep their type (the columnar
    engine takes their scaled integers as they are; see
    :mod:`perfrules._evaluate.columns`), every other column becomes text.
    A wanted column the file lacks is left out (read as its metric's default
    by the columnar engine, or reported missing by the general path, as for a
    CSV file).  Returns ``None`` when the file repeats a column name or lacks
    the first wanted column (the ids).
    """
    pl = _polars(source)
    try:
        schema = pl.read_parquet_schema(path) if path.suffix.lower() == ".parquet" else pl.read_ipc_schema(path)
    except Exception as exc:  # as _read: any failure is a file that cannot be read
        raise _unreadable(path, source, exc) from None
    _checked(pl, schema, source)
    if len(set(schema)) != len(schema) or not wanted or wanted[0] not in schema:
        return None
    frame = _read(pl, path, source, [c for c in dict.fromkeys(wanted) if c in schema])
    kept = [
        pl.col(name) if dtype.is_integer() or dtype.is_decimal() or dtype == pl.String else pl.col(name).cast(pl.String)
        for name, dtype in frame.schema.items()
    ]
    return frame.select(kept)


def read_arrow(path: Path, source: str) -> tuple[list[str], list[list[str]]]:
    """
    Return the header and the data rows of Parquet or Arrow file ``path``, as text (null: ``""``).
    """
    frame = read_arrow_frame(path, source).fill_null("")
    # Column by column, then zipped: faster than polars' row iteration (docs/explanation/dependencies.md).
    columns = [frame.get_column(c).to_list() for c in frame.columns]
    return [str(c) for c in frame.columns], [list(row) for row in zip(*columns, strict=True)]


def arrow_bytes(path: str, fields: Sequence[str], rows: Sequence[dict[str, str]]) -> bytes:
    """
    Return ``rows`` (text by column) as a Parquet file, or an Arrow IPC file, by ``path``'s suffix.
    """
    pl = _polars(path)
    frame = pl.DataFrame({f: [r[f] for r in rows] for f in fields}, schema=dict.fromkeys(fields, pl.String))
    return frame_bytes(path, frame)


def frame_bytes(path: str, frame: Any) -> bytes:
    """
    Return the polars frame ``frame`` as a Parquet file, or an Arrow IPC file, by ``path``'s suffix.
    """
    buf = io.BytesIO()
    if Path(path).suffix.lower() == ".parquet":
        frame.write_parquet(buf)
    else:
        frame.write_ipc(buf)
    return buf.getvalue()


def sink_table(path: str, rows: Any, into: str) -> None:
    """
    Write the polars lazy frame ``rows`` to the file ``into``, as Parquet or Arrow IPC by ``path``'s suffix.

    polars' streaming engine runs the query chunk by chunk as it writes; the
    file holds the very table :func:`frame_bytes` gives for the collected frame.
    """
    if Path(path).suffix.lower() == ".parquet":
        rows.sink_parquet(into)
    else:
        rows.sink_ipc(into)
