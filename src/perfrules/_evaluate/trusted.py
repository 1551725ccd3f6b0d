"""
Rows read again by a later pass of a stream: converted as the first pass converted them, not checked again.

A streamed plan with group values reads its file once per stage (see
:mod:`.stream`).  The first pass checks every cell of every row (ids, order,
duplicates, numbers, bounds, text sizes, teams, constraints) and nothing is
read again unless it found no problem, so a later pass only has to convert
the same cells into the same :class:`~perfrules._evaluate.inputs.Row` values:
:func:`trusted_feed` does that, taking each cell the way
:meth:`~perfrules._evaluate.inputs.RowChecker.feed` takes it.  Should a cell
read differently after all (the file changed between two passes), it goes
through the checker's own slow path, which names the problem, and the pass
refuses the file as the first would have.

The usual chunk (every id plain ASCII text without surrounding blanks, every
number read by the generated reader without a problem, every kept cell
text) is taken a column at a time by :func:`map`, without a Python-level
loop per row, each row's own mapping standing for its text (it holds the
kept cells among others, and a row's text is only read by name); any other
chunk goes row by row, as before.  The first pass does the same through
:func:`first_feed`: a chunk in which every check the checker makes holds
at once (ids ascending, teams named, text cells short ASCII) is taken
whole; a chunk with anything else, or with the scheme's input constraints
to keep, goes through the checker itself, which names every problem in its
order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import islice, repeat
from operator import eq, itemgetter, lt
from typing import Any

from .._compile import CellError
from .._limits import LIMITS
from .._plugins import current_format
from .inputs import Row, RowChecker, _texts

__all__ = ["first_feed", "trusted_feed"]


def trusted_feed(checker: RowChecker, rows: Sequence[Mapping[str, Any]]) -> list[Row]:
    """
    Return the rows of ``rows`` (a later pass's chunk) as ``checker.feed`` would, without checking them again.

    Only for rows an earlier pass over the same file fed to a checker of the
    same plan and found no problem in.
    """
    if current_format().is_default and rows:
        taken = _at_once(checker, rows)
        if taken is not None:
            return taken
    r = checker.r
    read, reasons, grab, id_column = checker.plan.read, r.reasons, r.grab, checker.id_column
    fast = current_format().is_default  # as feed(): a declared number format reads every cell slowly
    source, cell_limit = checker.source, LIMITS.cell_chars
    empty: dict[str, str] = {}
    make = tuple.__new__
    out: list[Row] = []
    n = checker.n - 1
    for n, row in enumerate(rows, start=checker.n):
        emp = row.get(id_column)
        if emp.__class__ is not str or not emp or emp[0].isspace() or emp[-1].isspace() or not emp.isascii():
            emp = r.employee(row, n)  # the id as the first pass took it (stripped)
        if fast:
            try:
                values = read(row)
            except (KeyError, CellError):
                values = r.slow(row, n)
        else:
            values = r.slow(row, n)
        if reasons:
            try:
                cells = grab(row)
                "".join(cells)  # every kept cell there and text: kept as it is, as feed() keeps it
            except (KeyError, TypeError):
                text = _texts(row, reasons, n, r, source, cell_limit)
            else:
                text = dict(zip(reasons, cells))  # noqa: B905 - grab() gives one cell per kept column
        else:
            text = empty
        out.append(make(Row, (emp, n, values, text)))
    checker.n = n + 1
    checker.count += len(out)
    return out


def first_feed(checker: RowChecker, rows: Sequence[Mapping[str, Any]]) -> list[Row]:
    """
    Return ``checker.feed(rows)`` for a streamed first pass (``checker`` checks ascending ids).

    A chunk in which every row passes every check is taken a column at a
    time; the checker then holds what its own ``feed`` would have left in it.
    """
    n, plan = checker.n, checker.plan
    if (
        checker.ordered
        and not checker.stopped
        and not plan.constraints
        and rows
        and n != checker.first_row  # the first row is also the header's: checked by the checker
        and n + len(rows) <= checker.first_row + LIMITS.rows
        and current_format().is_default
        and set(map(type, rows)) == {dict}
    ):
        found = _at_once(checker, rows, True)
        if found is not None:
            return found
    return checker.feed(rows)


def _at_once(checker: RowChecker, rows: Sequence[Mapping[str, Any]], checking: bool = False) -> list[Row] | None:
    # The chunk a column at a time, or None when a row needs the row-by-row path. Each test is the
    # loop's own fast-path test, asked of every row at once; the values are the ones it would give.
    # ``checking``: the first pass, which also asks every check feed() makes of a clean row.
    id_column, read, r = checker.id_column, checker.plan.read, checker.r
    try:
        emps = list(map(itemgetter(id_column), rows))
        if set(map(type, emps)) != {str} or not all(emps):
            return None
        if not "".join(emps).isascii() or not all(map(eq, emps, map(str.strip, emps))):
            return None  # (ASCII, so strip() takes off exactly what isspace() finds at either end)
        if checking:
            last = checker.last
            if (last is not None and not emps[0] > last[0]) or not all(map(lt, emps, islice(emps, 1, None))):
                return None  # not strictly ascending: a duplicate, or out of order
        values = list(map(read, rows))
        texts: Iterable[Mapping[str, Any]] = repeat({}, len(rows))
        if r.reasons:
            cells = list(map(r.grab, rows))
            joined = list(map("".join, cells))  # every kept cell there and text
            if checking:
                if not "".join(joined).isascii() or max(map(len, joined)) > LIMITS.cell_chars:
                    return None
                if r.team is not None:
                    at = r.reasons.index(r.team)
                    if not all(map(str.strip, map(itemgetter(at), cells))):
                        return None  # a row without a team
            # Each row's own mapping stands for its kept cells: every one of them is there and text, and
            # a row's text is only ever read by column name (no copy of 1,000 dicts a chunk).
            texts = rows
    except (KeyError, TypeError, CellError, AttributeError):
        return None
    n = checker.n
    out = list(map(tuple.__new__, repeat(Row), zip(emps, range(n, n + len(rows)), values, texts, strict=True)))
    if checking:
        checker.last = (emps[-1], n + len(out) - 1)
    checker.n = n + len(out)
    checker.count += len(out)
    return out
