"""Shared Hypothesis strategies: every model type the tests generate comes from here."""

from __future__ import annotations

import decimal
import keyword
from decimal import Decimal

from hypothesis import strategies as st

import perfrules as pr

NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True).filter(
    lambda s: (
        not keyword.iskeyword(s)
        and "__" not in s
        and not s.startswith("team_")
        and s not in ("score", "grade")
        and s not in pr.FUNCTIONS
    )
)
LABELS = st.text(alphabet=st.characters(categories=("L",), max_codepoint=0x9FFF), min_size=1, max_size=12).filter(
    lambda s: s.lower() not in ("true", "false", "null", "yes", "no", "on", "off")
)


def decimals(lo: int = -10_000, hi: int = 10_000, places: int = 3) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=lo, max_value=hi, places=places, allow_nan=False, allow_infinity=False)


@st.composite
def tier_tables(draw: st.DrawFn, *, contiguous: bool = False, monotone: bool = False, name: str | None = None):
    """A tier table; ``contiguous`` gives half-open bands that cover the whole line."""
    cuts = sorted(set(draw(st.lists(decimals(-1000, 1000, 2), min_size=1, max_size=6))))
    if contiguous:
        points = draw(st.lists(decimals(0, 100, 0), min_size=len(cuts) + 1, max_size=len(cuts) + 1))
        if monotone:
            points = sorted(points)
        closed_left = draw(st.booleans())
        tiers = []
        for i in range(len(cuts) + 1):
            lo = pr.Bound(cuts[i - 1], closed_left) if i > 0 else None
            hi = pr.Bound(cuts[i], not closed_left) if i < len(cuts) else None
            tiers.append(pr.Tier(lo, hi, points[i]))
        tiers = draw(st.permutations(tiers))
        return pr.TierTable(name or draw(NAMES), tuple(tiers), direction="higher_is_better" if monotone else None)
    tiers = []
    for _ in range(draw(st.integers(1, 5))):
        a, b = sorted(draw(st.lists(st.sampled_from(cuts), min_size=2, max_size=2)))
        lo, hi = pr.Bound(a, draw(st.booleans())), pr.Bound(b, draw(st.booleans()))
        if a == b:
            lo = hi = pr.Bound(a, True)
        tiers.append(
            pr.Tier(draw(st.sampled_from([lo, None])), draw(st.sampled_from([hi, None])), draw(decimals(0, 100, 1)))
        )
    return pr.TierTable(name or draw(NAMES), tuple(tiers), match=draw(st.sampled_from(["unique", "first"])))


@st.composite
def schemes(draw: st.DrawFn) -> pr.Scheme:
    """A small valid scheme: inputs, a monotone table, weighted indicators in a limited section,
    a capped penalty, score limits and a rounded, capped payout."""
    names = draw(st.lists(NAMES, min_size=9, max_size=9, unique=True))
    m1, m2, tab, i1, i2, pen, pay, par, sec = names
    table = draw(tier_tables(contiguous=True, monotone=True, name=tab))
    w = draw(st.integers(0, 100))
    floor = draw(decimals(-50, 50, 0))
    cap = floor + draw(decimals(0, 200, 0))
    sec_floor = draw(st.none() | decimals(-20, 20, 0))
    sec_cap = None if sec_floor is None else sec_floor + draw(decimals(0, 100, 0))
    return pr.Scheme(
        name=draw(LABELS),
        money=pr.Rounding(draw(st.integers(0, 4)), draw(st.sampled_from(["half_up", "half_even", "down", "floor"]))),
        params=(pr.Param(par, draw(decimals(0, 1000, 2))),),
        metrics=(pr.Metric(m1, "number", label=draw(st.none() | LABELS)), pr.Metric(m2, "count")),
        tables=(table,),
        sections=(pr.Section(sec, base=draw(decimals(0, 50, 0)), floor=sec_floor, cap=sec_cap),),
        indicators=(
            pr.Indicator(i1, input=m1, table=tab, weight=Decimal(w), cap=draw(st.none() | decimals(50, 100, 0))),
            pr.Indicator(i2, input=m1, formula=f"clamp({m1}, 0, 100)", weight=Decimal(100 - w), section=sec),
        ),
        penalties=(
            pr.Penalty(
                pen,
                count=m2,
                amount=draw(decimals(0, 20, 1)),
                cap=draw(st.none() | decimals(0, 50, 0)),
                section=draw(st.sampled_from([None, sec])),
            ),
        ),
        score=pr.Score(cap=cap, floor=floor),
        payouts=(pr.Payout(pay, formula=f"score * {par}", cap=draw(st.none() | decimals(0, 10**6, 0))),),
    )


