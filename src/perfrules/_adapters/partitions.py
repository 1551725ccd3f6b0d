"""
Scoring a Dask DataFrame on a cluster: population values over all partitions, then each partition scored.

Each partition is scored by :func:`perfrules.score_part` with the group values
of the whole population, collected first in as many passes as the plan has
stages of group values (and one for a forced distribution); see
:mod:`perfrules._evaluate.split`.  Amounts over an approval threshold are held
in each partition first, as the command line holds them (see
:mod:`perfrules._evaluate.splitholds`).  Dask is an optional extra, imported only here
and only when called.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from .._cells import refuse_float_columns
from .._compile import Plan
from .._errors import CompileError, InputError, Issue
from .._evaluate import (
    PartHolds,
    PopulationValues,
    Results,
    Shipped,
    collect_part,
    first_stage_holds,
    held_plan,
    layout_of,
    part_holds,
    portable,
    require_split,
    score_part,
)
from .approvals import marked
from .write import flat_fields, result_rows

__all__ = ["population_values_dask", "result_columns", "score_dask"]

_OPTIONS = ("period", "id_column", "history", "numbers", "no_history", "any_period")


def result_columns(plan: Plan) -> list[str]:
    """
    Return the columns of the flat result rows of ``plan`` (:func:`perfrules.result_rows`), in order.
    """
    return flat_fields(layout_of(plan))


def _dask() -> Any:
    try:
        import dask
        import dask.dataframe
    except ImportError:
        raise InputError(
            [
                Issue(
                    "dask-missing",
                    "scoring a Dask DataFrame needs dask, which is not installed",
                    (),
                    hint="pip install 'perfrules[dask]'",
                )
            ],
            "dask is not installed; nothing was scored",
        ) from None
    return dask


#: The adjustments a scheme copy holds (adjustment → its hold input), or None: nothing is held.
_Holds = Mapping[str, str] | None


def _collect(
    ship: Shipped,
    part: Any,
    known: PopulationValues,
    options: dict[str, Any],
    k: int,
    holds: _Holds = None,
    held: PartHolds | None = None,
) -> tuple[PopulationValues, PartHolds | None]:
    # With holds, the partition's holds are worked out on the first pass only and handed back, so
    # that later passes and the scoring reuse them instead of scoring its first stage again.
    plan = ship.plan
    # An empty partition (a filter, a repartition) has no share; scoring it would say the input has no rows.
    if not len(part):
        return PopulationValues(), None
    options = {**options, "source": f"partition {k}"}
    if holds is None:
        return collect_part(plan, part, known, **options), None
    rows, held = part_holds(plan, holds, part, held, **options)
    return collect_part(plan, rows, known, **options), held


def population_values_dask(plan: Plan, frame: Any, **options: Any) -> PopulationValues:
    """
    Return the group values of the population in ``frame`` (a Dask DataFrame), computed on its cluster.

    ``options`` are :func:`perfrules.score`'s (``period``, ``history``...).  Each
    pass scores every partition up to the next group values and adds up their
    shares on the client: one pass per stage of group values, one more for a forced distribution.
    """
    return _population(plan, frame, None, options)[0]


def _population(
    plan: Plan, frame: Any, holds: _Holds, options: dict[str, Any]
) -> tuple[PopulationValues, list[PartHolds | None]]:
    # With ``holds`` (``plan`` is then the scheme copy gated on them), each partition holds its
    # amounts first: the shares are those of the held values, as the command line's population has them.
    dask = _dask()
    require_split(plan)
    portable(options.get("history"))
    # Refused from the frame's dtypes before any task runs, as each partition's score() would refuse it.
    refuse_float_columns(frame, "the Dask DataFrame")
    known = PopulationValues()
    parts = frame.to_delayed()
    task = dask.delayed(_collect, pure=True)
    held: list[PartHolds | None] = [None] * len(parts)  # each partition's holds, once worked out
    while not known.complete(plan):
        ship, given = Shipped(plan), dask.delayed(known)
        got = dask.compute(*[task(ship, part, given, options, k, holds, held[k]) for k, part in enumerate(parts)])
        known = known.combine(plan, [share for share, _ in got])
        held = [h for _, h in got]
    return known, held


def _score(
    part: Any,
    ship: Shipped,
    known: PopulationValues,
    options: dict[str, Any],
    columns: Sequence[str],
    holds: _Holds = None,
    held: Sequence[PartHolds | None] = (),
    partition_info: dict[str, Any] | None = None,
) -> Any:
    plan = ship.plan
    pd: Any = importlib.import_module("pandas")  # installed with dask[dataframe]; it has no type hints
    # Errors name the partition: row numbers count from its first row.
    source = f"partition {partition_info['number']}" if partition_info else "a partition"
    # This partition's holds from the first pass (part_holds works them out again if its rows changed).
    mine = held[partition_info["number"]] if partition_info and partition_info["number"] < len(held) else None
    options = {**options, "source": source}
    rows = list(result_rows(_scored(plan, part, known, holds, mine, options))) if len(part) else []
    return pd.DataFrame(rows, columns=list(columns), dtype=object) if rows else pd.DataFrame(columns=list(columns))


def _scored(
    plan: Plan, part: Any, known: PopulationValues, holds: _Holds, held: PartHolds | None, options: dict[str, Any]
) -> Results:
    if holds is None:
        return score_part(plan, part, known, **options)
    rows, mine = part_holds(plan, holds, part, held, **options)
    over = mine.over
    results = score_part(plan, rows, known, **options)
    # Flagged as score_held flags what it holds: no approval is given here, so every amount over is held.
    pending = {(emp, name) for emp, asked in over.items() for name in asked}
    return attrs.evolve(results, results=tuple(marked(r, over.get(r.employee, {}), pending, {}) for r in results))


def _ids(part: Any) -> Any:
    return part["employee_id"]


def _unique(*ids: Any) -> Any:
    # Each partition checks its own ids; an employee in two partitions would be scored twice.
    pd: Any = importlib.import_module("pandas")
    counts = pd.concat(ids, ignore_index=True).value_counts()
    twice = sorted(str(emp) for emp in counts[counts > 1].index)
    if twice:
        shown = ", ".join(repr(e) for e in twice[:10]) + (" ..." if len(twice) > 10 else "")
        raise InputError(
            [
                Issue(
                    "duplicate-employee",
                    f"{len(twice)} employee(s) appear in more than one partition: {shown}",
                    hint="keep one row per employee and period",
                )
            ],
            "employees appear in more than one partition; nothing was scored",
        )
    return True


def _checked(part: Any, ok: bool) -> Any:
    return part


def score_dask(plan: Plan, frame: Any, *, engine: str = "row", unheld: bool = False, **options: Any) -> Any:
    """
    Score a population held in a Dask DataFrame, one task per partition; return a Dask DataFrame of result rows.

    ``frame`` holds one row per employee with the same columns a CSV file would
    have (read text cells: ``dtype=str, keep_default_na=False``).  Team and
    population-wide values, ranks and a forced distribution are worked out over
    all partitions first (:func:`population_values_dask`, computed now); the
    result is lazy, with the columns of :func:`result_columns`, each partition in
    employee-id order, and equal cell for cell to scoring the whole population in
    one process.  ``options`` are :func:`perfrules.score`'s (``period``,
    ``id_column``, ``history``, ``numbers``, ``no_history``, ``any_period``);
    ``engine="columnar"`` scores each partition column-wise.  What cannot be worked
    out over parts is refused (``split-unsupported``); an employee in two
    partitions is refused (``duplicate-employee``) when the result is computed.
    Amounts over an approval threshold are held as the command line holds them
    (no approval is read): each partition holds its own employees' amounts on the
    plan's first stage, and the population values are those of the held amounts,
    so the rows equal ``perfrules score … --out`` (``approval_held`` flags
    included).  Where a held amount depends on population values, no partition
    can tell alone: that is refused (``approval-unheld``).  ``unheld=True`` asks for
    the amounts before holds, flagged ``approval_required``, as :func:`perfrules.score` gives them.
    """
    holds: _Holds = None
    if layout_of(plan).approvals and not unheld:
        if not first_stage_holds(plan):
            raise CompileError(
                [
                    Issue(
                        "approval-unheld",
                        "an amount the scheme holds over an approval threshold depends on population values, "
                        "which score_dask cannot hold partition by partition",
                        ("approval_over",),
                        hint="pass unheld=True for the amounts before holds (flagged approval_required), "
                        "or score with perfrules score / score_held to hold them",
                    )
                ],
                "score_dask cannot hold these amounts awaiting approval; nothing was scored",
            )
        plan, holds = held_plan(plan)  # scored on the copy gated on hold inputs, as the command line does
    dask = _dask()
    unknown = sorted(set(options) - set(_OPTIONS))
    if unknown:
        raise TypeError(f"score_dask() got unexpected options: {', '.join(unknown)}")
    known, held = _population(plan, frame, holds, options)
    columns = result_columns(plan)
    meta = dict.fromkeys(columns, "object")
    mine = dask.delayed(held) if holds is not None else ()  # each partition's holds, from the first pass
    scored = frame.map_partitions(
        _score, Shipped(plan), dask.delayed(known), {**options, "engine": engine}, columns, holds, mine, meta=meta
    )
    # The check and the rows read the same scored partitions: built from the frame's column of ids
    # instead, the check's graph would be optimised apart and score every partition a second time.
    parts = scored.to_delayed()
    ok = dask.delayed(_unique)(*[dask.delayed(_ids)(part) for part in parts])  # only the ids travel
    checked = [dask.delayed(_checked)(part, ok) for part in parts]
    return dask.dataframe.from_delayed(checked, meta=meta, verify_meta=False)
