"""
The Decimal context perfrules computes in, and rounding by declared rules.
"""

from __future__ import annotations

from decimal import (
    ROUND_HALF_EVEN,
    Context,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    Underflow,
)

from .._ir import quantizer, quantizer_parts

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
