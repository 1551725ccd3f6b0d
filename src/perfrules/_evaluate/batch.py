"""
Scoring a batch column-wise: rows in, the row engine's results out; a polars frame in, flat text rows out.

These join the columnar engine (:mod:`.columnar`) to the rest of the
evaluate phase; polars is imported only when they run.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterator
from typing import Any

from .._compile import Plan
from .._model import Period
from .columnar import evaluate_columns, require_columnar
from .inputs import Row

__all__ = ["columnar_results", "columnar_wanted", "not_plain", "read_frame", "run_columnar", "score_frame"]


def _column(values: Any, n: int) -> Iterator[Any]:
    from .fixed import Num
    from .values import Joined

    if isinstance(values, Num):
        return iter(values.decimals())
    if isinstance(values, Joined):
        return iter(values.tuples())
    return iter(values.to_list())


def run_columnar(plan: Plan, rows: list[Row], fallback: Callable[[], None]) -> list[tuple[Any, ...]]:
    """
    Return every row's output tuple (``plan.outputs`` order), computed column-wise.

    Where a value would leave the exact range, ``fallback()`` is called: it
    scores with the row engine and raises its error; if it does not raise, an
    :class:`EvaluationError` says which element and employee the columnar
    engine could not compute exactly.
    """
    from .crowds import people_of
    from .values import from_values

    def inputs() -> dict[str, Any]:
        # Inputs, then history and population values: the row engine's own reading put them in each row.
        width = len(rows[0].values) if rows else 0
        return {name: from_values([r.values[k] for r in rows]) for k, name in enumerate(plan.outputs[:width])}

    env = evaluate_columns(plan, inputs, len(rows), lambda k: rows[k].employee, fallback, people_of(plan, rows))
    columns = [_column(env[name], len(rows)) for name in plan.outputs]
    return list(builtins.zip(*columns, strict=True)) if columns else [() for _ in rows]


def columnar_wanted(plan: Plan, engine: str, trace: bool) -> bool:
    """
    Return whether to score column-wise: ``engine`` is checked, and a plan it cannot score is refused now.
    """
    if engine not in ("row", "columnar"):
        raise ValueError(f"engine must be 'row' or 'columnar', not {engine!r}")
    if engine == "columnar" and not trace:  # explanations come from the row engine
        require_columnar(plan)
        return True
    return False


def columnar_results(plan: Plan, layout: Any, checked: list[Row], label: str | None, row_engine: Any) -> list[Any]:
    """
    Return the results of ``checked`` computed column-wise, built as the row engine builds them.

    ``row_engine(plan, layout, checked, label, None, False)`` runs the row
    engine where the columnar engine stops, so that its own error is raised.
    """
    from .results import build_result

    outs = run_columnar(plan, checked, lambda: row_engine(plan, layout, checked, label, None, False))
    return [build_result(layout, row.employee, out, label) for row, out in zip(checked, outs, strict=True)]


def score_frame(
    plan: Plan,
    df: Any,
    id_column: str,
    period: Period | None,
    fallback: Callable[[], None],
    *,
    hold: bool = False,
    lazy: bool = False,
    parts: bool = False,
) -> Any:
    """
    Return the flat result rows of a polars frame of text cells, column-wise, or ``None`` when not the plain case.

    With ``hold``, amounts over an approval threshold are held as the command
    line holds them.  With ``lazy``, a polars lazy frame that makes the text
    only when collected or sunk; with ``parts``, that query as a frame of
    values and one expression per result column, to be run a slice of rows
    at a time.  See :mod:`perfrules._evaluate.columns`.
    """
    from .columns import score_frame as run

    # Handed over, not kept: a name here would hold every text cell until the results are written.
    held = [df]
    del df
    return run(plan, held.pop(), id_column, period, fallback, hold=hold, lazy=lazy, parts=parts)


def not_plain(plan: Plan) -> str | None:
    """
    Return what in the scheme of ``plan`` keeps :func:`score_frame` from scoring any frame, or None.
    """
    from .columns import not_plain as why

    return why(plan)


def read_frame(plan: Plan, parts: Any, again: Callable[[list[str]], Any], id_column: str) -> Any:
    """
    Return the polars frames of text cells ``parts`` (rows in order) as one, as :func:`score_frame` takes it.

    Each number column whose every cell is an integer written as
    ``str(Decimal)`` writes it comes as Int64 (taken as stored: the very
    number its text reads as), and its text is let go part by part; every
    other column comes as text (``again(names)`` reads such columns of every
    row once more, when a part after the first shows a cell of another kind).
    ``None`` when there are no parts.
    """
    from .colparse import read_integers
    from .colpeople import people_columns

    # The number columns score_frame parses (and not a column it reads as text too: the ids, the people's).
    texts = {id_column, *people_columns(plan), *(s.metric.name for s in plan.inputs if s.kind.value_type != "number")}
    numbers: dict[str, bool] = {}
    for spec in plan.inputs:
        flags = getattr(spec.kind, "number_flags", None)
        if spec.kind.value_type == "number" and flags is not None and spec.metric.name not in texts:
            numbers[spec.metric.name] = flags[0]
    return read_integers(parts, numbers, again)
