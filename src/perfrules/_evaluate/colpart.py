"""
A branch few rows take, computed on those rows only: the columnar engine's sparse branches.

A choice (``a if test else b``), a guarded step (``when:``) and the later
operands of ``and``/``or`` are computed only where they are needed: the row
engine computes them for the rows that take them and no other.  The columnar
engine computes a value under such a mask (``live``) for every row, checking
only the live rows, and reads it only on the live rows.  When few rows are
live (a supervisor's team bonus: one row in twenty), :func:`on_rows` computes
the value on the live rows alone — their values taken out of each column it
reads — and spreads it back: on a live row it is the very value the whole
column gives there (every operation is row by row; the checks count the same
rows, and an error names the same rows), and every other row holds zero or
``False``, which nothing reads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import polars as pl

from .._ir import Const, Node, Ref, walk
from .coeffs import Limit, Num
from .values import Joined

__all__ = ["MIN_ROWS", "SPARSE", "on_live", "on_rows"]

SPARSE = 4
"""A branch is computed on its own rows when at most one row in this many takes it."""
MIN_ROWS = 4096
"""Below this many rows every branch is computed over the whole column (taking rows out costs more)."""


def on_rows(
    node: Node,
    live: pl.Series | None,
    n: int,
    env: Mapping[str, Any],
    evaluate: Callable[[int, dict[str, Any]], Any],
) -> Any | None:
    """
    Return ``node``'s column computed on the ``live`` rows only (by ``evaluate(rows, values)``), or ``None``.

    ``None`` when it is not worth it (many rows live, a constant, a name, few
    rows in all) or when a value read is of a kind not taken apart here: the
    caller computes the whole column.  A :class:`Limit` names rows of the
    whole column.
    """
    if live is None or n < MIN_ROWS or isinstance(node, Const | Ref) or node.type not in ("number", "bool"):
        return None
    count = int(live.sum())
    if count * SPARSE > n:
        return None
    if not count:  # no row reads it
        return Num.constant(0, 0, n) if node.type == "number" else pl.repeat(False, n, eager=True)
    given: dict[str, Any] = {}
    for name in {x.name for x in walk(node) if isinstance(x, Ref)}:
        if name not in env:
            return None
        taken = _take(env[name], live, count)
        if taken is None:
            return None
        given[name] = taken
    at = live.arg_true()
    try:
        value = evaluate(count, given)
    except Limit as exc:
        raise Limit(_rows(exc.rows, at, n)) from None
    return _spread(value, at, n)


def on_live(fn: Callable[[Num, pl.Series | None], Num], value: Num, live: pl.Series | None, n: int) -> Num:
    """
    Return ``fn(value, live)`` (an operation row by row), computed on the ``live`` rows only when few are live.
    """
    count = n if live is None or n < MIN_ROWS else int(live.sum())
    if count * SPARSE > n:
        return fn(value, live)
    assert live is not None
    if not count:  # no row reads it
        return Num.constant(0, 0, n)
    at, taken = live.arg_true(), _take(value, live, count)
    assert isinstance(taken, Num)
    try:
        out = fn(taken, None)
    except Limit as exc:
        raise Limit(_rows(exc.rows, at, n)) from None
    spread: Num = _spread(out, at, n)
    return spread


def _rows(rows: pl.Series, at: pl.Series, n: int) -> pl.Series:
    # The rows ``rows`` marks among the rows ``at``, marked among ``n`` rows.
    return pl.repeat(False, n, eager=True).scatter(at.filter(rows), True)


def _take(value: Any, live: pl.Series, count: int) -> Any | None:
    # The live rows of a value (a number keeps its exponent and its bounds: they hold for any of its rows).
    if isinstance(value, Num):
        exp = value.scale()
        if value._k is not None and exp is not None:
            return Num.constant(value._k, exp, count)
        nz = None if value.nz is None else value.nz.filter(live)
        out = Num(value.c.filter(live), exp if exp is not None else value.e.filter(live), nz, value.bounds())
        if value.coded is not None:  # still few distinct values, at the rows' indexes
            out.coded = (value.coded[0], value.coded[1].filter(live))
        return out
    if isinstance(value, Joined):
        return Joined(value.text.filter(live))
    if isinstance(value, pl.Series):
        return value.filter(live)
    return None


def _spread(value: Any, at: pl.Series, n: int) -> Any:
    # The value on rows ``at`` of ``n`` rows; zero (False) on the others.
    if isinstance(value, pl.Series):
        return pl.repeat(False, n, eager=True).scatter(at, value)
    assert isinstance(value, Num)
    exp = value.scale()
    if value._k is not None and exp is not None:
        return Num.constant(value._k, exp, n)  # the same on every row: nothing to spread
    c = pl.repeat(0, n, dtype=value.c.dtype, eager=True).scatter(at, value.c)
    e = exp if exp is not None else pl.repeat(0, n, dtype=value.e.dtype, eager=True).scatter(at, value.e)
    nz = None if value.nz is None else pl.repeat(False, n, eager=True).scatter(at, value.nz)
    lo, hi = value.bounds()
    return Num(c, e, nz, (min(lo, 0), max(hi, 0)))
