"""
What the scheme's declared input constraints tell the bounds analysis.

A constraint such as ``days_worked <= days_scheduled`` is kept by every row
the engine scores (the row reader refuses the others), so the analysis may
rely on it: it narrows each input's range by the other's (days worked can be
no more than the most days scheduled), and it bounds a quotient of the two
(``days_worked / days_scheduled`` is at most 1 when days scheduled is
positive), which no interval analysis of the two ranges alone can see.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, MutableMapping
from decimal import Decimal
from typing import Any

from .._ir import Arith, Node, Ref
from .._model import Scheme
from .._validate import Constraint
from .interval import ANY, Range, exact

__all__ = ["below_pairs", "charge_range", "narrow_inputs", "ratio_range"]

_ZERO = Decimal(0)
_ONE = Decimal(1)


def below_pairs(constraints: Iterable[Constraint]) -> set[tuple[str, str]]:
    """Return ``(a, b)`` for every pair of inputs the constraints say keep ``a <= b``."""
    return {(a, b) for c in constraints for a, b in c.below() if isinstance(a, str) and isinstance(b, str)}


def narrow_inputs(constraints: Iterable[Constraint], env: MutableMapping[str, Any]) -> None:
    """
    Narrow the inputs' ranges in ``env`` by the constraints: a is at most b's top, b at least a's bottom.

    Repeated until nothing changes (a chain ``a <= b <= c`` passes c's top down to a). An empty
    meet (the constraints and ranges leave no row) leaves the ranges as they were: that is never narrower.
    """
    pairs = [pair for c in constraints for pair in c.below()]
    for _ in range(len(pairs) + 1):
        changed = False
        for a, b in pairs:
            ra, rb = _range(a, env), _range(b, env)
            if ra is None or rb is None:
                continue
            new_a = ra.meet(Range(None, rb.hi))
            new_b = rb.meet(Range(ra.lo, None))
            if new_a is None or new_b is None:
                continue
            for term, old, new in ((a, ra, new_a), (b, rb, new_b)):
                if isinstance(term, str) and new != old:
                    env[term], changed = new, True
        if not changed:
            return


def _range(term: str | Decimal, env: Mapping[str, object]) -> Range | None:
    if isinstance(term, Decimal):
        return exact(term)
    found = env.get(term)
    return found if isinstance(found, Range) else None


def ratio_range(node: Arith, below: set[tuple[str, str]], num: Callable[[Node], Range]) -> Range | None:
    """
    Return a range for ``x / b`` or ``(p * x) / b`` when a constraint keeps ``0 <= x <= b`` and b is positive.

    ``x / b`` then lies in ``[0, 1]`` and ``p * x / b`` in ``p`` times that; ``None`` when the node is not
    of that shape or the constraint does not apply.
    """
    if node.op != "/" or not isinstance(node.right, Ref):
        return None
    den = node.right
    left = node.left
    factor: Node | None = None
    if isinstance(left, Ref):
        x = left
    elif isinstance(left, Arith) and left.op == "*" and isinstance(left.right, Ref):
        x, factor = left.right, left.left
    elif isinstance(left, Arith) and left.op == "*" and isinstance(left.left, Ref):
        x, factor = left.left, left.right
    else:
        return None
    if (x.name, den.name) not in below:
        return None
    rx, rb = num(x), num(den)
    if rb.lo is None or rb.lo <= 0 or rx.lo is None or rx.lo < 0:
        return None
    ratio = Range(_ZERO, _ONE)
    return ratio if factor is None else num(factor) * ratio


def charge_range(scheme: Scheme, name: str, env: Mapping[str, object]) -> Range:
    """
    Return the range of ``charges_<relation>__<adj>``: what other rows' shares of a cost charge one person.

    Each part is ``whole - own share``, summed over any number of rows, so it has no top. It is never
    negative when the whole is not and the own share cannot round above the whole: a share of at most
    1/2 rounded half-way (below half a cent a share rounds to 0, above it at most doubles), a share of at
    most 1 rounded down or not rounded at all. Otherwise nothing is known.
    """
    adj = next((a for a in scheme.adjustments() if name == f"charges_{a.counterpart}__{a.name}"), None)
    whole = env.get(f"{adj.name}.whole") if adj is not None else None
    if adj is None or adj.share is None or not isinstance(whole, Range) or whole.lo is None or whole.lo < 0:
        return ANY
    if adj.unit != "money" or scheme.money.mode in ("down", "floor"):
        limit = _ONE
    elif scheme.money.mode in ("half_up", "half_even"):
        limit = _ONE / 2
    else:
        return ANY
    return Range(_ZERO, None) if adj.share <= limit else ANY