@st.composite
def populations(draw: st.DrawFn, scheme: pr.Scheme, min_size: int = 1, max_size: int = 8) -> list[dict[str, str]]:
    """Rows for ``scheme``'s two inputs (a number and a count), with unique employee ids."""
    m1, m2 = scheme.metrics[0].name, scheme.metrics[1].name
    ids = draw(
        st.lists(st.from_regex(r"E[0-9]{1,4}", fullmatch=True), min_size=min_size, max_size=max_size, unique=True)
    )
    return [{"employee_id": e, m1: str(draw(decimals(-1100, 1100, 3))), m2: str(draw(st.integers(0, 12)))} for e in ids]


def _limits(draw: st.DrawFn, lo: int, hi: int, span: int) -> tuple[Decimal | None, Decimal | None]:
    """A floor and a cap, each maybe absent; when both are given the cap is never below the floor."""
    floor = draw(st.none() | decimals(lo, hi, 0))
    cap = draw(st.none() | decimals(lo, hi, 0))
    if floor is not None and cap is not None:
        cap = floor + draw(decimals(0, span, 0))
    return floor, cap


@st.composite
def grade_tiers(draw: st.DrawFn) -> tuple[pr.Tier, ...]:
    """Grade bands that cover the whole line, best first, each with a label."""
    cuts = sorted(set(draw(st.lists(decimals(-50, 150, 1), min_size=1, max_size=4))), reverse=True)
    labels = "ABCDE"
    tiers = []
    for k in range(len(cuts) + 1):
        lo = pr.Bound(cuts[k], True) if k < len(cuts) else None
        hi = pr.Bound(cuts[k - 1], False) if k > 0 else None
        tiers.append(pr.Tier(lo, hi, label=labels[k]))
    return tuple(tiers)


