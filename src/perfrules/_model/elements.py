"""
The scheme's elements: metrics, indicators, sections, penalties, bonuses, payouts, flags.

Formulas are kept here as plain text; the compile phase parses and checks
them.  Every element that is referenced from formulas has a ``name`` that is a
valid formula identifier.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar, Literal

import attrs

from . import validators as v
from .tiers import Direction, Tier

__all__ = [
    "Bonus",
    "Condition",
    "Flag",
    "Indicator",
    "Metric",
    "Payout",
    "Penalty",
    "Rounding",
    "RoundingMode",
    "Score",
    "Section",
    "Shortfall",
    "Steps",
    "Target",
]

RoundingMode = Literal["half_up", "half_even", "down", "up", "floor", "ceiling"]
Steps = Literal["whole", "started", "exact"]


@attrs.frozen
class Rounding:
    """
    A declared rounding rule: decimal places and mode (``half_up`` unless said).
    """

    places: int = attrs.field(
        default=2,
        validator=attrs.validators.and_(
            attrs.validators.instance_of(int), attrs.validators.ge(0), attrs.validators.le(10)
        ),
    )
    mode: RoundingMode = "half_up"


@attrs.frozen
class Metric:
    """
    An input read from each employee's row, or a value derived by ``formula`` (M1, M2).

    ``type`` names a metric type from the registry (``number``, ``count``,
    ``money``, ``percent``, ``ratio``, ``rating``, ``list`` or a plugin's);
    ``min``/``max`` bound valid inputs; ``default`` fills an empty cell;
    ``scale`` says how a ``percent`` cell without ``%`` reads.
    """

    name: str = attrs.field(validator=v.identifier)
    type: str = "number"
    formula: str | None = None
    label: str | None = None
    unit: str | None = None
    min: Decimal | None = attrs.field(default=None, converter=v.optional_exact, validator=v.optional_decimal)
    max: Decimal | None = attrs.field(default=None, converter=v.optional_exact, validator=v.optional_decimal)
    default: Decimal | None = attrs.field(default=None, converter=v.optional_exact, validator=v.optional_decimal)
    scale: Literal["fraction", "points"] | None = None
    """How a ``percent`` cell written without ``%`` reads: ``fraction`` (``0.85`` and ``1.2`` as written),
    ``points`` (``85`` is 85%, 0.85). Undeclared, such a cell above 1 (or below -1) is an error, since
    ``85`` could mean either."""

    @property
    def derived(self) -> bool:
        """
        Whether the metric is computed from a formula rather than read from input.
        """
        return self.formula is not None


@attrs.frozen
class Target:
    """
    Ratio-to-target scoring (S4).

    Points are ``actual / target × 100``, or ``(1 − actual / target) × 100``
    when lower is better.
    """

    target: str
    direction: Direction = "higher_is_better"


@attrs.frozen
class Shortfall:
    """
    Points off per unit of shortfall from full marks (S5).

    ``full`` points are earned at or beyond ``target``; every ``per`` units
    short (or over, when lower is better) costs ``deduct`` points.  ``steps``
    says how part units count: ``whole`` (only complete units), ``started``
    (any started unit costs a full deduction) or ``exact`` (proportional).
    Points never go below zero.
    """

    target: Decimal = attrs.field(converter=v.exact, validator=v.decimal)
    per: Decimal = attrs.field(converter=v.optional_exact, validator=v.positive)
    deduct: Decimal = attrs.field(converter=v.exact, validator=v.decimal)
    full: Decimal = attrs.field(converter=v.exact, validator=v.decimal)
    direction: Direction = "higher_is_better"
    steps: Steps = "whole"


@attrs.frozen
class Indicator:
    """
    One scored indicator: an input turned into points by exactly one scorer.

    Scorers: ``table`` (name of a tier table), ``tiers`` (an inline table),
    ``target`` (S4), ``shortfall`` (S5) or ``formula`` (points computed
    directly).  Its contribution is ``points × weight / 100`` when ``weight``
    is given, else the points.  ``veto`` is a condition that zeroes the
    section it belongs to, or the whole score (S7).
    """

    name: str = attrs.field(validator=v.identifier)
    input: str | None = None
    table: str | None = None
    tiers: tuple[Tier, ...] | None = attrs.field(default=None, validator=v.nonempty)
    target: Target | None = None
    shortfall: Shortfall | None = None
    formula: str | None = None
    weight: Decimal | None = attrs.field(default=None, converter=v.optional_exact, validator=v.optional_decimal)
    section: str | None = None
    cap: Decimal | None = attrs.field(default=None, converter=v.optional_exact, validator=v.optional_decimal)
    floor: Decimal | None = attrs.field(default=None, converter=v.optional_exact, validator=v.optional_decimal)
    veto: str | None = None
    label: str | None = None
    kind: Literal["hard", "soft"] = "hard"

    SCORERS: ClassVar[tuple[str, ...]] = ("table", "tiers", "target", "shortfall", "formula")

    def scorers(self) -> tuple[str, ...]:
        """
        Return the names of the scorers that are set (exactly one is valid).
        """
        return tuple(s for s in self.SCORERS if getattr(self, s) is not None)


@attrs.frozen
class Section:
    """
    A group of indicators and point adjustments (a dimension or category).

    Its value is ``base + Σ contributions ± adjustments``, kept within
    ``floor``/``cap`` (S6: a floor of 0 is "deduct down to zero and no
    further"), zeroed when ``veto`` holds, and multiplied by ``weight / 100``
    when a weight is given (A4 composites).
    """

    name: str = attrs.field(validator=v.identifier)
    base: Decimal = attrs.field(default=Decimal(0), converter=v.exact, validator=v.decimal)
    weight: Decimal | None = attrs.field(default=None, converter=v.optional_exact, validator=v.optional_decimal)
    cap: Decimal | None = attrs.field(default=None, converter=v.optional_exact, validator=v.optional_decimal)
    floor: Decimal | None = attrs.field(default=None, converter=v.optional_exact, validator=v.optional_decimal)
    veto: str | None = None
    label: str | None = None


@attrs.frozen(slots=True)
class _Adjustment:
    """
    What penalties and bonuses share: how many, how much, and the limits.

    The amount for one period is, in order of precedence:

    * ``occurrences`` (a ``list`` metric with one value per occurrence), each
      value mapped through ``tiers`` (P3: by magnitude) or taken as the amount
      itself and checked against ``levels`` (P9, B6) or ``range`` (P8);
    * else ``count`` (a formula: occurrences, minutes, ...) times ``amount``,
      or the ``schedule`` amounts for the 1st, 2nd, ... occurrence (P4),
      continued from ``earlier`` (a formula: how many occurrences earlier
      periods already counted, ``prior_sum(breaches, since=year)``);
    * ``when`` gates it (P5), ``cap`` limits the total (P6), ``share`` is the
      part borne by this person when the cost is split with ``counterpart`` (P7).

    When ``counterpart`` is a relation (``manager``) and an employee's cell is
    empty, ``no_counterpart`` says who bears the rest: ``error`` (the default:
    scoring stops naming the row, rather than losing the amount), ``keep`` (the
    employee bears the whole cost) or ``charge`` (the employee ``charge_to``
    names bears it).

    ``unit`` is ``points`` (into ``section`` or the total score) or ``money``
    (into ``payout``).  ``approval_over`` flags any single amount above it for
    sign-off (P9, W2).
    """

    name: str = attrs.field(validator=v.identifier)
    unit: Literal["points", "money"] = "points"
    count: str | None = None
    amount: Decimal | None = attrs.field(default=None, converter=v.optional_exact, validator=v.optional_decimal)
    schedule: tuple[Decimal, ...] | None = attrs.field(
        default=None, converter=v.exact_tuple, validator=[v.nonempty, v.optional_decimal_tuple]
    )
    earlier: str | None = None
    occurrences: str | None = None
    tiers: tuple[Tier, ...] | None = attrs.field(default=None, validator=v.nonempty)
    levels: tuple[Decimal, ...] | None = attrs.field(default=None, converter=v.exact_tuple)
    range: tuple[Decimal, Decimal] | None = attrs.field(default=None, converter=v.exact_tuple)
    when: str | None = None
    cap: Decimal | None = attrs.field(default=None, converter=v.optional_exact, validator=v.optional_decimal)
    share: Decimal | None = attrs.field(default=None, converter=v.optional_exact, validator=v.probability)
    counterpart: str | None = None
    no_counterpart: Literal["error", "keep", "charge"] = "error"
    charge_to: str | None = None
    section: str | None = None
    payout: str | None = None
    approval_over: Decimal | None = attrs.field(default=None, converter=v.optional_exact, validator=v.optional_decimal)
    label: str | None = None

    def into(self) -> tuple[str, str] | None:
        """
        Return where the amount goes: ``("sections", name)``, ``("payouts", name)``, ``("score", "score")`` or ``None``.

        Points with no section go into the total score; money with no payout is
        only reported.
        """
        if self.section is not None:
            return "sections", self.section
        if self.payout is not None:
            return "payouts", self.payout
        return ("score", "score") if self.unit == "points" else None


@attrs.frozen(slots=True)
class Penalty(_Adjustment):
    """
    A deduction of points or money (P1-P9); amounts are written as positive numbers.
    """


@attrs.frozen(slots=True)
class Bonus(_Adjustment):
    """
    An addition of points or money (B1, B5-B7).

    With ``signed`` the amount may be negative too (a discretionary adjustment,
    B7), and ``reason`` names the input column that must explain any non-zero
    amount.
    """

    signed: bool = False
    reason: str | None = None


@attrs.frozen
class Score:
    """
    How the total score is made (A1-A3).

    Without ``formula`` the total is ``base`` plus every section and every
    indicator or point adjustment outside a section.  Then ``veto``, ``floor``
    and ``cap`` apply (E7: 117 counts as 110), then ``rounding`` if declared.
    """

    formula: str | None = None
    base: Decimal = attrs.field(default=Decimal(0), converter=v.exact, validator=v.decimal)
    cap: Decimal | None = attrs.field(default=None, converter=v.optional_exact, validator=v.optional_decimal)
    floor: Decimal | None = attrs.field(default=None, converter=v.optional_exact, validator=v.optional_decimal)
    veto: str | None = None
    rounding: Rounding | None = None


@attrs.frozen
class Payout:
    """
    A money amount ($1-$12): a formula, kept within ``floor``/``cap``, rounded.

    Money penalties and bonuses that name this payout are added to (or taken
    from) the formula's value before the cap and floor.  ``when`` pays it only
    when the condition holds (B1).
    """

    name: str = attrs.field(validator=v.identifier)
    formula: str
    cap: Decimal | None = attrs.field(default=None, converter=v.optional_exact, validator=v.optional_decimal)
    floor: Decimal | None = attrs.field(default=None, converter=v.optional_exact, validator=v.optional_decimal)
    when: str | None = None
    rounding: Rounding | None = None
    label: str | None = None


@attrs.frozen
class Flag:
    """
    An outcome that is not money (H4): approval required, dismissal eligible, ...

    Raised when ``when`` holds; ``reason`` is shown to people.  A flag's name
    can be used as a condition in later formulas.
    """

    name: str = attrs.field(validator=v.identifier)
    when: str
    reason: str
    label: str | None = None


@attrs.frozen
class Condition:
    """
    A named true/false rule that formulas read (``qualified``, ``on_probation``): not an outcome.

    Unlike a flag it is not reported as raised; it is explained, kept with
    the results (so ``streak()`` and ``prior()`` can read earlier periods'),
    and shown in the results' ``conditions``.
    """

    name: str = attrs.field(validator=v.identifier)
    when: str
    label: str | None = None
