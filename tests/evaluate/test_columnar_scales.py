"""The columnar engine's fast forms give Decimal's own results: one exponent per column, few distinct pairs, text."""

from __future__ import annotations

import random
from decimal import (
    ROUND_FLOOR,
    Decimal,
    localcontext,
)

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perfrules._compile import CONTEXT
from perfrules._model import plain_text
from tests.strategies import DECIMAL_MODES

pl = pytest.importorskip("polars")
fixed = pytest.importorskip("perfrules._evaluate.fixed")
tiers = pytest.importorskip("perfrules._evaluate.tiers")
formats = pytest.importorskip("perfrules._evaluate.formats")
coeffs = pytest.importorskip("perfrules._evaluate.coeffs")
quotient = pytest.importorskip("perfrules._evaluate.quotient")

MODES = DECIMAL_MODES
EDGES = ["0", "-0", "0.5", "-0.5", "2.5", "-2.5", "1.005", "-1.005", "0.015", "-0.000"]


def _at(places: int) -> st.SearchStrategy[Decimal]:
    # Values written with exactly ``places`` digits after the point: one exponent for the whole column.
    unit = Decimal(1).scaleb(-places)
    edges = st.sampled_from(EDGES).map(lambda x: Decimal(x).quantize(unit))
    return edges | st.integers(-(10**9), 10**9).map(lambda k: Decimal(k).scaleb(-places))


def _repr(values):
    return [repr(v) for v in values]


@settings(max_examples=150, deadline=None)
@given(
    st.integers(0, 4).flatmap(lambda p: st.lists(_at(p), min_size=1, max_size=12)),
    st.integers(0, 4).flatmap(lambda p: st.lists(_at(p), min_size=12, max_size=12)),
    st.integers(-3, 5),
    st.sampled_from(list(MODES)),
)
def test_one_exponent_per_column_is_decimal_arithmetic(xs, ys, places, mode):
    ys = ys[: len(xs)]
    a, b = fixed.from_decimals(xs), fixed.from_decimals(ys)
    assert a.scale() is not None and b.scale() is not None  # the scalar forms are the ones under test
    q = Decimal(1).scaleb(-places)
    with localcontext(CONTEXT):
        assert _repr(fixed.add(a, b, None).decimals()) == _repr(x + y for x, y in zip(xs, ys, strict=True))
        assert _repr(fixed.add(a, b, None, subtract=True).decimals()) == _repr(
            x - y for x, y in zip(xs, ys, strict=True)
        )
        assert _repr(fixed.mul(a, b, None).decimals()) == _repr(x * y for x, y in zip(xs, ys, strict=True))
        assert _repr(fixed.quantize(a, -places, mode, None).decimals()) == _repr(x.quantize(q, MODES[mode]) for x in xs)
        got = fixed.quantize(a, 0, "floor", None, integral=True).decimals()
        assert _repr(got) == _repr(x.to_integral_value(ROUND_FLOOR) for x in xs)
        assert _repr(fixed.sign(a, "-").decimals()) == _repr(-x for x in xs)
        assert fixed.compare(a, b, "<", None).to_list() == [x < y for x, y in zip(xs, ys, strict=True)]
        assert fixed.compare(a, b, "==", None).to_list() == [x == y for x, y in zip(xs, ys, strict=True)]
        test = pl.Series([x > y for x, y in zip(xs, ys, strict=True)])
        chosen = fixed.choose(test, a, b).decimals()
        assert _repr(chosen) == _repr(x if x > y else y for x, y in zip(xs, ys, strict=True))


def test_varying_and_one_exponent_columns_mix():
    xs = [Decimal(x) for x in ("1", "0.5", "-0.25", "100", "-0.00", "7.125")]
    ys = [Decimal(y) for y in ("0.10", "0.10", "0.10", "0.10", "0.10", "0.10")]
    a, b = fixed.from_decimals(xs), fixed.from_decimals(ys)
    assert a.scale() is None and b.scale() == -2
    with localcontext(CONTEXT):
        assert _repr(fixed.add(a, b, None).decimals()) == _repr(x + y for x, y in zip(xs, ys, strict=True))
        assert _repr(fixed.mul(a, b, None).decimals()) == _repr(x * y for x, y in zip(xs, ys, strict=True))
        assert _repr(fixed.div(a, b, None).decimals()) == _repr(x / y for x, y in zip(xs, ys, strict=True))
        for places in (0, 1, 2, 4):
            q = Decimal(1).scaleb(-places)
            for mode, rounding in MODES.items():
                got = fixed.quantize(a, -places, mode, None).decimals()
                assert _repr(got) == _repr(x.quantize(q, rounding) for x in xs), (places, mode)


