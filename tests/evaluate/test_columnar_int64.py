"""Int64 coefficients where the bounds allow: near 2**62, 2**63 and 10**18 every result is Decimal's, or refused."""

from __future__ import annotations

import operator
from contextlib import contextmanager
from decimal import (
    Decimal,
    localcontext,
)

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perfrules._compile import CONTEXT
from tests.strategies import DECIMAL_MODES

pl = pytest.importorskip("polars")
fixed = pytest.importorskip("perfrules._evaluate.fixed")
coeffs = pytest.importorskip("perfrules._evaluate.coeffs")
quotient = pytest.importorskip("perfrules._evaluate.quotient")
tiers = pytest.importorskip("perfrules._evaluate.tiers")
colholds = pytest.importorskip("perfrules._evaluate.colholds")

MODES = DECIMAL_MODES
COMPARE = {
    "<": operator.lt,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    ">=": operator.ge,
}
_NEAR = [2**62, 2**63, 10**18, 10**19, 2**31, 10**9, 10**27, 10**28, 2**64]
_COEFF = st.one_of(
    st.integers(-(10**6), 10**6),
    st.builds(lambda m, d, s: s * (m + d), st.sampled_from(_NEAR), st.integers(-3, 3), st.sampled_from([1, -1])),
    st.integers(-(2**63), 2**63),
    st.integers(-(10**28) + 1, 10**28 - 1),
).filter(lambda c: abs(c) < 10**28)  # (a column holds at most 28 digits: more is refused when read)


def _dtype_for(cs: list[int], narrow: bool) -> object:
    # Int64 only where every coefficient is below 2**62 (the invariant of .coeffs); else Int128.
    return pl.Int64 if narrow and all(abs(c) < 2**62 for c in cs) else pl.Int128


@st.composite
def _column(draw, n: int) -> tuple[list[int], object, bool, int, list[int] | None]:
    # (coefficients, dtype, bounds given, one exponent, per-row exponents or None)
    cs = draw(st.lists(_COEFF, min_size=n, max_size=n) | st.just([0] * n))  # (zeros: bounds of 0 at any shift)
    narrow = draw(st.booleans())
    # Exponents near one another, and some 19 and more places apart (powers of ten beyond Int64).
    exps = st.integers(-6, 2) | st.sampled_from([-25, -19, 19, 25])
    exp = draw(exps)
    rows = draw(st.none() | st.lists(exps, min_size=n, max_size=n))
    return cs, _dtype_for(cs, narrow), draw(st.booleans()), exp, rows


def _num(spec):
    cs, dtype, bounded, exp, rows = spec
    e = exp if rows is None else pl.Series(rows, dtype=pl.Int32)
    return fixed.Num(pl.Series(cs, dtype=dtype), e, None, (min(cs), max(cs)) if bounded else None)


def _decimals(spec) -> list[Decimal]:
    cs, _, _, exp, rows = spec
    return [Decimal(f"{c}E{exp if rows is None else rows[k]}") for k, c in enumerate(cs)]


@contextmanager
def _int128_only():
    # The engine as it was before Int64: every coefficient Int128, every check as it was.
    modules = [coeffs, fixed, quotient, tiers]
    saved = [m._SMALL for m in modules]
    try:
        for m in modules:
            m._SMALL = 0
        yield
    finally:
        for m, v in zip(modules, saved, strict=True):
            m._SMALL = v


def _outcome(fn):
    try:
        got = fn()
    except coeffs.Limit as refused:
        return ("refused", refused.rows.to_list())
    if isinstance(got, pl.Series):
        return got.to_list()
    return [repr(d) for d in got.decimals()]


def _decimal(fn, *columns):
    out = []
    with localcontext(CONTEXT):
        for values in zip(*columns, strict=True):
            try:
                got = fn(*values)
            except ArithmeticError:
                return "error"
            out.append(got if isinstance(got, bool) else repr(got))
    return out


def _same(op, specs, want):
    # The Int64 engine gives what the Int128 engine gave (values or the same refusal), and Decimal's values.
    got = _outcome(lambda: op(*map(_num, specs)))
    with _int128_only():
        before = _outcome(lambda: op(*map(_num, specs)))
    assert got == before
    if want == "error":
        assert isinstance(got, tuple)  # Decimal refuses (or traps): the columnar engine refuses too
    elif not isinstance(got, tuple):
        assert got == want


N = 6


@settings(max_examples=150, deadline=None)
@given(_column(N), _column(N))
def test_sums_products_and_comparisons_near_the_limits_are_decimals(x, y):
    xs, ys = _decimals(x), _decimals(y)
    _same(lambda a, b: fixed.add(a, b, None), [x, y], _decimal(lambda p, q: p + q, xs, ys))
    _same(lambda a, b: fixed.add(a, b, None, subtract=True), [x, y], _decimal(lambda p, q: p - q, xs, ys))
    _same(lambda a, b: fixed.mul(a, b, None), [x, y], _decimal(lambda p, q: p * q, xs, ys))
    for op, fn in COMPARE.items():
        _same(lambda a, b, op=op: fixed.compare(a, b, op, None), [x, y], _decimal(fn, xs, ys))
    test = [p > q for p, q in zip(xs, ys, strict=True)]
    _same(
        lambda a, b: fixed.choose(pl.Series(test), a, b),
        [x, y],
        [repr(p if t else q) for p, q, t in zip(xs, ys, test, strict=True)],
    )
    _same(lambda a: fixed.sign(a, "-"), [x], _decimal(lambda p: -p, xs))
    _same(lambda a: fixed.sign(a, "abs"), [x], _decimal(abs, xs))


