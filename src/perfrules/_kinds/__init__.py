"""
The rule kinds: one module each, and the registry the phase drivers loop over.

Each kind checks itself, lowers itself to the intermediate representation
and words its own explanation (see :mod:`perfrules._kinds.base`).  The
registry's order is the order in which kinds are checked.
"""

from typing import Any

from .adjustment import BONUSES, HOLD_LABEL, PENALTIES, hold_gate, scheme_when
from .base import Context, Explaining, Kind, Line, limit_facts
from .grade import GRADES
from .indicator import INDICATORS, points_name
from .marginal import ACCELERATORS, marginal_total
from .payout import PAYOUTS, amount_reads
from .people import charged_to, charges_name, group_scopes, population_names, population_types
from .ranking import RANKING, key_name
from .simple import ASSESSED, CONDITIONS, ELIGIBLE, FLAGS, METRICS
from .steps import CountError, schedule_after, schedule_total, shortfall_points
from .terms import explained_terms
from .totals import SCORE, SECTIONS
from .wording import COMMON, name_text, number, value_text

__all__ = [
    "COMMON",
    "HOLD_LABEL",
    "KINDS",
    "Context",
    "CountError",
    "Explaining",
    "Kind",
    "Line",
    "amount_reads",
    "by_collection",
    "by_kind",
    "charged_to",
    "charges_name",
    "explained_terms",
    "group_scopes",
    "hold_gate",
    "key_name",
    "limit_facts",
    "marginal_total",
    "name_text",
    "number",
    "points_name",
    "population_names",
    "population_types",
    "schedule_after",
    "schedule_total",
    "scheme_when",
    "shortfall_points",
    "value_text",
]

#: Every rule kind, in the order they are checked.
KINDS: tuple[Kind[Any], ...] = (
    METRICS,
    INDICATORS,
    SECTIONS,
    PENALTIES,
    BONUSES,
    SCORE,
    GRADES,
    ACCELERATORS,
    CONDITIONS,
    PAYOUTS,
    FLAGS,
    RANKING,
    ELIGIBLE,
    ASSESSED,
)

by_collection: dict[str, Kind[Any]] = {k.collection: k for k in KINDS}
by_kind: dict[str, Kind[Any]] = {k.kind: k for k in KINDS}