def _pairs(n, seed, low=-40, high=40):
    rnd = random.Random(seed)
    return [Decimal(rnd.randint(low, high)) for _ in range(n)], [Decimal(rnd.randint(low, high)) for _ in range(n)]


def test_few_distinct_pairs_divide_once_each_and_exactly():
    xs, ys = _pairs(20_000, 1)
    a = fixed.Num(pl.Series([int(x) for x in xs], dtype=pl.Int128), -2)  # hundredths
    b = fixed.Num(pl.Series([int(y) for y in ys], dtype=pl.Int128), 0)
    live = pl.Series([y != 0 for y in ys])  # a zero divisor where the row engine does not divide
    got = fixed.div(a, b, live)
    assert got.coded is not None  # computed per distinct pair
    with localcontext(CONTEXT):
        want = [x.scaleb(-2) / y if y else None for x, y in zip(xs, ys, strict=True)]
    assert _repr(g for g, w in zip(got.decimals(), want, strict=True) if w is not None) == _repr(
        w for w in want if w is not None
    )
    # The bands a tier table cuts the quotients into, by the distinct quotients, equal the full computation.
    cuts = (Decimal("-0.5"), Decimal("0.01"), Decimal("0.333"), Decimal("0.75"))
    for side in ("left", "right"):
        by_pairs = tiers.bands(got, cuts, side, live)
        full = tiers._bands(got, cuts, "<=" if side == "right" else "<", live)
        assert (by_pairs.filter(live) == full.filter(live)).all()


def test_a_zero_divisor_on_a_live_row_is_refused_naming_the_row():
    xs, ys = _pairs(1_000, 2, 1, 9)
    ys[717] = Decimal(0)
    a = fixed.Num(pl.Series([int(x) for x in xs], dtype=pl.Int128), 0)
    b = fixed.Num(pl.Series([int(y) for y in ys], dtype=pl.Int128), 0)
    with pytest.raises(coeffs.Limit) as caught:
        fixed.div(a, b, None)
    assert caught.value.rows.arg_true().to_list() == [717]


def test_a_choice_of_a_quotient_and_a_constant_keeps_few_values():
    xs, ys = _pairs(5_000, 3, 0, 30)
    a = fixed.Num(pl.Series([int(x) for x in xs], dtype=pl.Int128), 0)
    b = fixed.Num(pl.Series([int(y) for y in ys], dtype=pl.Int128), 0)
    zero = fixed.compare(b, fixed.const(Decimal(0), len(ys)), "==", None)
    safe = fixed.choose(zero, fixed.const(Decimal(1), len(ys)), b)
    got = fixed.choose(zero, fixed.const(Decimal("0.0"), len(ys)), fixed.div(a, safe, ~zero))
    assert got.coded is not None
    small, idx = got.coded
    assert _repr(small.decimals()[k] for k in idx.to_list()) == _repr(got.decimals())
    with localcontext(CONTEXT):
        assert _repr(got.decimals()) == _repr(Decimal("0.0") if y == 0 else x / y for x, y in zip(xs, ys, strict=True))


@pytest.mark.parametrize(
    "texts",
    [
        ["0.00", "-0.00", "-0.05", "0.50", "12345678901234567890.12", "-7.00"],
        ["1", "-1", "0", "-0", "99999999999999999999999999"],
        ["0.000001", "-0.000001", "0.100000"],
        ["1.5", "2", "-0.25", "-0.0", "3.000", "0.7"],  # several exponents in one column
    ],
)
def test_text_is_plain_text_of_decimal(texts):
    values = [Decimal(t) for t in texts]
    raw = {}
    expr = formats.text_expr("x", fixed.from_decimals(values), raw)
    assert expr is not None
    assert pl.DataFrame(raw).select(expr)["x"].to_list() == [plain_text(v) for v in values]


def test_text_leaves_scientific_notation_to_decimal():
    for text in ("1E+1", "0.0000001"):
        assert formats.text_expr("x", fixed.from_decimals([Decimal(text)]), {}) is None


