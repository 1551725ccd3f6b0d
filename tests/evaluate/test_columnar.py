"""The columnar engine gives the row engine's results, cell for cell, or refuses before scoring."""

from __future__ import annotations

import csv
from decimal import (
    ROUND_FLOOR,
    Decimal,
    localcontext,
)
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import perfrules as pr
from perfrules._compile import CONTEXT
from tests.strategies import DECIMAL_MODES, formula_schemes, populations, schemes, varied_numbers

pl = pytest.importorskip("polars")
fixed = pytest.importorskip("perfrules._evaluate.fixed")

EXAMPLES = Path(__file__).parents[2] / "examples"
ACCEPTED = {
    "accelerator",
    "seed000-pay",
    "seed000-team",
    "seed001",
    "seed002",
    "seed003-front-desk",
    "seed003-gs",
    "seed003-kpi",
    "seed003-pay",
    "seed003-quarter",
    "seed004",
}


def _same(plan, rows, period="2026-04"):
    quiet = {"no_history": True, "any_period": True} if plan.history else {"any_period": True}
    row = pr.score(plan, rows, period=period, **quiet)
    col = pr.score(plan, rows, period=period, engine="columnar", **quiet)
    assert [r.employee for r in row] == [r.employee for r in col]
    for a, b in zip(row, col, strict=True):
        # Same values, same Decimal text (exponent and sign of zero), same flags and grade.
        assert [repr(v) for v in a.row] == [repr(v) for v in b.row], a.employee
        assert a == b
        assert a.to_dict() == b.to_dict()
    return row


def test_every_example_is_scored_by_the_columnar_engine():
    assert ACCEPTED == {p.name for p in EXAMPLES.iterdir() if (p / "scheme.yaml").exists()}


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_every_example_agrees(name):
    plan = pr.compile_scheme(pr.load_scheme(EXAMPLES / name / "scheme.yaml"))
    with open(EXAMPLES / name / "data.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    _same(plan, rows)


@pytest.mark.parametrize(
    ("formula", "what"),
    [
        ("x ** 2", "the operator '**'"),
        ("max(x ** 2, 1)", "the operator '**'"),
    ],
)
def test_what_it_cannot_compute_is_refused_naming_the_element(formula, what):
    s = pr.Scheme(name="n", metrics=(pr.Metric("x", "number"),), indicators=(pr.Indicator("i", formula=formula),))
    with pytest.raises(pr.CompileError) as err:
        pr.score(pr.compile_scheme(s), [{"employee_id": "E1", "x": "2"}], engine="columnar")
    assert [(i.code, i.message) for i in err.value.issues] == [
        ("columnar-unsupported", f"indicators.i: the columnar engine cannot compute {what}")
    ]


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_generated_schemes_agree(data):
    s = data.draw(schemes())
    plan = pr.compile_scheme(s)
    _same(plan, data.draw(populations(s)))


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_generated_formulas_agree(data):
    s = data.draw(formula_schemes())
    plan = pr.compile_scheme(s)
    ids = data.draw(st.lists(st.from_regex(r"E[0-9]{1,3}", fullmatch=True), min_size=1, max_size=6, unique=True))
    rows = [{"employee_id": e, **{m.name: data.draw(varied_numbers) for m in s.metrics}} for e in ids]
    try:
        expected = pr.score(plan, rows)
    except pr.EvaluationError as exc:
        with pytest.raises(pr.EvaluationError) as err:
            pr.score(plan, rows, engine="columnar")
        assert str(err.value) == str(exc)
        return
    _same_or_limit(plan, rows, expected)


def _same_or_limit(plan, rows, expected):
    try:
        _same(plan, rows, period=None)
    except pr.EvaluationError as exc:
        # Refused, never rounded differently: only where the row engine itself reached 28 digits.
        assert exc.code == "columnar-limit"
        digits = [len(v.as_tuple().digits) for r in expected for v in r.row if isinstance(v, Decimal)]
        assert max(digits) >= 28


MODES = DECIMAL_MODES
DECIMALS = st.sampled_from(["0", "-0", "-0.00", "0.000", "1", "-1", "2.5", "-2.5", "0.005", "-0.005", "1E+2"]).map(
    Decimal
) | st.decimals(min_value=-(10**6), max_value=10**6, places=6, allow_nan=False, allow_infinity=False)


def _divided(a, b, ys):
    live = pl.Series([y != 0 for y in ys])
    got = fixed.div(a, b, live).decimals()
    return [g if y else None for g, y in zip(got, ys, strict=True)]


def _col(values):
    return fixed.from_decimals(values)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(DECIMALS, DECIMALS), min_size=1, max_size=20), st.integers(-2, 6), st.sampled_from(list(MODES))
)
def test_column_arithmetic_is_decimal_arithmetic(pairs, places, mode):
    xs, ys = [x for x, _ in pairs], [y for _, y in pairs]
    a, b = _col(xs), _col(ys)
    q = Decimal(1).scaleb(-places)
    expect = {
        "add": [x + y for x, y in pairs],
        "sub": [x - y for x, y in pairs],
        "mul": [x * y for x, y in pairs],
        "neg": [-x for x in xs],
        "abs": [abs(x) for x in xs],
        "quantize": [x.quantize(q, MODES[mode]) for x in xs],
        "floor": [x.to_integral_value(ROUND_FLOOR) for x in xs],
        "lt": [x < y for x, y in pairs],
        "eq": [x == y for x, y in pairs],
    }
    got = {
        "add": fixed.add(a, b, None).decimals(),
        "sub": fixed.add(a, b, None, subtract=True).decimals(),
        "mul": fixed.mul(a, b, None).decimals(),
        "neg": fixed.sign(a, "-").decimals(),
        "abs": fixed.sign(a, "abs").decimals(),
        "quantize": fixed.quantize(a, -places, mode, None).decimals(),
        "floor": fixed.quantize(a, 0, "floor", None, integral=True).decimals(),
        "div": _divided(a, b, ys),
        "lt": fixed.compare(a, b, "<", None).to_list(),
        "eq": fixed.compare(a, b, "==", None).to_list(),
    }
    with localcontext(CONTEXT):
        expect["div"] = [x / y if y else None for x, y in pairs]
    for op, want in expect.items():
        assert [repr(v) for v in got[op]] == [repr(v) for v in want], op