@settings(max_examples=120, deadline=None)
@given(_column(N), _column(N))
def test_quotients_near_the_limits_are_decimals(x, y):
    xs, ys = _decimals(x), _decimals(y)
    live = pl.Series([q != 0 for q in ys])
    got = _outcome(lambda: fixed.div(_num(x), _num(y), live))
    with _int128_only():
        before = _outcome(lambda: fixed.div(_num(x), _num(y), live))
    assert got == before
    if not isinstance(got, tuple):
        want = _decimal(lambda p, q: p / q if q else None, xs, ys)
        if want != "error":
            assert [g for g, q in zip(got, ys, strict=True) if q] == [w for w, q in zip(want, ys, strict=True) if q]


@settings(max_examples=120, deadline=None)
@given(_column(N), st.integers(-8, 22), st.sampled_from(list(MODES)))
def test_rounding_near_the_limits_is_decimal(x, places, mode):
    xs = _decimals(x)
    unit = Decimal(1).scaleb(-places)
    _same(lambda a: fixed.quantize(a, -places, mode, None), [x], _decimal(lambda p: p.quantize(unit, MODES[mode]), xs))
    _same(
        lambda a: fixed.quantize(a, 0, mode, None, integral=True),
        [x],
        _decimal(lambda p: p.to_integral_value(MODES[mode]), xs),
    )


@settings(max_examples=120, deadline=None)
@given(
    _column(N), st.lists(st.sampled_from([0, 1, -1, 2**62, 2**63, 10**18, -(10**18), 10**27]), min_size=1, max_size=3)
)
def test_tier_bands_near_the_limits_are_bisect(x, raw_cuts):
    xs = _decimals(x)
    cuts = tuple(sorted({Decimal(c).scaleb(-2) for c in raw_cuts}))
    for side in ("left", "right"):
        want = [sum(1 for c in cuts if (c <= p if side == "right" else c < p)) for p in xs]
        _same(lambda a, side=side: tiers.bands(a, cuts, side, None), [x], want)


def test_a_constant_power_of_ten_divides_an_int64_column_in_int64():
    a = fixed.from_decimals([Decimal(10**18 - 1), Decimal(-(10**17)), Decimal(500)])
    assert a.c.dtype == pl.Int64  # up to 18 digits are read as Int64
    got = fixed.div(a, fixed.const(Decimal(100), 3), None)
    assert got.c.dtype == pl.Int64
    with localcontext(CONTEXT):
        assert [repr(d) for d in got.decimals()] == [repr(x / 100) for x in a.decimals()]


def test_a_sum_that_leaves_int64_room_is_added_in_int128():
    big = 2**62 - 1
    a = fixed.Num(pl.Series([big, -big, big], dtype=pl.Int64), 0)
    total = fixed.add(a, a, None)
    assert total.c.dtype == pl.Int128  # 2**63 - 2 would wrap in Int64's arithmetic of the next sum
    billion = fixed.const(Decimal(10**9), 3)
    product = fixed.mul(a, billion, None)  # 28 digits: exact, beyond Int64
    assert product.c.dtype == pl.Int128
    with localcontext(CONTEXT):
        assert [repr(d) for d in total.decimals()] == [repr(x + x) for x in a.decimals()]
        assert [repr(d) for d in product.decimals()] == [repr(x * 10**9) for x in a.decimals()]


def test_counts_and_amounts_stay_int64_through_arithmetic():
    n = 1_000
    counts = fixed.from_decimals([Decimal(k % 400) for k in range(n)])
    amounts = fixed.from_decimals([Decimal(k * 37 % 100_000).scaleb(-2) for k in range(n)])
    assert counts.c.dtype == amounts.c.dtype == pl.Int64
    pay = fixed.quantize(
        fixed.mul(fixed.add(amounts, counts, None), fixed.const(Decimal("1.5"), n), None), -2, "half_up", None
    )
    assert pay.c.dtype == pl.Int64
    assert fixed.compare(pay, amounts, ">=", None).all()


def test_a_held_part_of_the_other_width_is_scattered_exactly():
    column = fixed.from_decimals([Decimal(1), Decimal(2), Decimal(3)])
    part = fixed.Num(pl.Series([10**20], dtype=pl.Int128), 0)
    assert column.c.dtype == pl.Int64
    out = colholds._scatter(column, pl.Series([1], dtype=pl.UInt32), part)
    assert [repr(d) for d in out.decimals()] == [repr(Decimal(1)), repr(Decimal(10**20)), repr(Decimal(3))]


def test_exponents_far_apart_are_aligned_in_int128_even_for_zeros():
    # 0E+25 beside hundredths: a power of ten of 27 digits is beyond Int64 whatever the coefficients.
    zeros = fixed.Num(pl.Series([0, 0], dtype=pl.Int64), 25, None, (0, 0))
    cents = fixed.from_decimals([Decimal("0.01"), Decimal("-0.01")])
    assert tiers.bands(zeros, (Decimal("-1E-10"), Decimal("0.5")), "right", None).to_list() == [1, 1]
    assert fixed.compare(zeros, cents, "<", None).to_list() == [True, False]
    with localcontext(CONTEXT):
        assert [repr(d) for d in fixed.add(zeros, cents, None).decimals()] == [
            repr(Decimal("0.01")),
            repr(Decimal("-0.01")),
        ]
