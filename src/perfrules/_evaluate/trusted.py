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
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .._compile import CellError
from .._limits import LIMITS
from .._plugins import current_format
from .inputs import Row, RowChecker, _texts

__all__ = ["trusted_feed"]


def trusted_feed(checker: RowChecker, rows: Sequence[Mapping[str, Any]]) -> list[Row]:
    """
    Return the rows of ``rows`` (a later pass's chunk) as ``checker.feed`` would, without checking them again.

    Only for rows an earlier pass over the same file fed to a checker of the
    same plan and found no problem in.
    """
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
