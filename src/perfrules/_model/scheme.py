"""
The scheme: every element of an appraisal and pay scheme, as one immutable value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, Literal

import attrs

from .._limits import LIMITS
from . import validators as v
from .elements import Bonus, Condition, Flag, Indicator, Metric, Payout, Penalty, Rounding, Score, Section
from .marginal import Accelerator
from .period import Calendar, PeriodKind
from .tiers import Match, Tier, TierTable

__all__ = [
    "Appeals",
    "Assessed",
    "Distribution",
    "Grades",
    "HistoryRule",
    "Param",
    "Population",
    "Quota",
    "Ranking",
    "Rollup",
    "RollupRule",
    "Scheme",
    "Teams",
]


@attrs.frozen
class Param:
    """
    A named constant of the scheme (a base amount, a target), usable in formulas.
    """

    name: str = attrs.field(validator=v.identifier)
    value: Decimal = attrs.field(converter=v.exact, validator=v.decimal)
    label: str | None = None


@attrs.frozen
class Quota:
    """
    A forced-distribution quota on one grade (G2), as a share of the people graded together.

    ``at_most``: no more than this share may have the grade (the best-ranked
    keep it, the rest move one grade down).  ``at_least``: the lowest-ranked
    share get this grade whatever their band.  Shares are fractions (0.10 is
    10%); the head count is rounded as the distribution's ``rounding`` says.
    """

    grade: str
    at_most: Decimal | None = attrs.field(default=None, converter=v.optional_exact, validator=v.probability)
    at_least: Decimal | None = attrs.field(default=None, converter=v.optional_exact, validator=v.probability)


@attrs.frozen
class Distribution:
    """
    Forced distribution of grades (G2): quotas, over everyone or within each team, and a tie rule.

    ``ties`` says what happens when a quota's boundary falls between people
    with the same value: ``demote`` (all of them get the lower grade, so an
    ``at_most`` quota is never exceeded) or ``keep`` (all keep the better one).

    ``rounding`` turns a share into a head count: ``down`` (10% of 25 is 2,
    the default), ``nearest`` (half up), ``up`` or ``at_least_one`` (down, but
    never 0 when the share is not).  ``unfilled`` says what happens when the tie
    rule leaves an ``at_least`` quota short: ``leave`` (the default: the tied
    keep their grade), ``fill`` (exactly the head count, the lowest-ranked
    first) or ``error``.

    ``over`` says who is graded together and takes quota places: the
    ``assessed`` (the default) or the ``eligible`` (assessed, and counted by
    ``teams.eligible``); the others keep the grade of their band.
    """

    quotas: tuple[Quota, ...] = attrs.field(validator=attrs.validators.min_len(1))
    scope: Literal["all", "team"] = "all"
    ties: Literal["demote", "keep"] = "demote"
    rounding: Literal["down", "nearest", "up", "at_least_one"] = "down"
    unfilled: Literal["leave", "fill", "error"] = "leave"
    over: Literal["assessed", "eligible"] = "assessed"


@attrs.frozen
class Grades:
    """
    Grade bands over the total score, or over ``of`` (G1), listed best first; optionally a forced distribution (G2).
    """

    tiers: tuple[Tier, ...] = attrs.field(validator=attrs.validators.min_len(1))
    of: str = "score"
    match: Match = "unique"
    distribution: Distribution | None = None


@attrs.frozen
class Ranking:
    """
    The order of ranks, tops and forced distribution, declared once: ``score desc, sales desc, employee_id asc``.

    Each key is a formula (or ``employee_id``) and ``asc`` or ``desc``
    (when left out: ``desc`` for a formula, higher is better; ``asc`` for
    ``employee_id``, the smaller id first).  ``team_rank(x)``,
    ``team_top(x)`` (and ``all_*``, ``reports_*``, ``mentees_*``) order by
    ``x``, then by the keys in turn; a forced distribution by the graded
    value, then by the keys.  Only people equal on every key are tied: they
    share a rank, and ``ties`` says who is top among them: ``all`` (the
    default), ``none``, or ``first`` (the first by employee id).
    """

    keys: tuple[str, ...] = ()
    ties: Literal["all", "none", "first"] = "all"

    def parsed(self) -> tuple[tuple[str, bool], ...]:
        """
        Return each key as ``(formula, descending)``: ``"sales asc"`` → ``("sales", False)``.
        """
        out = []
        for key in self.keys:
            head, _, last = key.strip().rpartition(" ")
            if head and last in ("asc", "desc"):
                out.append((head.strip(), last == "desc"))
            else:
                out.append((key.strip(), key.strip() != "employee_id"))
        return tuple(out)


@attrs.frozen
class Teams:
    """
    How employees form teams, for team values in formulas (T1-T3, B1, $6, $7).

    ``column`` names the input column that holds each employee's team;
    ``eligible`` is a condition saying who counts in team values (T2: staff in
    their first, trial month do not count in the team average).  Everyone,
    eligible or not, can read their team's values.

    ``eligible`` is the default population of ``team_*`` and ``all_*`` calls
    only: a call may say whom it is over instead (``over=everyone`` or
    ``over=assessed``), relation calls (``reports_*``, ``mentees_*``) ignore
    it, and forced distribution follows it only with ``distribution: {over: eligible}``.
    """

    column: str = "team"
    eligible: str | None = None


@attrs.frozen
class Assessed:
    """
    Who is assessed this period (H3): trial staff, or someone absent two months or more, may not be.

    ``when`` is the condition for being assessed; ``reason`` tells those who
    are not why.  Someone not assessed gets no grade, is left out of team and
    group values and of forced distribution, and carries the flag
    ``not_assessed`` with the reason; formulas can read ``assessed`` (for
    example to withhold performance pay).
    """

    when: str
    reason: str


@attrs.frozen
class Population:
    """
    Columns that describe employees beyond their metrics: dates, relations between people, roles.

    With ``hire_date`` formulas can read ``tenure_months`` (the month of hire
    counts as 1) and, with ``leave_date`` too, ``days_employed`` (days of the
    period between hire and leave, for proration) beside ``period_days``.

    Relations (T5) name another employee of the same population by id:
    ``mentor`` (the ``mentees_*`` functions read an employee's trainees, B4) and
    ``manager`` (the ``reports_*`` functions read an employee's direct reports,
    T3; a shared cost with ``counterpart: manager`` is charged to the manager, P7).
    An empty cell means no one.

    ``role`` names the column holding each employee's role and ``roles`` the
    roles it may hold; each role ``r`` gives formulas a true/false name
    ``is_r`` (``is_supervisor``).
    """

    hire_date: str | None = None
    leave_date: str | None = None
    mentor: str | None = None
    manager: str | None = None
    role: str | None = None
    roles: tuple[str, ...] = attrs.field(default=(), validator=v.identifiers)

    def relations(self) -> dict[str, str]:
        """
        Return the declared relations as ``{relation: column}`` (``mentor``, ``manager``).
        """
        return {k: c for k, c in (("mentor", self.mentor), ("manager", self.manager)) if c is not None}


RollupRule = Literal["sum", "average", "last", "max", "min"]


@attrs.frozen
class Rollup:
    """
    How recorded periods roll up into a longer one (H1: months into a quarter).

    ``score`` and ``amounts`` (indicators, sections, penalties, bonuses and
    payouts) each take a rule: ``sum``, ``average``, ``last``, ``max`` or
    ``min``; the grade is the last one; flags are every flag raised in any of
    the periods.
    """

    score: RollupRule = "average"
    amounts: RollupRule = "sum"


def _period_label(instance: object, attribute: attrs.Attribute[str | None], value: str | None) -> None:
    # Only the label is read here; whether a period of the scheme starts there is the scheme check's business.
    if value is None:
        return
    try:
        found = None if ".." in value else Calendar().resolve(value)  # a range is no label of every calendar
    except ValueError:
        found = None
    if found is None:
        raise ValueError(f"begins: {value!r} is not a period written 2026-01, 2026-Q1, 2026-H1 or 2026")


@attrs.frozen
class HistoryRule:
    """
    Where the scheme's history begins, and what history rules do when a period they need was never recorded.

    ``begins`` (a period label such as ``2026-01``) declares where history
    starts: periods before it count as nothing, by declaration, and periods
    from it on that were never recorded are missing.  Without it, history
    starts at the first period recorded for the scheme, and a total whose
    window reaches before that (``prior_sum(x, 3)``, ``since=year``, or
    ``since=hire`` for someone hired earlier) is refused (``history-begins``)
    rather than counting the earlier periods as nothing.  ``missing``:
    ``error`` (the default) refuses to score and names the missing periods;
    ``absent`` reads them as absent (``prior()`` gives 0 or false, a streak
    stops there) and the results list them.
    """

    missing: Literal["error", "absent"] = "error"
    begins: str | None = attrs.field(default=None, validator=_period_label)


def _iso_dates(instance: object, attribute: attrs.Attribute[tuple[str, ...]], value: tuple[str, ...]) -> None:
    for text in value:
        try:
            dt.date.fromisoformat(str(text))
        except ValueError:
            raise ValueError(f"{attribute.name}: {text!r} is not a date written 2026-05-01") from None


def _offset(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    try:
        dt.datetime.strptime(value, "%z")
    except ValueError:
        raise ValueError(f"utc_offset: {value!r} is not an offset written +08:00") from None


def _days(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if not 1 <= value <= 366:
        raise ValueError(f"within: {value} is not a number of days from 1 to 366")


def _some_weekday(instance: object, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
    # Holidays are a finite list: with one weekday left, every window ends.
    if len(set(value)) >= 7:
        raise ValueError("weekend: every day of the week is a weekend day; no appeal window could end")


Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


@attrs.frozen
class Appeals:
    """
    When an employee may appeal a published period (W1): ``within`` days of its publication.

    ``days`` counts ``working`` days (the default: not a ``weekend`` day,
    not in ``holidays``, or a weekend day listed in ``workdays``, as when a
    holiday is made up on a Saturday) or ``calendar`` days, from the day
    after publication; the last of them is the last day to appeal.  Days are
    dates at ``utc_offset`` (``+08:00`` for China).  Holidays are data, as
    each year's are declared.
    """

    within: int = attrs.field(default=2, validator=_days)
    days: Literal["working", "calendar"] = "working"
    weekend: tuple[Weekday, ...] = attrs.field(default=("sat", "sun"), validator=_some_weekday)
    holidays: tuple[str, ...] = attrs.field(default=(), validator=_iso_dates)
    workdays: tuple[str, ...] = attrs.field(default=(), validator=_iso_dates)
    utc_offset: str = attrs.field(default="+00:00", validator=_offset)


def _keyed(kind: str) -> dict[str, object]:
    # Tells the converter that a mapping in the file is keyed by each item's name.
    return {"keyed": "name", "kind": kind}


@attrs.frozen
class Scheme:
    """
    A whole appraisal scheme: inputs, scoring, grades, money and flags.

    Build it from Python directly, or load it from a file with
    :func:`perfrules.load_scheme`.  Elements are tuples in the order written;
    names must be unique across the scheme because formulas refer to them.
    """

    name: str
    version: str = "1"
    description: str | None = None
    period: PeriodKind = "month"
    calendar: Calendar = Calendar()
    history: HistoryRule = HistoryRule()
    money: Rounding = Rounding()
    params: tuple[Param, ...] = attrs.field(default=(), metadata=_keyed("param"))
    metrics: tuple[Metric, ...] = attrs.field(default=(), metadata=_keyed("metric"))
    tables: tuple[TierTable, ...] = attrs.field(default=(), metadata=_keyed("table"))
    sections: tuple[Section, ...] = attrs.field(default=(), metadata=_keyed("section"))
    indicators: tuple[Indicator, ...] = attrs.field(default=(), metadata=_keyed("indicator"))
    penalties: tuple[Penalty, ...] = attrs.field(default=(), metadata=_keyed("penalty"))
    bonuses: tuple[Bonus, ...] = attrs.field(default=(), metadata=_keyed("bonus"))
    score: Score = Score()
    grades: Grades | None = None
    ranking: Ranking | None = None
    teams: Teams | None = None
    population: Population | None = None
    assessed: Assessed | None = None
    rollup: Rollup = Rollup()
    appeals: Appeals | None = None
    """When appeals against a published period are taken (W1); ``None``: none are."""
    accelerators: tuple[Accelerator, ...] = attrs.field(default=(), metadata=_keyed("accelerator"))
    conditions: tuple[Condition, ...] = attrs.field(default=(), metadata=_keyed("condition"))
    payouts: tuple[Payout, ...] = attrs.field(default=(), metadata=_keyed("payout"))
    flags: tuple[Flag, ...] = attrs.field(default=(), metadata=_keyed("flag"))
    constraints: tuple[str, ...] = ()
    """Relations every row's inputs must keep, such as ``days_worked <= days_scheduled``: a row breaking one
    is refused, and the bounds analysis relies on them."""
    checks: tuple[str, ...] = ()
    """Promises the scheme makes about itself, proven or searched by ``perfrules check``: a range
    (``0 <= net <= 2000``), a relation (``net <= bonus + callbacks``) or a direction
    (``bonus does not decrease when qa rises``)."""

    def __attrs_post_init__(self) -> None:
        # The budget a file's reader checks, checked again for a scheme built in Python,
        # so that validation and compilation never see more than they were sized for.
        count = sum(len(getattr(self, f.name)) for f in attrs.fields(Scheme) if f.metadata.get("keyed"))
        if count > LIMITS.elements:
            raise ValueError(f"the scheme has {count} named elements, more than {LIMITS.elements}")
        v.check_texts(self, "scheme")

    def named(self) -> Iterator[tuple[str, str, object]]:
        """
        Yield ``(collection, name, element)`` for every named element, in file order.
        """
        for field in attrs.fields(Scheme):
            if field.metadata.get("keyed"):
                for item in getattr(self, field.name):
                    yield field.name, item.name, item

    def adjustments(self) -> tuple[Penalty | Bonus, ...]:
        """
        Return every penalty, then every bonus, in file order.
        """
        return (*self.penalties, *self.bonuses)

    def table(self, name: str) -> TierTable | None:
        """
        Return the tier table called ``name``, or ``None``.
        """
        return next((t for t in self.tables if t.name == name), None)