@st.composite
def rich_schemes(draw: st.DrawFn) -> pr.Scheme:
    """A valid scheme that uses every scorer and every kind of adjustment the explanation words.

    Indicators score by table, formula, target and shortfall, limited, weighted, vetoed; a section has a
    base, limits, a weight and a veto; penalties count, escalate on a schedule, sum occurrences, apply
    only ``when``, share a money cost; bonuses add points and (signed) money; the score is limited,
    vetoed and rounded; grades band it; a payout is limited, rounded and paid only ``when``.  Inputs are
    those of :func:`rich_populations`: ``num`` (number), ``cnt`` (count), ``occ`` (list).
    """
    table = draw(tier_tables(contiguous=True, monotone=True, name="tab"))
    money = pr.Rounding(draw(st.integers(0, 3)), draw(st.sampled_from(["half_up", "half_even", "down", "floor"])))
    maybe = st.booleans()
    weights = [Decimal(w) for w in draw(st.lists(st.integers(0, 100), min_size=4, max_size=4))]
    ind_limits = [_limits(draw, 0, 100, 80) for _ in range(4)]
    sec_floor, sec_cap = _limits(draw, -20, 60, 100)
    sec = pr.Section(
        "sec",
        base=draw(decimals(0, 50, 0)),
        floor=sec_floor,
        cap=sec_cap,
        weight=draw(st.none() | st.integers(1, 200).map(Decimal)),
        veto=draw(st.none() | st.just("cnt > 10")),
    )
    in_sec = st.sampled_from([None, "sec"])
    direction = st.sampled_from(["higher_is_better", "lower_is_better"])
    indicators = (
        pr.Indicator(
            "by_table",
            input="num",
            table="tab",
            weight=weights[0],
            floor=ind_limits[0][0],
            cap=ind_limits[0][1],
            veto=draw(st.none() | st.just("num < -1000")),
        ),
        pr.Indicator(
            "by_formula",
            formula="clamp(num, -20, 120)",
            weight=draw(st.none() | st.just(weights[1])),
            section="sec",
            floor=ind_limits[1][0],
            cap=ind_limits[1][1],
        ),
        pr.Indicator(
            "by_target",
            input="num",
            target=pr.Target("goal", draw(direction)),
            weight=weights[2],
            section=draw(in_sec),
            floor=ind_limits[2][0],
            cap=ind_limits[2][1],
        ),
        pr.Indicator(
            "by_shortfall",
            input="num",
            shortfall=pr.Shortfall(
                target=draw(decimals(-100, 100, 1)),
                per=draw(decimals(1, 20, 1)),
                deduct=draw(decimals(0, 10, 1)),
                full=draw(decimals(0, 100, 0)),
                direction=draw(direction),
                steps=draw(st.sampled_from(["whole", "started", "exact"])),
            ),
            weight=draw(st.none() | st.just(weights[3])),
            section=draw(in_sec),
            floor=ind_limits[3][0],
            cap=ind_limits[3][1],
        ),
    )
    schedule = tuple(draw(st.lists(decimals(0, 30, 1), min_size=1, max_size=4)))
    penalties = (
        pr.Penalty(
            "late",
            count="cnt",
            amount=draw(decimals(0, 20, 1)),
            cap=draw(st.none() | decimals(0, 50, 0)),
            section=draw(in_sec),
            when=draw(st.none() | st.just("num > 0")),
        ),
        pr.Penalty("escalating", count="cnt", schedule=schedule, cap=draw(st.none() | decimals(0, 80, 0))),
        pr.Penalty("each", occurrences="occ", section=draw(in_sec), cap=draw(st.none() | decimals(0, 60, 0))),
        pr.Penalty(
            "shared",
            count="cnt",
            amount=draw(decimals(0, 500, 2)),
            unit="money",
            payout="pay",
            share=draw(decimals(0, 1, 2)),
            counterpart="company",
            cap=draw(st.none() | decimals(0, 3000, 0)),
        ),
    )
    bonuses = (
        pr.Bonus("helped", count="cnt", amount=draw(decimals(0, 5, 1)), cap=draw(st.none() | decimals(0, 20, 0))),
        pr.Bonus(
            "adjust",
            count="num",
            amount=draw(decimals(0, 2, 1)),
            signed=True,
            unit="money",
            payout="pay",
            cap=draw(st.none() | decimals(0, 500, 0)),
        ),
    )
    score_floor, score_cap = _limits(draw, -50, 100, 150)
    pay_floor, pay_cap = _limits(draw, 0, 5000, 10_000)
    return pr.Scheme(
        name="rich",
        money=money,
        params=(pr.Param("goal", draw(decimals(1, 200, 1))), pr.Param("rate", draw(decimals(0, 100, 2)))),
        metrics=(pr.Metric("num", "number"), pr.Metric("cnt", "count"), pr.Metric("occ", "list")),
        tables=(table,),
        sections=(sec,),
        indicators=indicators,
        penalties=penalties,
        bonuses=bonuses,
        score=pr.Score(
            base=draw(decimals(0, 50, 0)),
            floor=score_floor,
            cap=score_cap,
            veto=draw(st.none() | st.just("cnt == 12")),
            rounding=draw(st.none() | st.builds(pr.Rounding, st.integers(0, 2))),
        ),
        grades=pr.Grades(draw(grade_tiers())) if draw(maybe) else None,
        payouts=(
            pr.Payout(
                "pay",
                formula="score * rate",
                floor=pay_floor,
                cap=pay_cap,
                when=draw(st.none() | st.just("cnt < 11")),
                rounding=draw(
                    st.none() | st.builds(pr.Rounding, st.integers(0, 4), st.sampled_from(["up", "ceiling"]))
                ),
            ),
        ),
    )


