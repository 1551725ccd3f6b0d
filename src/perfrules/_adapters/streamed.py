"""
A CSV file scored into a CSV file in chunks, in constant memory (``perfrules score data.csv --out results.csv``).

The input is read as it goes, never held whole: its encoding is checked in a
first quick pass over the bytes (UTF-8, with or without a byte-order mark;
anything else is read whole as before), and each stage of the plan reads it
again (see :mod:`perfrules._evaluate.stream`).  The output goes to a temporary
file beside the target that is renamed over it only once every row is
written, so a problem found in the last row still leaves nothing half-written.
Amounts over an approval threshold are held as the command line holds them
without a ledger (see :mod:`perfrules._evaluate.holds`).  When the file
cannot be streamed (another encoding, rows not in ascending id order, a plan
with a forced distribution, history, ranks by a declared ranking, an approval
threshold on population values, JSON Lines of a scheme with approvals),
:func:`score_csv_streamed` returns ``None`` and the caller reads the whole
population as before; the results are the same either way.
"""

from __future__ import annotations

import codecs
import csv
import gc
import os
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from contextlib import suppress
from decimal import Decimal
from itertools import chain, islice
from operator import attrgetter, itemgetter, methodcaller
from pathlib import Path
from typing import Any, cast

import attrs

from .._compile import Plan
from .._errors import InputError, Issue
from .._evaluate import (
    FlatColumns,
    Holding,
    Unordered,
    build_result,
    flat_columns,
    held_plan,
    layout_of,
    mappings_maker,
    stream_problem,
    stream_scores,
)
from .._model import Period, plain_text
from .._plugins import NumberFormat
from .decode import sniff_delimiter
from .files import _check_header, _fail
from .output import STDOUT, open_pending
from .write import csv_safe, json_line
from .xlsx import TEXT_COLUMNS

__all__ = ["CsvStream", "csv_stream", "score_csv_streamed"]

_BLOCK = 1 << 20
_LINES = 1_000  # lines parsed at once while every row is the usual one
_SUFFIXES = (".csv", ".tsv", ".txt")
_RISKY = re.compile("(?:\\A|\n)[-=+@\t\r]")  # a cell a spreadsheet might run as a formula starts so
# A cell str(Decimal) writes with an exponent (1E-12, 1E+1) or as a negative zero (-0, -0.00): such a
# chunk's amounts are written as plain digits instead (an id that merely looks so costs only the time).
_ODD = re.compile(r"E[-+]\d|,-0(?:\.0*)?[,\n]")
_EMPLOYEE = attrgetter("employee")


