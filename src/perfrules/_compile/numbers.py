"""
The Decimal context perfrules computes in, and rounding by declared rules.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import (
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    Underflow,
)

from .._model import Rounding

__all__ = ["CONTEXT", "quantizer", "quantizer_parts"]

#: 28 significant digits; any division by zero, invalid operation, overflow
#: or underflow raises instead of giving Infinity, NaN or a silent zero. Every
#: number read is below 10^18 with no digit below 10^-28 (the input budget),
#: so exponents of -99..99 leave room for any sane product and keep every
#: result short to print. ``0 ** -n`` gives Infinity without any signal in
#: Python's decimal module; the engine refuses non-finite results itself.
#: Set once per batch.
CONTEXT = Context(
    prec=28,
    rounding=ROUND_HALF_EVEN,
    Emin=-99,
    Emax=99,
    capitals=1,
    clamp=0,
    traps=[InvalidOperation, DivisionByZero, Overflow, Underflow],
)

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
    quantum = Decimal(1).scaleb(-rule.places)
    mode = _MODES[rule.mode]

    def rounder(x: Decimal) -> Decimal:
        return x.quantize(quantum, rounding=mode)

    return rounder
