"""
Reading population files: CSV (any common encoding and delimiter), JSON, and Excel workbooks.

Every format gives rows of text keyed by the header, so one number grammar
and one date grammar apply whatever the file (docs/reference/input-files.md).
"""

from __future__ import annotations

import csv
import functools
import io
import json
import os
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from .._errors import InputError, Issue
from .arrowfiles import ARROW_SUFFIXES, read_arrow
from .decode import decode_text, sniff_delimiter
from .xlsx import read_xlsx

__all__ = ["Table", "read_population", "read_table"]


@attrs.frozen(eq=False)
class Table:
    """
    One population file read: its rows, its columns, and how it was read.
    """

    source: str
    columns: tuple[str, ...]
    rows: list[dict[str, Any]]
    encoding: str | None = None
    """The text encoding (declared or detected); None for workbooks."""
    delimiter: str | None = None
    lines: tuple[int, ...] | None = None
    """The line (CSV) or sheet row (workbook) each row starts on; None for JSON."""

    def locate(self, issue: Issue, number: int | None = None) -> Issue:
        """
        Return ``issue`` (about this table's row ``number``, 2 for the first) with its line and column in the file.
        """
        path = issue.path
        if number is None:
            if not (path and isinstance(path[0], str) and path[0].startswith("row ") and path[0][4:].isdigit()):
                return issue
            number = int(path[0][4:])
        k = number - 2
        if self.lines is None or not 0 <= k < len(self.lines):
            return attrs.evolve(issue, source=self.source)
        column = self.columns.index(str(path[1])) + 1 if len(path) > 1 and str(path[1]) in self.columns else None
        return attrs.evolve(issue, source=self.source, line=self.lines[k], column=column)


def _fail(code: str, message: str, source: str, line: int | None = None, hint: str | None = None) -> InputError:
    return InputError([Issue(code, message, source=source, line=line, hint=hint)])


def _check_header(header: list[str], source: str) -> None:
    if not any(h.strip() for h in header):
        raise _fail(
            "empty-input", "the file is empty", source, hint="start with a header line: employee_id,<metric>,..."
        )
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise _fail("duplicate-column", f"column(s) {', '.join(dupes)} appear twice in the header", source, line=1)


def _records(header: list[str], body: list[list[str]], source: str) -> list[dict[str, Any]]:
    width, rows = len(header), []
    for n, cells in enumerate(body, start=2):
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            raise _fail("extra-cells", f"line {n} has more cells than the header", source, line=n)
        rows.append(dict(zip(header, cells, strict=False)))
    return rows


def _csv(
    text: str, source: str, delimiter: str, tick: Callable[[int], None] | None
) -> tuple[list[str], list[dict[str, Any]], tuple[int, ...]]:
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    starts: list[int] = []
    try:
        header = list(reader.fieldnames or [])
        _check_header(header, source)
        rows = []
        line = reader.line_num
        for row in reader:
            if None in row:
                raise _fail(
                    "extra-cells", f"line {reader.line_num} has more cells than the header", source, reader.line_num
                )
            rows.append(row)
            starts.append(line + 1)  # a quoted cell may span lines: a row starts after the last one ended
            line = reader.line_num
            if tick is not None and len(rows) % 10_000 == 0:
                tick(line)
    except csv.Error as exc:
        raise _fail("syntax", f"not valid CSV: {exc}", source, line=reader.line_num) from None
    return header, rows, tuple(starts)


def _int(text: str) -> int | str:
    return int(text) if len(text) <= 40 else text


def _json_rows(text: str, source: str) -> list[dict[str, Any]]:
    try:
        # A long integer stays text: int() of over 4,300 digits raises, and the
        # cell's converter refuses it by the number budget anyway.
        data = json.loads(text, parse_float=Decimal, parse_int=_int)
    except json.JSONDecodeError as exc:
        raise InputError(
            [Issue("syntax", f"not valid JSON: {exc.msg}", source=source, line=exc.lineno, column=exc.colno)]
        ) from None
    except (RecursionError, ValueError) as exc:  # nesting too deep for the parser
        raise InputError([Issue("syntax", f"not valid JSON: {str(exc)[:200]}", source=source)]) from None
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise InputError([Issue("wrong-type", "a JSON population must be a list of objects", source=source)])
    return data


def _lines(progress: Callable[[int, int], None], total: int, line: int) -> None:
    progress(line, total)


def read_table(
    path: str | os.PathLike[str],
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Table:
    """
    Read a population file: ``.csv`` (``.tsv``, ``.txt``) with a header, ``.json``, ``.xlsx``, ``.parquet``, ``.arrow``.

    ``encoding`` and ``delimiter`` are detected unless given.  ``progress(line, lines)``
    is called every 10,000 rows of a CSV file.  Raises :class:`InputError` for a
    missing, empty, undecodable or malformed file.
    """
    p = Path(path)
    source = str(p)
    suffix = p.suffix.lower()
    if not p.is_file():
        raise _fail("file-not-found", f"no such file: {p}", source)
    if suffix in (".xlsx", ".xlsm") or suffix in ARROW_SUFFIXES:
        header, body = read_xlsx(p, source) if suffix in (".xlsx", ".xlsm") else read_arrow(p, source)
        _check_header(header, source)
        rows = _records(header, body, source)
        return Table(source, tuple(header), rows, lines=tuple(range(2, len(rows) + 2)))
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise _fail("file-unreadable", f"cannot read {p}: {exc.strerror}", source) from None
    text, used = decode_text(data, source, encoding)
    if not text.strip():
        raise _fail(
            "empty-input", "the file is empty", source, hint="start with a header line: employee_id,<metric>,..."
        )
    if suffix == ".json":
        rows = _json_rows(text, source)
        return Table(source, tuple(rows[0]) if rows else (), rows, used)
    sep = sniff_delimiter(text, source, delimiter)
    total = text.count("\n") + 1
    tick = None if progress is None else functools.partial(_lines, progress, total)
    header, rows, starts = _csv(text, source, sep, tick)
    return Table(source, tuple(header), rows, used, sep, starts)


def read_population(
    path: str | os.PathLike[str], *, encoding: str | None = None, delimiter: str | None = None
) -> list[dict[str, Any]]:
    """
    Read a population file's rows (see :func:`read_table`).
    """
    return read_table(path, encoding=encoding, delimiter=delimiter).rows