@attrs.define(eq=False)
class CsvStream:
    """
    A CSV file read row by row as mappings from its header, with where each row starts.
    """

    path: Path
    source: str
    encoding: str
    delimiter: str
    columns: tuple[str, ...]
    lines: int
    """Lines in the file (for a progress bar's size)."""
    # Rows whose first line is not their number (a blank line or a quoted line break before them):
    # (row number, line - row number) where that difference changes.
    shifts: list[tuple[int, int]] = attrs.field(factory=list)

    def rows(self) -> Iterator[dict[str, Any]]:
        """
        Yield each row as ``csv.DictReader`` does (short rows filled with ``None``); raise on extra cells.
        """
        shifts: list[tuple[int, int]] = []
        header, width, delimiter = list(self.columns), len(self.columns), self.delimiter
        mappings = mappings_maker(header)
        with open(self.path, encoding=self.encoding, newline="") as fh:
            reader = csv.reader(fh, delimiter=delimiter)
            try:
                try:
                    next(reader)
                except csv.Error as exc:
                    raise _fail("syntax", f"not valid CSV: {exc}", self.source, line=reader.line_num) from None
                # The reader takes a line from the file only when it needs one: the lines after the header
                # are the file's own. While every row is the usual one (one line, every cell there, no
                # quote that could make a cell span lines), a block of lines is parsed and made into rows
                # at once, without a Python-level loop per row; from the first block that is not, row by row.
                done = reader.line_num  # lines read so far
                if done != 1:  # a header over several lines shifts every row: row by row from the start
                    yield from self._each(fh, done, 2, shifts)
                    return
                while lines := list(islice(fh, _LINES)):
                    block = None
                    if '"' not in "".join(lines):
                        with suppress(csv.Error):  # read again row by row below, which names the line
                            block = list(csv.reader(lines, delimiter=delimiter))
                    if block is None or len(block) != len(lines) or not all(map(width.__eq__, map(len, block))):
                        yield from self._each(chain(lines, fh), done, done + 1, shifts)
                        return
                    yield from mappings(block)
                    done += len(lines)
            finally:
                self.shifts = shifts

    def _each(self, lines: Iterator[str], done: int, n: int, shifts: list[tuple[int, int]]) -> Iterator[dict[str, Any]]:
        # Row by row from line ``done`` + 1, the first row there row ``n``, noting where rows shift.
        header, width = list(self.columns), len(self.columns)
        reader = csv.reader(lines, delimiter=self.delimiter)
        line, shift = done, 0
        try:
            for cells in reader:
                at = done + reader.line_num
                # The usual row: every cell there, on one line right after the row before (a row
                # ending on line n + shift began there too: it cannot begin before).
                if len(cells) == width and at == n + shift:
                    yield dict(zip(header, cells))  # noqa: B905 - the lengths were just compared
                    n += 1
                    continue
                line = max(line, n - 1 + shift)  # where the row before ended, had it been a usual one
                if not cells:  # a blank line is no row
                    line = at
                    continue
                if line + 1 - n != shift:
                    shift = line + 1 - n
                    shifts.append((n, shift))
                if len(cells) > width:
                    raise _fail("extra-cells", f"line {at} has more cells than the header", self.source, at)
                if len(cells) < width:  # the missing cells are None, as csv.DictReader gives them
                    yield dict(zip(header, [*cells, *[None] * (width - len(cells))], strict=True))
                else:
                    yield dict(zip(header, cells, strict=True))
                line, n = at, n + 1
        except csv.Error as exc:
            raise _fail("syntax", f"not valid CSV: {exc}", self.source, line=done + reader.line_num) from None

    def locate(self, issue: Issue) -> Issue:
        """
        Return ``issue`` with the line and column of its row and cell in the file.
        """
        path = issue.path
        if not (path and isinstance(path[0], str) and path[0].startswith("row ") and path[0][4:].isdigit()):
            return issue
        number = int(path[0][4:])
        at = bisect_right(self.shifts, (number, float("inf"))) - 1
        line = number + (self.shifts[at][1] if at >= 0 else 0)
        column = self.columns.index(str(path[1])) + 1 if len(path) > 1 and str(path[1]) in self.columns else None
        return attrs.evolve(issue, source=self.source, line=line, column=column)


def csv_stream(path: str | os.PathLike[str], delimiter: str | None = None) -> CsvStream | None:
    """
    Return ``path`` ready to be read row by row, or ``None`` when it must be read whole (see the module).
    """
    p = Path(path)
    if p.suffix.lower() not in _SUFFIXES or not p.is_file():
        return None
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines, head = 0, b""
    try:
        with p.open("rb") as fh:
            while block := fh.read(_BLOCK):
                if not head:
                    head = block[:65536]
                lines += block.count(b"\n")
                decoder.decode(block)
            decoder.decode(b"", final=True)
    except (OSError, UnicodeDecodeError):
        return None  # read whole: the general reader names the problem or detects the encoding
    if not head or b"\x00" in head[:4096]:
        return None
    encoding = "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
    text = head.decode(encoding, errors="ignore")
    if not text.strip():
        return None
    try:
        sep = sniff_delimiter(text if len(head) < 65536 else text.rsplit("\n", 1)[0], str(p), delimiter)
        header = next(csv.reader(text.splitlines()[:1], delimiter=sep), [])
        _check_header(header, str(p))
    except (InputError, csv.Error):
        return None
    return CsvStream(p, str(p), encoding, sep, tuple(header), lines)


