"""
Amounts over an approval threshold held in one part of a population, as the command line holds them (W2).

When every amount asked about is known after the plan's first stage (no
population value reads into it), whether an employee's amount is held
depends on that employee's row alone, as the streamed path relies on
(:mod:`.holds`).  So each part can work its holds out by itself:
:func:`part_holds` scores the part up to the end of the first stage on the
scheme copy gated on hold inputs (:mod:`.holdcopy`), then runs the same
per-employee fixpoint as :class:`~perfrules._evaluate.holds.Holding`; the
part's rows, each with its hold inputs set (:func:`held_rows`), are then
scored in parts as any other (:mod:`.split`), so the population values
collected over all parts are those of the held values.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from .._compile import Plan, Stage
from .engine import score
from .given import given
from .holds import over_of
from .inputs import as_records
from .results import Result, layout_of

__all__ = ["Over", "PartHolds", "first_stage_holds", "held_rows", "part_holds"]

#: Each employee's amounts held: employee → adjustment → (the amount, its threshold).
Over = dict[str, dict[str, tuple[Decimal, Decimal]]]


def first_stage_holds(plan: Plan) -> bool:
    """
    Return whether every amount ``plan`` holds for approval is known after its first stage (see the module).
    """
    return all(at < plan.stages[0].width for *_, at in layout_of(plan).approvals)


class _Done(Exception):
    """Raised once the first stage's outputs are kept: the rest of the scoring is not needed."""


class _FirstStage:
    # Stands in for the population values (see .given): keeps each employee's outputs of the first
    # stage when the second would read group values, or the results of a plan of one stage.
    def __init__(self) -> None:
        self.outputs: list[tuple[str, tuple[Any, ...]]] = []

    def team_values(
        self, plan: Plan, stage: Stage, teams: Sequence[str], values: Sequence[tuple[Any, ...]], ids: Sequence[str]
    ) -> list[tuple[Any, ...]]:
        self.outputs = list(zip(ids, values, strict=True))
        raise _Done

    def group_values(self, plan: Plan, call: tuple[str, ...], env: dict[str, Any], n: int, teams: Any) -> Any:
        raise AssertionError("the first stage is scored by the row engine")  # pragma: no cover

    def distributed(self, plan: Plan, results: list[Result], rows: list[Any]) -> list[Result]:
        self.outputs = [(r.employee, r.row) for r in results]
        raise _Done


def _first_stage(plan: Plan, rows: list[dict[str, Any]], options: dict[str, Any]) -> list[tuple[str, tuple[Any, ...]]]:
    keeper = _FirstStage()
    with contextlib.suppress(_Done), given(keeper):
        results = score(plan, rows, **{**options, "engine": "row", "trace": False})
        keeper.outputs = [(r.employee, r.row) for r in results.results]
    return keeper.outputs


def _key(row: Mapping[str, Any], id_column: str) -> str:
    # The employee of a row, as score_held tells them apart (an id that is no text is the reader's to refuse).
    try:
        return str(row.get(id_column, "")).strip()
    except ValueError:
        return ""


def held_rows(
    rows: Sequence[Mapping[str, Any]], holds: Mapping[str, str], over: Over, id_column: str
) -> list[dict[str, Any]]:
    """
    Return ``rows`` with each hold input (``holds``: adjustment → input) set: 1 where ``over`` holds it, else 0.
    """
    return [
        {**row, **{h: "1" if name in over.get(_key(row, id_column), ()) else "0" for name, h in holds.items()}}
        for row in rows
    ]


@attrs.frozen
class PartHolds:
    """
    One part's holds, worked out once and reused by its later passes: its row count and each employee's amounts.

    ``pending`` holds the amounts each employee is scored with held, ``over``
    every amount asked about (employees with none left out), as :func:`part_holds` works them out.
    """

    rows: int
    pending: Over
    over: Over


def part_holds(
    plan: Plan, holds: Mapping[str, str], rows: Any, held: PartHolds | None = None, **options: Any
) -> tuple[list[dict[str, Any]], PartHolds]:
    """
    Return the rows of one part with their hold inputs set, and its holds (each employee's amounts held).

    ``plan`` is the scheme copy gated on ``holds`` (:func:`.holdcopy.held_plan`)
    and must hold on its first stage only (:func:`first_stage_holds`);
    ``options`` are :func:`perfrules.score`'s.  Each employee is held as
    :class:`~perfrules._evaluate.holds.Holding` holds them: scored again with
    every amount asked about so far held, until holding brings nothing new over.
    ``held``, this part's holds from an earlier pass over the same rows, is
    reused instead (unless its row count differs: then they are worked out again).
    """
    id_column = options.get("id_column", "employee_id")
    records = list(as_records(rows))
    if held is None or held.rows != len(records):
        held = _holds_of(plan, holds, records, id_column, options)
    # Holding's rows: scored with what is pending.
    return held_rows(records, holds, held.pending, id_column), held


def _holds_of(
    plan: Plan, holds: Mapping[str, str], records: list[Mapping[str, Any]], id_column: str, options: dict[str, Any]
) -> PartHolds:
    layout = layout_of(plan)
    over: Over = {}
    pending: Over = {}
    outputs = _first_stage(plan, held_rows(records, holds, pending, id_column), options)
    for _ in range(len(plan.scheme.adjustments()) + 1):  # as many rounds as score_held gives the population
        again = set()
        for emp, out in outputs:
            asked = over.setdefault(emp, {})
            for name, found in over_of(layout, out).items():
                asked.setdefault(name, found)
            if set(asked) - set(pending.get(emp, ())):
                pending[emp] = dict(asked)
                again.add(emp)
        if not again:
            break
        redo = [r for r in records if _key(r, id_column) in again]
        outputs = _first_stage(plan, held_rows(redo, holds, pending, id_column), options)
    # Its holds: every amount asked about.
    return PartHolds(len(records), pending, {emp: asked for emp, asked in over.items() if asked})
