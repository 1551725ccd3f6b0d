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
The cells are read in :mod:`.colparse`; the result text is written in :mod:`.colframe`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl

from .._compile import Plan
from .._formula import history_name
from .._kinds import points_name
from .._model import Period
from .colframe import result_lazy, result_parts
from .colholds import hold_columns
from .colparse import inputs_kept, parse_list, parse_numbers, within_bounds
from .colpeople import fill_defaults, frame_people, people_columns, plain_people
from .columnar import evaluate_columns
from .fixed import const
from .history import history_values
from .holdfacts import hold_facts_soon
from .results import layout_of
from .typedcols import as_texts

__all__ = ["not_plain", "score_frame"]

_ODD = set(',"\r\n')
_SIMPLE_ID = r"^[A-Za-z0-9_][A-Za-z0-9_.]*$"


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


def _plain_results(plan: Plan) -> bool:
    return not_plain(plan) is None


def not_plain(plan: Plan) -> str | None:
    """
    Return what makes the scheme of ``plan`` other than the plain case :func:`score_frame` takes, or None.
    """
    s, layout = plan.scheme, layout_of(plan)
    if not plain_people(plan) or layout.charges:
        return "the scheme has values over mentors or managers, or costs charged to them"
    if layout.assessed is not None:
        return "the scheme has an assessed: rule"
    if any(b.reason for b in s.bonuses):
        return "the scheme has a bonus with a reason"
    if s.grades is not None and s.grades.distribution is not None:
        return "the scheme has a forced distribution"
    labels = [str(t.label) for t in s.grades.tiers if t.label is not None] if s.grades is not None else []
    if any(_ODD & set(x) or x.startswith(("=", "+", "-", "@")) for x in labels):
        return "a grade's label needs quoting or escaping in a CSV file"
    return None


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
    lazy: bool = False,
    parts: bool = False,
) -> pl.DataFrame | pl.LazyFrame | tuple[pl.DataFrame, list[pl.Expr]] | None:
    """
    Return the flat result rows of the text frame ``df`` (sorted by id), or ``None`` when it is not the plain case.

    With ``hold``, every amount over its approval threshold is held as the
    command line holds it (see :mod:`.colholds`); without, it is flagged
    ``approval_required`` as :func:`~perfrules.score` flags it.  With
    ``lazy``, the rows come as a query that makes their text only when it runs
    (collected, it is the very frame; sunk to a file, no text is held whole).
    With ``parts``, that query as the pair of :func:`.colframe.result_parts`,
    so that the text can be made and written a slice of rows at a time.
    """
    if not _plain_results(plan) or not df.height:
        return None
    if hold and layout_of(plan).approvals:
        hold_facts_soon(plan)  # (a plan not seen yet: what holding needs of it is worked out beside the parsing)
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
            joined = parse_list(plan, spec.metric.name, df[spec.metric.name])
            if joined is None:
                return None
            columns[spec.metric.name] = joined
            continue
        if flags is None or spec.kind.value_type != "number":
            return None
        numbers[spec.metric.name] = flags[0]
    parsed = parse_numbers(df, numbers)
    if parsed is None or not all(within_bounds(plan, name, value, n) for name, value in parsed.items()):
        return None
    # The number cells are parsed: their text is let go at once (but a column the people are read from).
    df = df.drop(set(numbers) - {id_column, *people_columns(plan)})
    columns.update(parsed)
    if not inputs_kept(plan, columns, n):
        return None  # a row breaks a declared constraint: the general path names it and refuses the input
    people = frame_people(plan, df, ids, period)
    if people is None:
        return None  # a team, date, role or relation cell the row reader would report
    columns.update(people[0])
    del df  # the text cells are parsed: only the ids are needed from here
    columns = {spec.name: columns.pop(spec.column) for spec in plan.inputs} | columns  # metrics.x when shared
    if hold and layout_of(plan).approvals:
        found = hold_columns(plan, columns, n, lambda k: str(ids[k]), fallback, people[1], _results(plan))
        if parts:
            return result_parts(plan, found.env, ids, period, list(found.held.values()))
        rows = result_lazy(plan, found.env, ids, period, list(found.held.values()))
        return rows if lazy else rows.collect()
    env = evaluate_columns(plan, lambda: dict(columns), n, lambda k: str(ids[k]), fallback, people[1], _results(plan))
    if parts:
        return result_parts(plan, env, ids, period)
    rows = result_lazy(plan, env, ids, period)
    return rows if lazy else rows.collect()


def _results(plan: Plan) -> set[str]:
    # The values the flat result rows are made of (everything else is let go as soon as it is read).
    s = plan.scheme
    kept = {"score", "grade", *(f.name for f in s.flags)}
    kept |= {item.name for g in (s.indicators, s.sections, s.penalties, s.bonuses, s.payouts) for item in g}
    kept |= {points_name(ind.name) for ind in s.indicators if ind.weight is not None}
    for _, _, _, occ, _, at in layout_of(plan).approvals:
        kept |= {plan.outputs[i] for i in (occ, at) if i is not None}
    return kept