def score_csv_streamed(
    plan: Plan,
    data: str | os.PathLike[str],
    out: str,
    *,
    period: Period | None,
    id_column: str = "employee_id",
    numbers: NumberFormat | None = None,
    no_history: bool = False,
    delimiter: str | None = None,
    progress: Any = None,
    chunk: int = 1_000,
    explain: bool = False,
) -> int | None:
    """
    Score the CSV file ``data`` into the CSV file ``out`` in chunks; return how many rows were written.

    Returns ``None``, having written nothing, when the input or the plan cannot
    be streamed; the caller then scores the whole population.  Raises
    :class:`InputError` (with each problem's line and column) or
    :class:`EvaluationError` as :func:`perfrules.score` does; ``out`` is then untouched.
    """
    suffix = Path(out).suffix.lower()
    if out == STDOUT or suffix not in (".csv", ".jsonl") or stream_problem(plan, no_history) is not None:
        return None
    approvals = layout_of(plan).approvals
    if approvals and suffix != ".csv":
        return None  # JSON Lines list the hold inputs of the adjustments held anywhere: read whole
    source = csv_stream(data, delimiter)
    if source is None:
        return None
    holding, scored = None, plan
    if approvals:  # held as the command line holds them (see _evaluate/holds.py): on a scheme copy
        scored, holds = held_plan(plan)
        holding = Holding(scored, holds, plan)  # read by plan: a column named like a hold is not read

    pending, fh = open_pending(out)
    if pending is None or fh is None:
        return None
    done = 0
    # Nothing the chunks build refers back to itself: reference counting frees each chunk, and
    # the cycle collector, which would walk every live tuple again and again, is not needed.
    collecting = gc.isenabled()
    gc.disable()
    try:
        label = period.label if period else None
        explained = explain and suffix == ".jsonl"
        if suffix == ".jsonl":
            write = _lines(fh, plan, label, explained)
        else:
            write = _writer(fh, flat_columns(layout_of(scored)), label)
        if progress is not None:
            progress.phase("scoring", max(source.lines - 1, 0))
        for rows, outs, traces, held in stream_scores(
            scored,
            source.rows,
            period=period,
            id_column=id_column,
            source=source.source,
            numbers=numbers,
            no_history=no_history,
            progress=progress,
            chunk=chunk,
            trace=explained,
            holding=holding,
            expected=max(source.lines - 1, 0),
        ):
            write(rows, outs, traces, held)
            done += len(rows)
        pending.finish(fh)
        pending.commit()
    except Unordered:
        pending.discard()
        return None
    except InputError as exc:
        pending.discard()
        raise InputError([source.locate(i) for i in exc.issues], str(exc).split("\n", 1)[0]) from None
    finally:
        pending.discard()
        if collecting:
            gc.enable()
    return done


def _lines(fh: Any, plan: Plan, period: str | None, explain: bool) -> Callable[[list[Any], list[Any], Any, Any], None]:
    # JSON Lines: one result per line, as render_results writes them, with its explanation when asked.
    layout = layout_of(plan)
    head = {"scheme": plan.scheme.name, "scheme_digest": plan.digest}
    detail = plan if explain else None

    def write(rows: list[Any], outs: list[Any], traces: list[Any] | None, _: Any) -> None:
        facts = traces if traces is not None else [None] * len(rows)
        fh.write(
            "".join(
                json_line(head, build_result(layout, r.employee, o, period, t), detail)
                for r, o, t in zip(rows, outs, facts, strict=True)
            )
        )

    return write


