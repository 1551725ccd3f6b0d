"""
Sums of named terms (sections, the score, payouts): the nodes that add them, and how explanations list them.

Indicators and sections add; bonuses add and penalties subtract; what other
people's shared costs charge this person (P7) goes where their own part goes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from .._ir import NUM, Node, Ref
from .._model import Bonus, Penalty, Scheme
from .people import charged_to, charges_name

__all__ = ["explained_terms", "sum_terms"]


def sum_terms(s: Scheme, names: Sequence[str], adjs: Sequence[Penalty | Bonus]) -> tuple[tuple[int, Node], ...]:
    """
    Return the signed terms of a sum in the order :func:`explained_terms` lists them: names, adjustments, charges.

    Decimal addition rounds at 28 digits, so the order of the terms can change
    the last digit of a sum; adding them in the order the explanation states
    keeps its ``base + terms = sum`` exact.
    """
    charged = {j.name: charges_name(r, j.name) for j in adjs if (r := charged_to(s, j)) is not None}
    sign = {j.name: -1 if isinstance(j, Penalty) else 1 for j in adjs}
    own = [(sign[j.name], j.name) for j in adjs]
    others = [(sign[j.name], charged[j.name]) for j in adjs if j.name in charged]
    return tuple((sign, Ref(n, NUM)) for sign, n in [*((1, n) for n in names), *own, *others])


def explained_terms(
    env: Mapping[str, Any], names: Sequence[str], adjs: Sequence[Penalty | Bonus], charged: Mapping[str, str]
) -> list[tuple[str, Decimal]]:
    """
    Return the terms of a sum as explanations list them: ``(name, signed value)``, in the scheme's order.

    ``charged`` maps a shared cost's name to the value holding what it charges this person.
    """
    out = [(n, env[n]) for n in names] + [(j.name, env[j.name] if isinstance(j, Bonus) else -env[j.name]) for j in adjs]
    for j in adjs:
        if j.name in charged:
            key = charged[j.name]
            out.append((key, env[key] if isinstance(j, Bonus) else -env[key]))
    return out
