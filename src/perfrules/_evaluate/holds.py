"""
Amounts over an approval threshold held one employee at a time, as the command line holds them (W2).

The command line scores a scheme with approval rules through
``score_held``: the whole population is scored, every adjustment over its
threshold is held (an input ``hold_<adjustment>`` set to 1 on a copy of the
scheme gated on it), and the population is scored again until holding brings
nothing new over.  When every amount asked about is known after the first
stage of the plan (no population value reads into it), whether an employee's
amount is held depends on that employee's row alone: :class:`Holding` runs
that fixpoint for each employee in turn on the first stage, so the rows can
be scored in chunks and the later stages (and their population values) see
the held values, exactly as the whole population would.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from .._compile import Plan
from .engine import _run
from .inputs import Row
from .parts import Hold
from .results import Layout, layout_of

__all__ = ["Holding", "over_of", "screen"]

_ONE = Decimal(1)


def over_of(layout: Layout, row: tuple[Any, ...]) -> dict[str, tuple[Decimal, Decimal]]:
    """
    Return the adjustments of output tuple ``row`` that need approval: name → (the amount, its threshold).
    """
    out = {}
    for _, name, limit, occ, amount, at in layout.approvals:
        if occ is not None:
            big = any(abs(v) > limit for v in row[occ])
        else:
            big = amount is not None and amount > limit and row[at] != 0
        if big and row[at] != 0:
            out[name] = (row[at], limit)
    return out


def screen(layout: Layout) -> Callable[[list[tuple[Any, ...]]], list[int]]:
    """
    Return ``screen(rows)``: the positions of the output tuples ``rows`` that may have an amount to hold.

    Every row :func:`over_of` finds an amount in is among them; most rows have
    none, and this is asked of every row in every pass, so the test is written
    as one comprehension over the chunk, with each threshold and position
    bound in it (an amount fixed by the scheme is over its threshold or not
    once for all).
    """
    ns: dict[str, Any] = {"__builtins__": {}, "_max": max, "_map": map, "_abs": abs, "_enumerate": enumerate}
    terms = []
    for j, (_, _, limit, occ, amount, at) in enumerate(layout.approvals):
        if occ is not None:
            ns[f"_limit{j}"] = limit
            terms.append(f"(r[{at}] and r[{occ}] and _max(_map(_abs, r[{occ}])) > _limit{j})")
        elif amount is not None and amount > limit:
            terms.append(f"r[{at}]")
    test = " or ".join(terms) or "False"
    text = f"def screen(rows):\n    return [i for i, r in _enumerate(rows) if {test}]\n"
    exec(compile(text, "<perfrules holds>", "exec"), ns)  # noqa: S102 - positions and bound constants only
    found: Callable[[list[tuple[Any, ...]]], list[int]] = ns["screen"]
    return found


class Holding:
    """
    The hold inputs of a plan compiled with every approval adjustment gated on one, and the fixpoint over them.
    """

    def __init__(self, plan: Plan, holds: Mapping[str, str], reading: Plan) -> None:
        """
        Take ``plan`` (the scheme copy), ``holds`` (each adjustment's hold input) and ``reading``, the scheme's plan.
        """
        self.layout = layout_of(plan)
        # The rows are read as the scheme's own plan reads them (its generated reader, whose fast path
        # wants every column it reads; the data has no hold column), each hold 0 added after the inputs.
        # Should the copy's inputs not be the scheme's and then the holds, the copy reads them itself.
        names = [i.name for i in plan.inputs]
        if names == [i.name for i in reading.inputs] + list(holds.values()):
            self.reading, self.pad = reading, (Decimal(0),) * len(holds)
        else:  # pragma: no cover - the scheme copy adds its holds after the inputs
            self.reading, self.pad = plan, ()
        self.at = {name: plan.index[hold] for name, hold in holds.items()}
        #: The outputs the fixpoint reads: a pass cut down to its folds must still work them out.
        self.wanted = frozenset(a[5] for a in self.layout.approvals)
        self.rounds = len(plan.scheme.adjustments()) + 1  # as many rounds as score_held gives the population
        self.screen = screen(self.layout)

    def apply(
        self,
        plan: Plan,
        run: Callable[[tuple[Any, ...]], tuple[Any, ...]],
        rows: list[Row],
        values: list[tuple[Any, ...]],
        done: list[tuple[Any, ...]],
    ) -> tuple[list[tuple[Any, ...]], list[tuple[Hold, ...]]]:
        """
        Return the first stage's outputs with every amount over its threshold held, and each row's holds.

        ``values`` are the first stage's inputs (every hold 0) and ``done`` its
        outputs; a row is run again with its holds set, until holding brings
        nothing new over (a gate may read a held amount).
        """
        layout, at = self.layout, self.at
        held: list[tuple[Hold, ...]] = [()] * len(done)
        out = done
        for i in self.screen(done):
            asked = over_of(layout, done[i])
            if not asked:
                continue
            first = done[i]
            if out is done:
                out = list(done)
            pending: set[str] = set()
            result = first
            for n in range(self.rounds):
                if n:  # the first round's result is ``first``, whose amounts are asked already
                    for name, found in over_of(layout, result).items():
                        asked.setdefault(name, found)
                if asked.keys() <= pending:
                    break
                pending.update(asked)
                gated = list(values[i])
                for name in pending:
                    gated[at[name]] = _ONE
                result = _run(plan, run, rows[i], tuple(gated))
            out[i] = result
            held[i] = tuple(Hold(name, amount, limit) for name, (amount, limit) in sorted(asked.items()))
        return out, held