def _writer(fh: Any, columns: FlatColumns, period: str | None) -> Callable[[list[Any], list[Any], Any, Any], None]:
    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow(columns.fields)
    # The amounts are handed to the writer as values: it writes str() of each, as the whole path does.
    make = columns.chunk_maker(period)
    made = columns.held_maker(period, raw=True)
    text = [(k, itemgetter(k)) for k, name in enumerate(columns.fields) if name in TEXT_COLUMNS]
    # Ids, grades and flags rarely start like a formula: each column is checked at once (joined by line
    # breaks, the start of any cell is the start of the text or of a line), and only such a cell is changed.
    risky = ("=", "+", "-", "@", "\t", "\r")
    starts = methodcaller("startswith", risky)
    put = _putter(fh, writer, len(columns.fields))

    def write(rows: list[Any], outs: list[Any], _: Any, held: list[Any] | None) -> None:
        cells: list[Any]
        if held is None:
            cells = cast("list[Any]", make(list(map(_EMPLOYEE, rows)), outs))
        else:
            cells = [made(r.employee, o, len(h)) for r, o, h in zip(rows, outs, held, strict=True)]
        for k, get in text:
            try:
                found = _RISKY.search("\n".join(map(get, cells))) is not None
            except TypeError:
                found = any(map(starts, map(get, cells)))
            if found:
                for j, row in enumerate(cells):
                    if row[k].startswith(risky):
                        cells[j] = [*row[:k], csv_safe(row[k]), *row[k + 1 :]]
        put(cells)

    return write


def _putter(fh: Any, writer: Any, width: int) -> Callable[[list[Any]], None]:
    # Write a chunk's rows of ``width`` cells as ``writer`` (a csv.writer on ``fh``, "," and "\n") would.
    lines, commas = _csv_lines(width), width - 1

    def put(cells: list[Any]) -> None:
        # The lines as csv.writer writes them when no cell needs quotes: str() of each cell, joined by
        # commas. Only when the text shows that none did (no quote, line break or NUL in any cell, one
        # comma fewer than cells a line) and that no cell was None (which csv.writer writes empty);
        # otherwise csv.writer writes the chunk itself.
        try:
            written = lines(cells)
            if _odd(written):
                cells = _plain_cells(cells)
                written = lines(cells)
        except ValueError:  # a row of another width
            writer.writerows(_plain_cells(cells))
            return
        if (
            written.count(",") == commas * len(cells)
            and written.count("\n") == len(cells)
            and '"' not in written
            and "\r" not in written
            and "\x00" not in written
            and "None" not in written
        ):
            fh.write(written)
        else:
            writer.writerows(_plain_cells(cells))

    return put


def _odd(written: str) -> bool:
    # Substring tests first: a search of the pattern costs ~2 ms a chunk, the tests a tenth of that ("E" is
    # one memchr). A negative zero is an amount, so it follows a comma ("-0" alone is in every period, 2026-04).
    if ("E" in written and ("E+" in written or "E-" in written)) or ",-0" in written:
        return _ODD.search(written) is not None
    return False


def _plain_cells(cells: list[Any]) -> list[list[Any]]:
    # A chunk's rows with every amount as plain digits (what the fast lines would write by str()).
    return [[plain_text(c) if isinstance(c, Decimal) else c for c in row] for row in cells]


def _csv_lines(width: int) -> Callable[[list[Any]], str]:
    # A chunk's rows of ``width`` cells as text: each cell's str() (what csv.writer writes of a cell that
    # needs no quotes), joined by commas, a line each.
    cells = "".join(f"c{k}, " for k in range(width))
    line = ",".join(f"{{c{k}!s}}" for k in range(width))
    source = f'def lines(rows):\n    return "".join([f"{line}\\n" for {cells}in rows])\n'
    ns: dict[str, Any] = {"__builtins__": {}}
    exec(compile(source, "<perfrules csv lines>", "exec"), ns)  # noqa: S102 - numbered names only
    made: Callable[[list[Any]], str] = ns["lines"]
    return made
