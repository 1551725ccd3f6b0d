"""
The domain model: frozen attrs classes with no I/O.  Change them with ``attrs.evolve``.
"""

from .elements import (
    Bonus,
    Flag,
    Indicator,
    Metric,
    Payout,
    Penalty,
    Rounding,
    RoundingMode,
    Score,
    Section,
    Shortfall,
    Steps,
    Target,
)
from .period import Period, PeriodKind
from .scheme import Grades, Param, Scheme, Teams
from .tiers import Bound, Direction, Match, Tier, TierTable, parse_range

__all__ = [
    "Bonus",
    "Bound",
    "Direction",
    "Flag",
    "Grades",
    "Indicator",
    "Match",
    "Metric",
    "Param",
    "Payout",
    "Penalty",
    "Period",
    "PeriodKind",
    "Rounding",
    "RoundingMode",
    "Scheme",
    "Score",
    "Section",
    "Shortfall",
    "Steps",
    "Target",
    "Teams",
    "Tier",
    "TierTable",
    "parse_range",
]
