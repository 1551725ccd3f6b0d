"""
How a decimal is written in every output: plain positional digits, never an exponent, never ``-0``.

A payslip shows ``0.000000000001`` and ``10``, not ``1E-12`` or ``1E+1``:
``str(Decimal)`` writes an exponent for a value with more than six zeros
after the point or a positive exponent, so every writer goes through
:func:`plain_text`.  The places a value carries are kept (``10.00`` stays
``10.00``), and a zero is written without a sign (``-0.00`` is ``0.00``):
a negative zero is the same amount, and a sign on it reads as a debt.
"""

from __future__ import annotations

from contextlib import suppress
from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = ["plain_again", "plain_text"]


def plain_text(value: Decimal) -> str:
    """
    Return ``value`` as plain digits: its exact value and places, no exponent, no sign on a zero.
    """
    text = str(value)
    # str() is the fast common case; only an exponent or a leading "-0" (a negative zero, or -0.5) is looked at.
    if "E" in text or text.startswith("-0"):
        if value.is_zero():
            value = value.copy_abs()
        return format(value, "f")
    return text


def plain_again(value: Any) -> Any:
    """
    Return stored text (or a list of it) written by ``str(Decimal)`` as :func:`plain_text` writes it now.

    Anything that is not such a number (other text, ``None``) is returned as it is.
    """
    if isinstance(value, list):
        return [plain_again(v) for v in value]
    with suppress(InvalidOperation):
        if isinstance(value, str) and ("E" in value or value.startswith("-0")) and Decimal(value).is_finite():
            return plain_text(Decimal(value))
    return value
