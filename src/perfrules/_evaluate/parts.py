"""
The small values a result is made of: a flag raised, an amount held, a shared cost.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

__all__ = ["FlagHit", "Hold", "SharedCost"]


@attrs.frozen
class FlagHit:
    """
    An outcome that is not money, raised for one employee, with its reason.
    """

    name: str
    reason: str


@attrs.frozen
class Hold:
    """
    An amount held, not paid, until an approval is recorded (W2): the adjustment, the amount, its threshold.

    ``amount`` is the adjustment's value had it been approved (points or
    money, as the adjustment's unit says); the result's numbers leave it out.
    """

    adjustment: str
    amount: Decimal
    limit: Decimal


@attrs.frozen
class SharedCost:
    """
    One cost split between the person scored and a counterpart (P7): both sides, exactly.

    ``own + counterpart_amount == whole`` always holds, to the cent.  When the
    counterpart is a relation the population declares (``manager``),
    ``charged_to`` is the id of the employee whose own result bears
    ``counterpart_amount`` (see :attr:`Result.charges`); otherwise it is ``None``.
    """

    counterpart: str
    whole: Decimal
    own: Decimal
    counterpart_amount: Decimal
    charged_to: str | None = None
