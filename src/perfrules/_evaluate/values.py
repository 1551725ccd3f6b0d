"""
A pure function over columns, called once per distinct argument: exact, because it is the very function.

Rule kinds lower some values to functions (a schedule, a shortfall scorer, a
tier table with gaps, a grade's values column) that have no column form.
Their functions are pure, so calling one once for each distinct tuple of
arguments — with the Decimal that argument is, exponent and sign of zero
included, in the row engine's context — gives exactly what the row engine
gets row by row.  It is fast when values repeat (counts, scores, ratings) and
no slower than the row engine when they do not.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, localcontext
from typing import Any

import polars as pl

from .._compile import CONTEXT
from .fixed import Limit, Num, from_decimals

__all__ = ["Joined", "by_value", "from_values", "split_list"]


class Joined:
    """
    A column of lists of decimals, each row its Decimals' exact texts joined by ``;`` (``""`` for none).
    """

    __slots__ = ("text",)

    def __init__(self, text: pl.Series) -> None:
        self.text = text

    def tuples(self) -> list[tuple[Decimal, ...]]:
        """
        Return each row's list as the tuple of Decimals the row engine holds.
        """
        return [split_list(t) for t in self.text.to_list()]


def split_list(text: str) -> tuple[Decimal, ...]:
    """
    Return the tuple of Decimals a joined list text holds.
    """
    return tuple(Decimal(x) for x in text.split(";")) if text else ()


def from_values(values: list[Any]) -> Any:
    """
    Return a column of values the row engine computed (numbers, flags, lists, texts), exactly.

    A missing value (``None``) or one of another kind is refused with :class:`Limit`.
    """
    missing = [v is None for v in values]
    if any(missing):
        raise Limit(pl.Series(missing, dtype=pl.Boolean))
    first = values[0] if values else Decimal(0)
    if isinstance(first, bool) and all(isinstance(v, bool) for v in values):
        return pl.Series(values, dtype=pl.Boolean)
    if isinstance(first, Decimal) and all(isinstance(v, Decimal) for v in values):
        return from_decimals(values)
    if isinstance(first, tuple) and all(isinstance(v, tuple) for v in values):
        return Joined(pl.Series([";".join(map(str, v)) for v in values], dtype=pl.Utf8))
    if isinstance(first, str) and all(isinstance(v, str) for v in values):
        return pl.Series(values, dtype=pl.Utf8)
    raise Limit(pl.repeat(True, len(values), eager=True))


def _keys(args: list[Any]) -> dict[str, pl.Series]:
    cols: dict[str, pl.Series] = {}
    for k, a in enumerate(args):
        if isinstance(a, Num):
            cols[f"c{k}"], cols[f"e{k}"] = a.c, a.e
            cols[f"z{k}"] = a.nz if a.nz is not None else pl.repeat(False, len(a), eager=True)
        elif isinstance(a, Joined):
            cols[f"v{k}"] = a.text
        else:
            cols[f"v{k}"] = a
    return cols


def _decoded(args: list[Any], row: dict[str, Any]) -> list[Any]:
    out: list[Any] = []
    for k, a in enumerate(args):
        if isinstance(a, Num):
            out.append(Decimal(f"{'-' if row[f'z{k}'] else ''}{row[f'c{k}']}E{row[f'e{k}']}"))
        elif isinstance(a, Joined):
            out.append(split_list(row[f"v{k}"]))
        else:
            out.append(row[f"v{k}"])
    return out


def by_value(fn: Callable[..., Any], args: list[Any], kind: str, live: pl.Series | None, n: int) -> Any:
    """
    Return ``fn(*args)`` for every row (a :class:`Num` for numbers), calling ``fn`` once per distinct argument tuple.

    Only ``live`` rows are computed (others hold a placeholder); an arithmetic
    error of ``fn`` on a live row raises :class:`Limit`, and the row engine
    then reports it.
    """
    if args and kind == "number" and all(isinstance(a, Num) for a in args):
        small = _by_code(fn, args, live, n)
        if small is not None:
            return small
    frame = pl.DataFrame(_keys(args)) if args else pl.DataFrame({"_": pl.repeat(0, n, eager=True)})
    keys = frame.columns
    wanted = frame if live is None else frame.filter(live)
    distinct = wanted.unique(maintain_order=True)
    results: list[Any] = []
    with localcontext(CONTEXT):
        for row in distinct.iter_rows(named=True):
            try:
                results.append(fn(*_decoded(args, row)))
            except ArithmeticError:
                raise Limit(pl.repeat(True, n, eager=True) if live is None else live) from None
    if kind == "number":
        placeholder = Decimal(0)
        got = from_decimals([placeholder if r is None else r for r in results])
        table = distinct.with_columns(_rc=got.c, _re=got.e, _rz=got.nz if got.nz is not None else False)
    elif kind == "bool":
        table = distinct.with_columns(_rv=pl.Series(results, dtype=pl.Boolean))
    elif kind == "list":
        # A list of Decimals as their exact texts (str(Decimal) reads back digit for digit, exponent and sign).
        if not all(r is None or (isinstance(r, tuple) and all(isinstance(x, Decimal) for x in r)) for r in results):
            raise Limit(pl.repeat(True, n, eager=True) if live is None else live)
        texts = [";".join(map(str, r)) if r is not None else "" for r in results]
        table = distinct.with_columns(_rv=pl.Series(texts, dtype=pl.Utf8))
    else:
        table = distinct.with_columns(_rv=pl.Series(results, dtype=pl.Utf8))
    joined = frame.join(table, on=keys, how="left", maintain_order="left")
    if kind == "number":
        zero = pl.Series([0], dtype=pl.Int128)
        c = joined["_rc"].fill_null(zero)
        return Num(c, joined["_re"].fill_null(0), joined["_rz"].fill_null(False))
    if kind == "list":
        return Joined(joined["_rv"].fill_null(""))
    return joined["_rv"]


def _by_code(fn: Callable[..., Any], args: list[Num], live: pl.Series | None, n: int) -> Num | None:
    # Arguments of one exponent each and few possible values together (counts of breaches, ratings): each
    # row's tuple of values, less the least of each, is a position in a table of results, read without a
    # join. None when that does not apply.
    exps, lows, sizes = [], [], []
    for x in args:
        exp, (lo, hi) = x.scale(), x.bounds()
        if exp is None or x.nz is not None:
            return None
        exps.append(exp)
        lows.append(lo)
        sizes.append(hi - lo + 1)
    size = 1
    for width in sizes:
        size *= width
    if size * 2 > n:
        return None
    key = pl.Series([0], dtype=pl.Int128)
    for x, lo, width in zip(args, lows, sizes, strict=True):
        if width > 1:  # (a constant adds nothing to the position)
            key = key * pl.Series([width], dtype=pl.Int128) + (x.c - pl.Series([lo], dtype=pl.Int128))
    if len(key) != n:
        return None  # every argument a constant: the general form
    key = key.cast(pl.Int64)
    distinct = (key if live is None else key.filter(live)).unique()
    if not len(distinct):
        return None
    results = []
    with localcontext(CONTEXT):
        for code in distinct.to_list():
            values, rest = [], code
            for lo, width, exp in zip(reversed(lows), reversed(sizes), reversed(exps), strict=True):
                rest, at = divmod(rest, width)
                values.append(Decimal(lo + at).scaleb(exp))
            try:
                results.append(fn(*reversed(values)))
            except ArithmeticError:
                raise Limit(pl.repeat(True, n, eager=True) if live is None else live) from None
    if not all(isinstance(r, Decimal) for r in results):
        return None  # (a missing value or another kind: the general form says so)
    table = from_decimals(results)
    at = (
        pl.repeat(0, size, dtype=pl.UInt32, eager=True)
        .scatter(distinct, pl.int_range(len(distinct), dtype=pl.UInt32, eager=True))
        .gather(key)
    )
    exp_out = table.scale()
    nz = None if table.nz is None else table.nz.gather(at)
    return Num(table.c.gather(at), table.e.gather(at) if exp_out is None else exp_out, nz, table.bounds())