def test_a_value_beyond_28_digits_is_refused_not_rounded():
    s = pr.Scheme(
        name="big",
        metrics=(pr.Metric("x", "number"),),
        indicators=(pr.Indicator("i", formula="x * x * x", weight=Decimal(100)),),
    )
    plan = pr.compile_scheme(s)
    rows = [{"employee_id": "E1", "x": "123456789012345"}]
    with pytest.raises(pr.EvaluationError, match="columnar-limit") as err:
        pr.score(plan, rows, engine="columnar")
    assert err.value.employee == "E1" and err.value.code == "columnar-limit"


def test_unknown_engine_is_refused():
    s = pr.Scheme(name="n", metrics=(pr.Metric("x", "number"),), indicators=(pr.Indicator("i", formula="x"),))
    with pytest.raises(ValueError, match="engine"):
        pr.score(pr.compile_scheme(s), [], engine="gpu")  # type: ignore[arg-type]


# -- CSV in, CSV out, column-wise ---------------------------------------------------------------------------


def _csv_both(plan, tmp_path, text, period="2026-04"):
    from perfrules._adapters import score_csv_columnar, score_held, write_results
    from perfrules._evaluate import layout_of, scheme_period

    data = tmp_path / "data.csv"
    data.write_text(text, encoding="utf-8")
    written = score_csv_columnar(
        plan,
        data,
        tmp_path / "col.csv",
        period=scheme_period(plan, period, True),
        id_column="employee_id",
        no_history=True,
    )
    with open(data, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    # The file the command line writes: amounts over an approval threshold held (W2), as score_held holds them.
    if layout_of(plan).approvals:
        _, results = score_held(plan, rows, {}, period=period, no_history=True, any_period=True)
    else:
        results = pr.score(plan, rows, period=period, no_history=True, any_period=True)
    write_results(results, tmp_path / "row.csv")
    return written, (tmp_path / "row.csv").read_bytes(), (tmp_path / "col.csv").read_bytes() if written else None


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_csv_path_writes_the_row_engines_file(name, tmp_path):
    plan = pr.compile_scheme(pr.load_scheme(EXAMPLES / name / "scheme.yaml"))
    text = (EXAMPLES / name / "data.csv").read_text(encoding="utf-8")
    written, row, col = _csv_both(plan, tmp_path, text)
    # seed002 has percent cells, seed003-gs a list cell with a comma, seed003-quarter an assessed rule:
    # the general path reads those. accelerator's empty cell is its default, seed000-team's teams, dates,
    # roles and mentors are read column-wise.
    fast = {"accelerator", "seed000-team", "seed003-front-desk", "seed003-kpi", "seed003-pay", "seed004"}
    assert bool(written) == (name in fast)
    assert not written or col == row


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_csv_path_agrees_on_generated_schemes(data):
    import tempfile
    from pathlib import Path

    s = data.draw(formula_schemes())
    plan = pr.compile_scheme(s)
    ids = data.draw(st.lists(st.from_regex(r"E[0-9]{1,3}", fullmatch=True), min_size=1, max_size=6, unique=True))
    plain = st.sampled_from(["0", "-0", "0.00", "-0.000", "1.50", "2.5", "-2.5", "0.005", "99.995", "1234567"])
    lines = ["employee_id,a,b,c"] + [",".join([e, *(data.draw(plain) for _ in range(3))]) for e in ids]
    with tempfile.TemporaryDirectory() as tmp:
        try:
            written, row, col = _csv_both(plan, Path(tmp), "\n".join(lines) + "\n")
        except pr.EvaluationError:
            return  # the row engine fails too (division by zero): tested above with the API
        assert written == len(ids) and col == row


@pytest.mark.parametrize(
    "text",
    [
        'employee_id,phone_tickets,messenger_tickets,kpi_score\n"P1",1,2,3\n',  # quoting
        "employee_id,phone_tickets,messenger_tickets,kpi_score\nP1,1,2,\n",  # empty cell
        "employee_id,phone_tickets,messenger_tickets,kpi_score\nP1,1,2,1e1\n",  # not plain
        "employee_id,phone_tickets,messenger_tickets,kpi_score\nP1,1,2,101\n",  # above the maximum
        "employee_id,phone_tickets,messenger_tickets,kpi_score\nP1,1.5,2,3\n",  # not whole
        "employee_id,phone_tickets,messenger_tickets,kpi_score\nP1,1,2,3\nP1,1,2,3\n",  # repeated id
        "employee_id,phone_tickets,messenger_tickets,kpi_score\n P1,1,2,3\n",  # id with a space
        "employee_id,phone_tickets,messenger_tickets\nP1,1,2\n",  # missing column
    ],
)
def test_csv_path_leaves_anything_but_the_plain_case_to_the_general_path(text, tmp_path):
    from perfrules._adapters import score_csv_columnar

    plan = pr.compile_scheme(pr.load_scheme(EXAMPLES / "seed003-pay" / "scheme.yaml"))
    data = tmp_path / "data.csv"
    data.write_text(text, encoding="utf-8")
    out = tmp_path / "out.csv"
    assert score_csv_columnar(plan, data, out, period=None, id_column="employee_id") is None
    assert not out.exists()


def test_kpi_months_with_a_ledger_agree(tmp_path):
    """History (streaks over the ledger) and population-wide values, three months running."""
    from perfrules._adapters import read_population

    folder = EXAMPLES / "seed003-kpi"
    plan = pr.compile_scheme(pr.load_scheme(folder / "scheme.yaml"))
    with pr.Ledger(tmp_path / "l.db") as ledger:
        for month in ("2026-04", "2026-05", "2026-06"):
            rows = read_population(folder / "months" / f"{month}.csv")
            row = pr.score(plan, rows, period=month, history=ledger)
            col = pr.score(plan, rows, period=month, history=ledger, engine="columnar")
            assert [[repr(v) for v in r.row] for r in row] == [[repr(v) for v in r.row] for r in col]
            assert [r.to_dict() for r in row] == [r.to_dict() for r in col]
            ledger.publish(row, plan.scheme)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_population_wide_values_agree(data):
    """all_max, all_min (ties between 80 and 80.0 included), all_count, all_sum and all_top."""
    s = data.draw(formula_schemes())
    flags = (
        pr.Flag("first", when="score == all_max(score)", reason="first"),
        pr.Flag("last", when="score == all_min(a)", reason="last"),
        pr.Flag("top", when="all_top(b) and all_count(c) > 2", reason="top"),
        pr.Flag("big", when="all_sum(a) > a * 3", reason="big"),
    )
    s = attrs.evolve(
        s,
        flags=flags,
        payouts=(*s.payouts, pr.Payout("spread", formula="all_max(a) - all_min(b) + all_sum(c)")),
    )
    plan = pr.compile_scheme(s)
    ids = data.draw(st.lists(st.from_regex(r"E[0-9]{1,3}", fullmatch=True), min_size=1, max_size=6, unique=True))
    ties = st.sampled_from(["80", "80.0", "80.00", "-0", "0"]) | varied_numbers
    rows = [{"employee_id": e, **{m.name: data.draw(ties) for m in s.metrics}} for e in ids]
    try:
        expected = pr.score(plan, rows)
    except pr.EvaluationError:
        return
    _same_or_limit(plan, rows, expected)


def _kpi_rows(n, seed):
    import random

    rnd = random.Random(seed)
    lines = [
        "employee_id,buyers,inquiries,paid_orders,placed_orders,agent_aov,shop_aov,replied,received,"
        "response_seconds,tasks_rating,attitude_rating,late_count,leave_days,merit_points,front_line,"
        "pc_breaches,data_errors_found,suggestions_accepted"
    ]
    for k in range(n):
        inq, placed, rec = rnd.randint(0, 9), rnd.randint(0, 9), rnd.randint(0, 9)
        merit = ";".join(rnd.choice(["1", "2", "3", "5", "8"]) for _ in range(rnd.choice([0, 0, 1, 2])))
        cells = [
            f"K{k:04d}",
            rnd.randint(0, inq),
            inq,
            rnd.randint(0, placed),
            placed,
            rnd.choice(["115", "109", "99.5", "106.00", "0"]),
            rnd.choice(["100", "0", "95.5"]),
            rnd.randint(0, rec),
            rec,
            rnd.choice(["25", "30", "30.0", "45", "55.5", "80"]),
            rnd.choice(["100", "90", "74.5", "0"]),
            rnd.choice(["100", "85", "60"]),
            rnd.choice([0, 0, 1, 2]),
            rnd.choice(["0", "0.5", "1", "3"]),
            merit,
            rnd.choice([0, 1]),
            rnd.choice([0, 0, 1, 2, 3, 4]),
            rnd.randint(0, 3),
            rnd.randint(0, 2),
        ]
        lines.append(",".join(map(str, cells)))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_csv_path_agrees_on_generated_kpi_populations(seed, tmp_path):
    """Lists with levels and approvals, division by small and zero counts, ties for first and last place."""
    plan = pr.compile_scheme(pr.load_scheme(EXAMPLES / "seed003-kpi" / "scheme.yaml"))
    written, row, col = _csv_both(plan, tmp_path, _kpi_rows(300, seed))
    assert written == 300 and col == row


def test_an_exponent_far_from_zero_is_refused_not_computed():
    # Decimal contexts limit exponents (and round below them): the columnar engine stays well inside.
    s = pr.Scheme(
        name="tiny",
        metrics=(pr.Metric("x", "number"),),
        indicators=(pr.Indicator("i", formula="x * x * x * x", weight=Decimal(100)),),
    )
    rows = [{"employee_id": "E1", "x": "1E-28"}]
    with pytest.raises(pr.EvaluationError) as err:
        pr.score(pr.compile_scheme(s), rows, engine="columnar")
    assert err.value.code == "columnar-limit" and err.value.employee == "E1"


@pytest.mark.parametrize(
    ("x", "y"),
    [
        ("1", "1"),
        ("100000000000000000000", "1"),
        ("1", "0.0000001"),
        ("3", "4"),
        ("7.50", "2.5"),
        ("-0", "5"),
        ("123456789012345678901234567", "3"),
        ("1E+20", "1E-7"),
        ("0.000000000000000000000000001", "7"),
        ("5", "1E+30"),
    ],
)
def test_an_exact_quotient_keeps_decimals_exponent(x, y):
    # An exact quotient drops trailing zeros down to the ideal exponent, however many there are.
    got = fixed.div(_col([Decimal(x)]), _col([Decimal(y)]), None).decimals()
    with localcontext(CONTEXT):
        assert [repr(v) for v in got] == [repr(Decimal(x) / Decimal(y))]


@settings(max_examples=100, deadline=None)
@given(st.lists(DECIMALS | st.sampled_from(["-0", "0E-7", "-0.000", "1E+5", "123.4500"]).map(Decimal), max_size=12))
def test_columns_hold_decimals_digit_for_digit(values):
    # To a column and back: the same coefficient, exponent and sign of zero (both ways are vectorised).
    assert [repr(v) for v in fixed.from_decimals(values).decimals()] == [repr(v) for v in values]
