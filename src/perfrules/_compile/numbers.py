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
)

from .._ir import quantizer, quantizer_parts

__all__ = ["CONTEXT", "quantizer", "quantizer_parts"]

#: 28 significant digits, and any division by zero, invalid operation or
#: overflow raises instead of giving Infinity or NaN. Set once per batch.
CONTEXT = Context(
    prec=28, rounding=ROUND_HALF_EVEN, Emin=-999_999, Emax=999_999, traps=[InvalidOperation, DivisionByZero, Overflow]
)