def test_a_function_of_few_values_is_called_once_per_tuple_and_read_back_by_position():
    values = pytest.importorskip("perfrules._evaluate.values")
    rnd = random.Random(4)
    xs = [rnd.randint(0, 6) for _ in range(3_000)]
    ys = [rnd.randint(-2, 2) for _ in range(3_000)]
    a = fixed.Num(pl.Series(xs, dtype=pl.Int128), -1)
    b = fixed.Num(pl.Series(ys, dtype=pl.Int128), 0)
    calls = []

    def fn(x, y):
        calls.append((x, y))
        return x / y if y else Decimal("-0.00")

    live = pl.Series([y != 2 for y in ys])
    got = values.by_value(fn, [a, b], "number", live, len(xs))
    assert len(calls) == len(set(calls)) <= 7 * 4  # once per distinct live pair
    with localcontext(CONTEXT):
        want = [fn(Decimal(x).scaleb(-1), Decimal(y)) for x, y in zip(xs, ys, strict=True)]
    assert _repr(g for g, y in zip(got.decimals(), ys, strict=True) if y != 2) == _repr(
        w for w, y in zip(want, ys, strict=True) if y != 2
    )


@settings(max_examples=120, deadline=None)
@given(
    st.one_of(
        st.integers(0, 4).flatmap(lambda p: st.lists(_at(p), min_size=1, max_size=12)),  # one exponent
        st.lists(st.sampled_from(EDGES).map(Decimal) | st.decimals(-(10**12), 10**12, places=3)),
    ),
    st.sampled_from(["1", "-1", "10", "100", "-100", "1000", "0.01", "1E+2", "100.0", "-1E+20"]),
)
def test_a_constant_power_of_ten_divisor_only_moves_the_point(xs, divisor):
    if not xs:
        return
    a, b = fixed.from_decimals(xs), fixed.const(Decimal(divisor), len(xs))
    assert quotient.power_of_ten(b) is not None  # the path under test
    with localcontext(CONTEXT):
        want = [x / Decimal(divisor) for x in xs]
    assert _repr(fixed.div(a, b, None).decimals()) == _repr(want)


def test_a_power_of_ten_divisor_refuses_where_the_exponent_leaves_the_range_and_other_constants_divide_in_full():
    a = fixed.Num(pl.Series([5, 500, 7], dtype=pl.Int128), -98)
    with pytest.raises(coeffs.Limit) as caught:
        fixed.div(a, fixed.const(Decimal(100), 3), None)  # 5E-98 / 100 = 5E-100: beyond the exact range
    assert caught.value.rows.to_list() == [True, False, True]  # 500E-98 / 100 = 5E-98 stays inside
    seven = fixed.const(Decimal(7), 3)
    assert quotient.power_of_ten(seven) is None and quotient.power_of_ten(fixed.const(Decimal("-0"), 3)) is None
    with localcontext(CONTEXT):
        assert _repr(fixed.div(fixed.from_decimals([Decimal(1)] * 3), seven, None).decimals()) == _repr(
            [Decimal(1) / 7] * 3
        )


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 6), st.integers(-(10**20), 10**20), st.integers(1, 60), st.integers(0, 2**32))
def test_a_narrow_column_is_written_by_a_table_as_plain_text(places, base, span, seed):
    # Coefficients within a span under a quarter of the rows: each value is written once, rows take it by position.
    rnd = random.Random(seed)
    values = [Decimal(base + rnd.randint(0, span)).scaleb(-places) for _ in range(span * 4 + 8)]
    values[0] = Decimal(-0).scaleb(-places) if base <= 0 <= base + span else values[0]
    column = fixed.from_decimals(values)
    assert column.scale() == -places
    raw = {}
    expr = formats.text_expr("x", column, raw)
    assert expr is not None and "\0tx" in raw  # the table's path
    assert pl.DataFrame(raw).select(expr)["x"].to_list() == [plain_text(v) for v in values]


def test_a_wide_column_is_formatted_row_by_row():
    values = [Decimal(k * 7919) for k in range(40)]
    raw = {}
    expr = formats.text_expr("x", fixed.from_decimals(values), raw)
    assert expr is not None and "\0tx" not in raw
    assert pl.DataFrame(raw).select(expr)["x"].to_list() == [plain_text(v) for v in values]
