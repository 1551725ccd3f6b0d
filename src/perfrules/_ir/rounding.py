"""
Rounding by declared rules: the quantum and mode of a :class:`~perfrules.Rounding`.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal

from .._model import Rounding

__all__ = ["quantizer", "quantizer_parts"]

_MODES = {
    "half_up": ROUND_HALF_UP,
    "half_even": ROUND_HALF_EVEN,
    "down": ROUND_DOWN,
    "up": ROUND_UP,
    "floor": ROUND_FLOOR,
    "ceiling": ROUND_CEILING,
}


def quantizer_parts(rule: Rounding) -> tuple[Decimal, str]:
    """
    Return the quantum (``0.01`` for 2 places) and the ``decimal`` rounding mode of ``rule``.
    """
    return Decimal(1).scaleb(-rule.places), _MODES[rule.mode]


def quantizer(rule: Rounding) -> Callable[[Decimal], Decimal]:
    """
    Return a function that rounds a Decimal by ``rule`` (places and mode).
    """
    quantum, mode = quantizer_parts(rule)

    def rounder(x: Decimal) -> Decimal:
        return x.quantize(quantum, rounding=mode)

    return rounder
