"""
CSV (or Parquet, Arrow) in and out, column-wise: the columnar engine without a Python object per cell.

:func:`score_csv_columnar` reads a population file with polars and writes the
very file :func:`~perfrules._adapters.files.write_results` would write for the
same results.  It takes only files whose reading provably equals the row
reader's (no quoting, no carriage return but in a Windows line end, no blank lines, no repeated
columns, UTF-8) and the plain case of
:func:`perfrules._evaluate.score_frame`; anything else returns ``None`` and
the caller takes the general path, which reads, reports and scores exactly as
the row engine does.  polars is imported only when this runs.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .._compile import Plan
from .._evaluate import people_columns, read_frame, require_columnar, score, score_frame
from .._model import Period
from .arrowfiles import ARROW_SUFFIXES, frame_bytes, read_arrow_typed, sink_table
from .files import read_population
from .output import open_pending, write_atomic

__all__ = ["score_csv_columnar"]


def _read(path: Path, plan: Plan, id_column: str) -> Any:
    import polars as pl

    wanted = list(dict.fromkeys([id_column, *(s.metric.name for s in plan.inputs), *people_columns(plan)]))
    if path.suffix.lower() in ARROW_SUFFIXES:
        # Parquet and Arrow: only the wanted columns, integers and decimals as stored (a float column is refused).
        frame = read_arrow_typed(path, str(path), wanted)
        return frame if frame is not None and frame.height else None
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\r\n" in data:  # Windows line ends (Python's csv module writes them too): the same rows without \r
        data = data.replace(b"\r\n", b"\n")
    # (isspace and find look at the bytes where strip and split would copy them: 64 MiB at a million rows)
    if b'"' in data or b"\r" in data or b"\n\n" in data or not data or data.isspace():
        return None
    cut = data.find(b"\n")
    header = data[: cut if cut >= 0 else len(data)].decode("utf-8", errors="replace").split(",")
    if len(set(header)) != len(header) or id_column not in header:
        return None
    columns = [c for c in wanted if c in header]  # a column the file lacks: its default, or reported missing

    def read(part: bytes, names: list[str]) -> Any:
        return pl.read_csv(part, infer_schema=False, columns=names, encoding="utf8")

    # Read in parts of whole lines (no cell holds a line break here), each number column parsed part by part:
    # the text of every cell is never held at once (a text cell takes twice the memory of its number).
    parts = (read(part, columns) for part in _parts(data, _PART))
    try:
        df = read_frame(plan, parts, lambda names: read(data, names), id_column)
    except (pl.exceptions.PolarsError, UnicodeDecodeError, ValueError):
        return None
    if df is None:
        return None
    return df if df.height else None


_PART = 8 << 20
"""About this many bytes of the file are read and parsed at a time."""


def _parts(data: bytes, size: int) -> Iterator[bytes]:
    # The header, then whole lines of about ``size`` bytes, each part with the header before it.
    end = data.find(b"\n") + 1
    header, start = data[:end], end
    while 0 < start < len(data):
        end = data.find(b"\n", start + size) + 1 or len(data)
        yield b"".join((header, memoryview(data)[start:end]))  # one copy of the part
        start = end


def score_csv_columnar(
    plan: Plan,
    data: str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    period: Period | None,
    id_column: str,
    no_history: bool = False,
) -> int | None:
    """
    Score the CSV, Parquet or Arrow file ``data`` column-wise and write ``out`` (by suffix); return how many.

    Returns ``None``, having written nothing, when the file or the scheme is
    not the plain case this path takes.  Raises ``CompileError``
    (``columnar-unsupported``) when the columnar engine cannot score the
    scheme at all.  A scheme that reads history is scored here only with
    ``no_history`` (no ledger: numbers 0, conditions false, streaks 0).
    Amounts over an approval threshold are held, as the command line holds
    them without a ledger (``approval_held``; nothing is approved).
    """
    require_columnar(plan)
    if plan.history and not no_history:
        return None  # history is read from a ledger by the general path (or refused there without one)
    df = _read(Path(data), plan, id_column)
    if df is None:
        return None

    def fallback() -> None:
        # The row engine says what it would do with these rows: raise its own error, or not.
        score(plan, read_population(data), period=period, id_column=id_column, source=str(data), no_history=True)

    count = int(df.height)  # (score_frame keeps every row, or returns None)
    held = [df]  # handed over, not kept: score_frame lets the text go once it is parsed
    del df
    got = score_frame(plan, held.pop(), id_column, period, fallback, hold=True, parts=True)
    if got is None:
        return None
    values, texts = got
    rows = values.lazy().select(texts)
    table = Path(out).suffix.lower() in ARROW_SUFFIXES
    if not table:
        # Python's csv module writes an empty text as nothing, where polars would write "": empty becomes null.
        # Only these columns can be empty (ids are never, and a number is never written as "").
        rows = rows.with_columns(_blank())
    # A table is formatted and written by polars chunk by chunk; a CSV file a slice of rows at a time:
    # the whole text is never held.
    if not _sink((values, texts) if not table else rows, out, table, _unquoted(plan, period)):
        # Standard output, a pipe or a failed sink: the whole file, written the plain way.
        frame = rows.collect()
        whole = frame_bytes(str(out), frame) if table else frame.write_csv(line_terminator="\n")
        write_atomic(Path(out), whole)  # every column as text, "" kept in a table, as the row engine
    return count


def _blank() -> list[Any]:
    import polars as pl

    return [pl.when(pl.col(c) != "").then(pl.col(c)).alias(c) for c in _BLANK]


_SLICE = 50_000
"""Rows whose text is made and written at a time."""


def _write_csv(values: Any, texts: list[Any], path: str, unquoted: bool) -> None:
    # Each slice of the values' columns, selected by the texts, is that slice of the rows: formatted and
    # written, then let go. (polars' streaming sink buffers several chunks of text on its own threads: a
    # fifth of the whole text at a million rows, over the peak of everything else.)
    blank, quotes = _blank(), "never" if unquoted else "necessary"
    with open(path, "wb") as fh:
        for k in range(0, max(values.height, 1), _SLICE):
            part = values.slice(k, _SLICE).select(texts).with_columns(blank)
            part.write_csv(fh, include_header=not k, line_terminator="\n", quote_style=quotes)
            del part


_BLANK = ("period", "grade", "flags")
_QUOTED = frozenset(',"\r\n')


def _unquoted(plan: Plan, period: Period | None) -> bool:
    # Whether no cell can need quotes, so that polars need not look for them (a quarter of the writing):
    # score_frame takes only ids without a comma, quote or line break, numbers are digits, sign, point and
    # exponent, and every other cell is one of these words (the period, a grade, a flag raised).
    s = plan.scheme
    words = [f.name for f in s.flags] + ["approval_required", "approval_held"]
    words += [str(t.label) for t in s.grades.tiers if t.label is not None] if s.grades is not None else []
    words += [period.label] if period is not None else []
    return not any(_QUOTED & set(w) for w in words)


def _sink(rows: Any, out: str | os.PathLike[str], table: bool, unquoted: bool = False) -> bool:
    # Written into the temporary file beside the target, then renamed over it: neither the converted
    # columns nor the whole text are held in memory (``rows``: a lazy frame for a table; for a CSV file
    # the values and the texts, see _write_csv). Standard output, a pipe or a failed write
    # is written the plain way (which says what went wrong, and leaves the target as it was).
    pending, fh = open_pending(out)
    if pending is None or fh is None or pending.tmp is None:
        return False
    try:
        if table:
            sink_table(str(out), rows, pending.tmp)
        else:
            values, texts = rows
            _write_csv(values, texts, pending.tmp, unquoted)
        pending.finish(fh)
    except BaseException as exc:  # Ctrl-C too: no temporary file is left behind
        fh.close()
        pending.discard()
        if not isinstance(exc, Exception):
            raise
        return False  # the plain way writes again, and says by name what went wrong
    pending.commit()
    return True
