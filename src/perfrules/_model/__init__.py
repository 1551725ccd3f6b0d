"""
The domain model: frozen attrs classes with no I/O.  Change them with ``attrs.evolve``.
"""

from .elements import (
    Bonus,
    Condition,
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
from .marginal import Accelerator, RateBand
from .period import Period, PeriodKind
from .scheme import Assessed, Distribution, Grades, Param, Population, Quota, Rollup, RollupRule, Scheme, Teams
from .tiers import Bound, Column, Direction, Match, Tier, TierTable, parse_range

__all__ = [
    "Accelerator",
    "Assessed",
    "Bonus",
    "Bound",
    "Column",
    "Condition",
    "Direction",
    "Distribution",
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
    "Population",
    "Quota",
    "RateBand",
    "Rollup",
    "RollupRule",
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
