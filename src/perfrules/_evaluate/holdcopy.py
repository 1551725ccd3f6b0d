"""
The scheme copy amounts over an approval threshold are held with (W2): each such adjustment gated on a hold input.

Holding is scoring: a held adjustment is scored as not applying, through a
gate on an input the copy adds (``hold_<adjustment>``, 1 where the amount
waits for approval, 0 where it applies as written), so every cap, floor,
rounding, grade, ranking and team rule sees the number that is paid.  The
whole-population fixpoint (``score_held``), the streamed one
(:mod:`.holds`) and the column-wise one (:mod:`.colholds`) all score this copy.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import attrs

from .._compile import Plan, compile_scheme
from .._kinds import HOLD_LABEL, hold_gate
from .._model import Bonus, Metric, Penalty, Scheme
from .results import layout_of

__all__ = ["held_plan", "hold_input", "holding_scheme"]


def hold_input(scheme: Scheme, adjustment: str) -> str:
    """
    Return the input that holds ``adjustment`` (W2): ``hold_<adjustment>``, with ``_`` added past the scheme's names.
    """
    taken = {name for _, name, _ in scheme.named()} | {m.name for m in scheme.metrics}
    name = f"hold_{adjustment}"
    while name in taken:
        name += "_"
    return name


def holding_scheme(scheme: Scheme, names: Iterable[str]) -> tuple[Scheme, dict[str, str]]:
    """
    Return ``scheme`` with each adjustment in ``names`` gated on a hold input, and each one's input name.

    The hold input (``hold_<adjustment>``, a metric from 0 to 1, default 0)
    holds the adjustment at 1 and lets it apply as written at 0.
    """
    holds = {name: hold_input(scheme, name) for name in names}
    # Labelled as the engine's, so that explanations word the adjustment's own condition without the gate.
    metrics = [Metric(h, min=Decimal(0), max=Decimal(1), default=Decimal(0), label=HOLD_LABEL) for h in holds.values()]

    def gated(adj: Penalty | Bonus) -> Any:
        return adj if adj.name not in holds else attrs.evolve(adj, when=hold_gate(adj.when, holds[adj.name]))

    variant = attrs.evolve(
        scheme,
        metrics=(*scheme.metrics, *metrics),
        penalties=tuple(gated(p) for p in scheme.penalties),
        bonuses=tuple(gated(b) for b in scheme.bonuses),
    )
    return variant, holds


def held_plan(plan: Plan) -> tuple[Plan, dict[str, str]]:
    """
    Return the plan of ``plan``'s scheme with every adjustment that has an approval threshold gated on a hold.
    """
    variant, holds = holding_scheme(plan.scheme, sorted({a[1] for a in layout_of(plan).approvals}))
    return compile_scheme(variant), holds
