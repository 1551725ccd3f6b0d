"""
Population frames to result frames, column-wise: the columnar engine's reading and writing of text.

:func:`score_frame` takes a frame of text cells (one column per input, plus
the id column), checks and parses the numbers as whole columns, evaluates the
plan, and returns the flat result rows as text — the very text the row
engine's results give.  It takes only the plain case, where its reading
provably equals the row reader's: plain decimal numbers within the metric's
bounds, clean unique ids, and results whose flat row needs nothing but the
values (no forced distribution, assessment, reasons or charges; amounts over an
approval threshold are flagged, or held with ``hold``).
Anything else returns ``None``, and the caller takes the general path.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import Any

import polars as pl

from .._compile import Plan
from .._formula import history_name
from .._kinds import points_name
from .._model import Period
from .colholds import hold_columns
from .colpeople import fill_defaults, frame_people, plain_people
from .columnar import evaluate_columns
from .fixed import Num, compare, const
from .formats import text_expr
from .history import history_values
from .results import layout_of
from .typedcols import as_texts, typed_column
from .values import Joined, by_value, split_list

__all__ = ["score_frame"]

# Within the input budget (below 10**18, no digit below 10**-28) with room to spare.
_PLAIN = r"^-?[0-9]{1,15}(\.[0-9]{1,12})?$"
_WHOLE = r"^[0-9]{1,15}$"
_ODD = set(',"\r\n')
_SIMPLE_ID = r"^[A-Za-z0-9_][A-Za-z0-9_.]*$"
# List cells whose items are already written as str(Decimal) writes them: the text is the value.
_ITEM = r"(0|[1-9][0-9]{0,20})(\.[0-9]{1,6})?"
_LIST = rf"^({_ITEM}(;{_ITEM})*)?$"


def _parse_list(plan: Plan, name: str, text: pl.Series) -> Joined | None:
    text = text.fill_null("")
    if not text.str.contains(_LIST).all():
        return None
    spec = next(s for s in plan.inputs if s.metric.name == name)
    # Each distinct cell through the row reader's own converter (levels, ranges): it must read as written.
    for cell in text.unique().to_list():
        try:
            if spec.convert(cell) != split_list(cell):
                return None
        except ValueError:
            return None
    return Joined(text)


def _history(plan: Plan, period: Period | None, n: int) -> dict[str, Any]:
    # Without a ledger there is no history: the values are the same for everyone, so one employee's stand for all.
    bools = {f.name for f in plan.scheme.flags} | {c.name for c in plan.scheme.conditions}
    kinds = {name: "bool" if name in bools else "number" for _, name, _ in plan.history}
    (row,), _ = history_values(plan, None, period, ["-"], kinds, no_history=True)
    out: dict[str, Any] = {}
    for call, value in zip(plan.history, row, strict=True):
        if isinstance(value, bool):
            out[history_name(*call)] = pl.repeat(value, n, eager=True)
        else:
            out[history_name(*call)] = const(value, n)
    return out


def _parse_all(df: pl.DataFrame, numbers: dict[str, bool]) -> dict[str, Num] | None:
    # Only text Decimal reads digit for digit: sign, digits, a point, digits (no exponent, no spaces);
    # ``numbers`` says which columns must be whole. Every column is checked, then parsed, in one query each.
    if not numbers:
        return {}
    # Integer and decimal columns (Parquet, Arrow) are numbers already: taken as stored (see .typedcols).
    stored = {name: typed_column(df[name], whole) for name, whole in numbers.items() if df[name].dtype != pl.String}
    if any(v is None for v in stored.values()):
        return None
    numbers = {name: whole for name, whole in numbers.items() if name not in stored}
    col = pl.col
    checks = df.select(
        (col(name).null_count() == 0)
        & col(name).str.contains(_WHOLE if whole else _PLAIN).all()
        & (col(name).str.len_bytes().max() <= 28)
        for name, whole in numbers.items()
    )
    if numbers and not all(checks.row(0)):
        return None
    exprs = []
    for k, (name, whole) in enumerate(numbers.items()):
        if whole:  # digits only (no sign): the text is the coefficient
            exprs.append(col(name).cast(pl.Int128).alias(f"c{k}"))
            continue
        negative = col(name).str.starts_with("-")
        parts = col(name).str.strip_prefix("-").str.split_exact(".", 1)
        frac = parts.struct.field("field_1").fill_null("")
        mag = (parts.struct.field("field_0") + frac).cast(pl.Int128)
        exprs += [
            pl.when(negative).then(pl.lit(0, dtype=pl.Int128) - mag).otherwise(mag).alias(f"c{k}"),
            (pl.lit(0, dtype=pl.Int32) - frac.str.len_bytes().cast(pl.Int32)).alias(f"e{k}"),
            (negative & (mag == 0)).alias(f"z{k}"),
        ]
    got = df.select(exprs)
    out: dict[str, Num] = {name: v for name, v in stored.items() if v is not None}
    for k, (name, whole) in enumerate(numbers.items()):
        nz = None if whole or not got[f"z{k}"].any() else got[f"z{k}"]
        out[name] = Num(got[f"c{k}"], 0 if whole else got[f"e{k}"], nz)
    return out


def _within(plan: Plan, name: str, value: Num, n: int) -> bool:
    spec = next(s for s in plan.inputs if s.metric.name == name)
    whole, non_negative = spec.kind.number_flags  # type: ignore[attr-defined]
    if non_negative and not whole and compare(value, const(Decimal(0), n), "<", None).any():
        return False
    m = spec.metric
    if getattr(spec.kind, "percent", False) and m.scale != "fraction":
        # A bare percent in points, or above 1 undeclared: the general path converts or refuses it.
        if m.scale == "points" or compare(value, const(Decimal(1), n), ">", None).any():
            return False
        if compare(value, const(Decimal(-1), n), "<", None).any():
            return False
    if m.min is not None and compare(value, const(m.min, n), "<", None).any():
        return False
    return not (m.max is not None and compare(value, const(m.max, n), ">", None).any())


def _kept(plan: Plan, columns: dict[str, Any], n: int) -> bool:
    # Whether every row keeps the scheme's declared input constraints.
    for c in plan.constraints:
        for left, op, right in c.pairs():
            a = columns[left] if isinstance(left, str) else const(left, n)
            b = columns[right] if isinstance(right, str) else const(right, n)
            if not compare(a, b, op, None).all():
                return False
    return True


def _text(value: Num) -> pl.Series:
    # str(Decimal) for exponents <= 0 with at most six zeros after the point; others come from Decimal itself.
    low, high = value.e.min(), value.e.max()
    if low == high and isinstance(low, int) and -6 <= low <= 0:
        return _text_at(value, -low)
    digits = value.c.abs().cast(pl.Utf8)
    frac = (pl.Series([0], dtype=pl.Int32) - value.e).clip(0, None)
    df = pl.DataFrame({"d": digits, "f": frac, "e": value.e, "neg": value.negative()})
    padded = pl.col("d").str.zfill(pl.col("f") + 1)
    cut = padded.str.len_bytes().cast(pl.Int64) - pl.col("f").cast(pl.Int64)
    plain = (
        pl.when(pl.col("f") == 0).then(pl.col("d")).otherwise(padded.str.slice(0, cut) + "." + padded.str.slice(cut))
    )
    signed = pl.when(pl.col("neg")).then("-" + plain).otherwise(plain)
    out = df.select(signed.alias("t")).to_series()
    adjusted = value.e + digits.str.len_bytes().cast(pl.Int32) - 1
    odd = (value.e > 0) | (adjusted < -6)
    if odd.any():
        rows = odd.arg_true().to_list()
        picked = Num(value.c.gather(rows), value.e.gather(rows), None if value.nz is None else value.nz.gather(rows))
        fixed = pl.Series([str(d) for d in picked.decimals()], dtype=pl.Utf8)
        out = out.scatter(rows, fixed)
    return out


def _text_expr(name: str, value: Num, raw: dict[str, pl.Series]) -> pl.Expr | None:
    # str(Decimal) as one expression (see .formats): the common case, exponents from 0 to -6.
    return text_expr(name, value, raw)


def _text_at(value: Num, places: int) -> pl.Series:
    # Every row has the same exponent (a rounded amount): whole part, point, and the places with their zeros.
    mag = value.c.abs()
    sign = pl.Series([""], dtype=pl.Utf8).extend_constant("-", 1).gather(value.negative().cast(pl.UInt32))
    if not places:
        bare: pl.Series = sign + mag.cast(pl.Utf8)
        return bare
    unit = pl.Series([10**places], dtype=pl.Int128)
    whole = (mag // unit).cast(pl.Utf8)
    part = (mag % unit + unit).cast(pl.Utf8).str.slice(1)
    text: pl.Series = sign + whole + "." + part
    return text


def _plain_results(plan: Plan) -> bool:
    s, layout = plan.scheme, layout_of(plan)
    if not plain_people(plan) or layout.charges or layout.assessed is not None:
        return False
    if any(b.reason for b in s.bonuses) or (s.grades is not None and s.grades.distribution is not None):
        return False
    labels = [str(t.label) for t in s.grades.tiers if t.label is not None] if s.grades is not None else []
    return not any(_ODD & set(x) or x.startswith(("=", "+", "-", "@")) for x in labels)


def _clean(e: str) -> bool:
    return bool(e) and not e[0].isspace() and not e[-1].isspace() and not _ODD & set(e) and e[0] not in "=+-@"


def score_frame(
    plan: Plan,
    df: pl.DataFrame,
    id_column: str,
    period: Period | None,
    fallback: Callable[[], None],
    *,
    hold: bool = False,
) -> pl.DataFrame | None:
    """
    Return the flat result rows of the text frame ``df`` (sorted by id), or ``None`` when it is not the plain case.

    With ``hold``, every amount over its approval threshold is held as the
    command line holds it (see :mod:`.colholds`); without, it is flagged
    ``approval_required`` as :func:`~perfrules.score` flags it.
    """
    if not _plain_results(plan) or not df.height:
        return None
    df = fill_defaults(plan, as_texts(df, {s.metric.name for s in plan.inputs if s.kind.value_type == "number"}))
    if df is None:
        return None
    if not df[id_column].is_sorted():  # (a file already in id order is not copied to sort it)
        df = df.sort(id_column)
    ids = df[id_column]
    if ids.null_count() or (ids.head(-1) == ids.tail(-1)).any():
        return None  # missing or repeated ids: the general path reports them
    # Ids a spreadsheet could take for a formula are escaped by the CSV writer: the general path writes those.
    # Plain ASCII letters, digits, '_' and '.' are clean at once; any other id is looked at one by one.
    if not ids.str.contains(_SIMPLE_ID).all() and not all(_clean(e) for e in ids.to_list()):
        return None
    n = df.height
    columns: dict[str, Any] = _history(plan, period, n) if plan.history else {}
    numbers: dict[str, bool] = {}
    for spec in plan.inputs:
        flags = getattr(spec.kind, "number_flags", None)
        if spec.kind.value_type == "list" and spec.kind.name == "list":
            joined = _parse_list(plan, spec.metric.name, df[spec.metric.name])
            if joined is None:
                return None
            columns[spec.metric.name] = joined
            continue
        if flags is None or spec.kind.value_type != "number":
            return None
        numbers[spec.metric.name] = flags[0]
    parsed = _parse_all(df, numbers)
    if parsed is None or not all(_within(plan, name, value, n) for name, value in parsed.items()):
        return None
    columns.update(parsed)
    if not _kept(plan, columns, n):
        return None  # a row breaks a declared constraint: the general path names it and refuses the input
    people = frame_people(plan, df, ids, period)
    if people is None:
        return None  # a team, date, role or relation cell the row reader would report
    columns.update(people[0])
    del df  # the text cells are parsed: only the ids are needed from here
    columns = {spec.name: columns.pop(spec.column) for spec in plan.inputs} | columns  # metrics.x when shared
    if hold and layout_of(plan).approvals:
        found = hold_columns(plan, columns, n, lambda k: str(ids[k]), fallback, people[1], _results(plan))
        return _frame(plan, found.env, ids, period, list(found.held.values()))
    env = evaluate_columns(plan, lambda: dict(columns), n, lambda k: str(ids[k]), fallback, people[1], _results(plan))
    return _frame(plan, env, ids, period)


def _results(plan: Plan) -> set[str]:
    # The values the flat result rows are made of (everything else is let go as soon as it is read).
    s = plan.scheme
    kept = {"score", "grade", *(f.name for f in s.flags)}
    kept |= {item.name for g in (s.indicators, s.sections, s.penalties, s.bonuses, s.payouts) for item in g}
    kept |= {points_name(ind.name) for ind in s.indicators if ind.weight is not None}
    for _, _, _, occ, _, at in layout_of(plan).approvals:
        kept |= {plan.outputs[i] for i in (occ, at) if i is not None}
    return kept


def _frame(
    plan: Plan, env: dict[str, Any], ids: pl.Series, period: Period | None, held: list[pl.Series] | None = None
) -> pl.DataFrame:
    s, n = plan.scheme, len(ids)
    cols: dict[str, pl.Series] = {
        "employee_id": ids,
        "period": pl.repeat(period.label if period else "", n, eager=True),
    }
    raw: dict[str, pl.Series] = {}
    texts: dict[str, pl.Expr] = {}
    # The row writer's order: contributions, then the points weighted ones weigh, then the other amounts.
    names = [
        "score",
        *(ind.name for ind in s.indicators),
        *(points_name(ind.name) for ind in s.indicators if ind.weight is not None),
        *(item.name for g in (s.sections, s.penalties, s.bonuses, s.payouts) for item in g),
    ]
    for name in names:
        fast = _text_expr(name, env[name], raw)
        if fast is None:
            cols[name] = _text(env[name])
        else:
            texts[name] = fast
    grade = env.get("grade") if plan.index.get("grade") is not None else None
    cols["grade"] = pl.repeat("", n, eager=True) if grade is None else grade.fill_null("")
    order = ["employee_id", "period", "score", "grade", *names[1:]]
    # Every column written in one query: polars formats them side by side.
    frame = pl.DataFrame({**cols, **raw}).select([texts[c] if c in texts else pl.col(c) for c in order])
    if not s.flags and not layout_of(plan).approvals:
        return frame.with_columns(pl.lit("").alias("flags"))
    raised = [pl.when(pl.lit(env[f.name])).then(pl.lit(f.name)) for f in s.flags]
    if held is None:
        raised += [pl.when(pl.lit(hit)).then(pl.lit("approval_required")) for hit in _approvals(plan, env, n)]
    else:  # held results list each amount held, and never approval_required (as score_held writes them)
        raised += [pl.when(pl.lit(hit)).then(pl.lit("approval_held")) for hit in held]
    return frame.with_columns(pl.concat_str(raised, separator=";", ignore_nulls=True).fill_null("").alias("flags"))


def _approvals(plan: Plan, env: dict[str, Any], n: int) -> list[pl.Series]:
    # Where each approval rule of the scheme asks for written approval, as the row engine's results say.
    out = []
    for _, _, limit, occ, amount, at in layout_of(plan).approvals:
        if occ is not None:
            big = partial(_over, limit)
            out.append(by_value(big, [env[plan.outputs[occ]]], "bool", None, n))
        elif amount is not None and amount > limit:
            out.append(compare(env[plan.outputs[at]], const(Decimal(0), n), "!=", None))
        else:
            out.append(pl.repeat(False, n, eager=True))
    return out


def _over(limit: Decimal, values: tuple[Decimal, ...]) -> bool:
    return any(abs(v) > limit for v in values)