@st.composite
def rich_populations(draw: st.DrawFn, min_size: int = 1, max_size: int = 6) -> list[dict[str, str]]:
    """Rows for :func:`rich_schemes`: a number, a count and a list of occurrences, with unique employee ids."""
    ids = draw(
        st.lists(st.from_regex(r"E[0-9]{1,4}", fullmatch=True), min_size=min_size, max_size=max_size, unique=True)
    )
    occurrences = st.lists(decimals(0, 40, 1), max_size=4).map(lambda xs: ";".join(str(x) for x in xs))
    return [
        {
            "employee_id": e,
            "num": str(draw(decimals(-1100, 1100, 3))),
            "cnt": str(draw(st.integers(0, 12))),
            "occ": draw(occurrences),
        }
        for e in ids
    ]


MODES = ["half_up", "half_even", "down", "up", "floor", "ceiling"]

#: Each rounding mode a scheme may name, as Decimal's own constant.
DECIMAL_MODES = {
    "half_up": decimal.ROUND_HALF_UP,
    "half_even": decimal.ROUND_HALF_EVEN,
    "floor": decimal.ROUND_FLOOR,
    "ceiling": decimal.ROUND_CEILING,
    "up": decimal.ROUND_UP,
    "down": decimal.ROUND_DOWN,
}

#: Numbers written as people write them: with and without places, negative zeros, exponents.
varied_numbers = st.one_of(
    st.sampled_from(["0", "-0", "0.00", "-0.000", "1.50", "2.5", "-2.5", "0.005", "-0.005", "99.995", "1E+2", "7e-3"]),
    decimals(-1000, 1000, 4).map(str),
    st.integers(-100, 100).map(str),
)


@st.composite
def _expressions(draw: st.DrawFn, names: tuple[str, ...], depth: int = 3) -> str:
    leaves = st.sampled_from(names) | decimals(-50, 50, 2).map(lambda d: f"({d})")
    if depth == 0:
        return draw(leaves)
    sub = _expressions(names, depth - 1)
    kind = draw(st.integers(0, 9))
    if kind <= 2:
        return draw(leaves)
    if kind == 3:
        return f"({draw(sub)} {draw(st.sampled_from(['+', '-', '*', '/']))} {draw(sub)})"
    if kind == 4:
        return f"{draw(st.sampled_from(['max', 'min']))}({draw(sub)}, {draw(sub)}, {draw(sub)})"
    if kind == 5:
        return f"{draw(st.sampled_from(['abs', 'floor', 'ceil', '-']))}({draw(sub)})"
    if kind == 6:
        if draw(st.booleans()):
            return f"div({draw(sub)}, {draw(sub)}, {draw(sub)})"
        return f"round({draw(sub)}, {draw(st.integers(0, 3))})"
    if kind == 7:
        return f"clamp({draw(sub)}, {draw(sub)}, {draw(sub)})"
    op = draw(st.sampled_from(["<", "<=", ">", ">=", "==", "!="]))
    test = f"{draw(sub)} {op} {draw(sub)}"
    if kind == 9:
        test = f"({test}) {draw(st.sampled_from(['and', 'or']))} not ({draw(sub)} > {draw(sub)})"
    return f"({draw(sub)} if {test} else {draw(sub)})"


@st.composite
def formula_schemes(draw: st.DrawFn) -> pr.Scheme:
    """A scheme of formulas over three number inputs: arithmetic, choices, limits and every rounding mode."""
    names = ("a", "b", "c")
    indicators = tuple(
        pr.Indicator(
            f"i{k}",
            formula=draw(_expressions(names)),
            weight=draw(st.none() | decimals(0, 100, 0)),
            cap=draw(st.none() | decimals(0, 100, 1)),
        )
        for k in range(draw(st.integers(1, 3)))
    )
    rounding = pr.Rounding(draw(st.integers(0, 3)), draw(st.sampled_from(MODES)))
    return pr.Scheme(
        name="formulas",
        money=pr.Rounding(draw(st.integers(0, 4)), draw(st.sampled_from(MODES))),
        metrics=tuple(pr.Metric(n, "number") for n in names),
        indicators=indicators,
        score=pr.Score(rounding=rounding, cap=draw(st.none() | decimals(0, 500, 0))),
        payouts=(
            pr.Payout(
                "pay", formula=f"score * {draw(decimals(0, 100, 2))}", when=draw(st.sampled_from([None, "a > 0"]))
            ),
        ),
    )
