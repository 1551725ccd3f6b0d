"""The number and date grammars of population cells."""

import datetime as dt
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

import perfrules as pr
from perfrules._plugins import NumberError, NumberFormat, parse_date, parse_number

SCHEME = """name: n
metrics:
  sales: money
  rate: percent
  calls: count
  late: list
payouts:
  pay: {formula: "sales * rate + calls + total(late)"}
"""


@pytest.fixture(scope="module")
def plan():
    return pr.compile_scheme(pr.scheme_from_text(SCHEME).scheme)


def cells(**values):
    return [{"employee_id": "E1", "sales": "100", "rate": "50%", "calls": "1", "late": "", **values}]


@pytest.mark.parametrize(
    ("text", "value"),
    [("12", "12"), (" -5.00 ", "-5.00"), ("+.5", "0.5"), ("1e3", "1E+3"), ("1_000", "1000"), ("1,234.5", "1234.5")],
)
def test_the_default_grammar_reads(text, value):
    assert D(value) == parse_number(text)


@pytest.mark.parametrize(
    ("text", "code", "words"),
    [
        ("0,8", "ambiguous-number", "did you mean 0.8 with a decimal comma"),
        ("1,5", "ambiguous-number", "did you mean 1.5 with a decimal comma"),
        ("1,500", "ambiguous-number", "did you mean 1500 with commas grouping thousands"),
        ("٣٫٥", "non-ascii-digits", "ARABIC-INDIC DIGIT THREE"),
        ("١٢", "non-ascii-digits", "ARABIC-INDIC DIGIT ONE"),
        ("１２", "non-ascii-digits", "FULLWIDTH DIGIT ONE"),
        ("1.2.3", "bad-value", "expected a number"),
        ("NaN", "bad-value", "expected a number"),
    ],
)
def test_ambiguous_and_foreign_numbers_are_refused(text, code, words):
    with pytest.raises(NumberError, match=words) as err:
        parse_number(text)
    assert code == err.value.code


@pytest.mark.parametrize(
    ("fmt", "text", "value"),
    [
        (NumberFormat(decimal=","), "0,8", "0.8"),
        (NumberFormat(decimal=","), "-12", "-12"),
        (NumberFormat(thousands=","), "1,500", "1500"),
        (NumberFormat(thousands=","), "1,234,567.25", "1234567.25"),
        (NumberFormat(decimal=",", thousands="."), "1.234,5", "1234.5"),
        (NumberFormat(decimal=",", thousands=" "), "1 234,5", "1234.5"),
    ],
)
def test_a_declared_format_reads_its_numbers(fmt, text, value):
    assert D(value) == parse_number(text, fmt)


@pytest.mark.parametrize(
    ("fmt", "text"),
    [(NumberFormat(thousands=","), "1,5"), (NumberFormat(decimal=","), "1.5"), (NumberFormat(decimal=","), "1,2,3")],
)
def test_a_declared_format_refuses_what_does_not_fit_it(fmt, text):
    with pytest.raises(NumberError, match="not a number written with"):
        parse_number(text, fmt)


def test_a_format_cannot_use_one_mark_twice():
    with pytest.raises(ValueError, match="cannot also be the decimal mark"):
        NumberFormat(decimal=",", thousands=",")


class TestCells:
    """Through score(): the error names the row, the column and the value; nothing is misread."""

    @pytest.mark.parametrize(
        ("column", "text", "code"),
        [
            ("sales", "0,8", "ambiguous-number"),
            ("sales", "1,5", "ambiguous-number"),
            ("rate", "92,5%", "ambiguous-number"),
            ("calls", "١٢", "non-ascii-digits"),
            ("calls", "１２", "non-ascii-digits"),
            ("sales", "٣.٥", "non-ascii-digits"),
        ],
    )
    def test_refused_with_row_column_and_value(self, plan, column, text, code):
        with pytest.raises(pr.InputError) as err:
            pr.score(plan, cells(**{column: text}), source="pop.csv")
        (issue,) = err.value.issues
        assert (code, ("row 2", column), "pop.csv") == (issue.code, issue.path, issue.source)
        assert repr(text) in issue.message

    def test_a_declared_decimal_comma(self, plan):
        rows = cells(sales="1.000,5", rate="92,5%", late="1,5;2")
        r = pr.score(plan, rows, numbers=pr.NumberFormat(decimal=",", thousands=".")).results[0]
        assert D("929.96") == r.payouts["pay"]  # 1000.5 × 0.925 + 1 + 3.5 = 929.9625, in money's 2 places

    def test_a_declared_thousands_separator(self, plan):
        r = pr.score(plan, cells(sales="1,500"), numbers=pr.NumberFormat(thousands=",")).results[0]
        assert D("751.00") == r.payouts["pay"]

    def test_commas_still_separate_list_values_by_default(self, plan):
        assert D("68.00") == pr.score(plan, cells(late="5,12,0")).results[0].payouts["pay"]

    def test_the_format_applies_only_inside_the_call(self, plan):
        pr.score(plan, cells(sales="0,8"), numbers=pr.NumberFormat(decimal=","))
        with pytest.raises(pr.InputError, match="ambiguous"):
            pr.score(plan, cells(sales="0,8"))


@pytest.mark.parametrize(
    "text",
    ["2024-03-01", "2024/3/1", "2024/03/01", "2024-3-1", "2024.3.1", "2024年3月1日", "20240301", "2024-03-01 00:00:00"],
)
def test_common_date_forms(text):
    assert dt.date(2024, 3, 1) == parse_date(text)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("3/1/2024", "puts the day or month first: 2024-01-03 or 2024-03-01"),
        ("2024-02-30", "not a real date"),
        ("2024-03-01 09:30", "has a time of day"),
        ("March 1", "is not a date"),
    ],
)
def test_dates_that_could_be_misread_are_refused(text, words):
    with pytest.raises(ValueError, match=words):
        parse_date(text)


@given(st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-(10**12), max_value=10**12))
def test_every_plain_decimal_reads_back_exactly(value):
    assert value == parse_number(str(value))
    assert value == parse_number(f"{value:f}".replace(".", ","), NumberFormat(decimal=","))


@given(st.integers(min_value=1000, max_value=10**12))
def test_a_comma_grouped_whole_number_is_never_read_without_a_declared_format(value):
    text = f"{value:,}"
    with pytest.raises(NumberError):
        parse_number(text)
    assert value == parse_number(text, NumberFormat(thousands=","))
    assert value == parse_number(text.replace(",", "."), NumberFormat(decimal=",", thousands="."))


class TestNaN:
    """NaN (a DataFrame's empty cell) is an empty cell: the default, or missing-value; never a number or a name."""

    def test_nan_cells(self):
        plan = pr.compile_scheme(
            pr.scheme_from_text(
                "name: n\nmetrics: {sales: money, bonus: {type: money, default: 7}}\n"
                "payouts: {pay: {formula: sales + bonus}}\n"
            ).scheme
        )
        r = pr.score(plan, [{"employee_id": "E1", "sales": 5.5, "bonus": float("nan")}]).results[0]
        assert D("12.50") == r.payouts["pay"]
        with pytest.raises(pr.InputError) as err:
            pr.score(plan, [{"employee_id": float("nan"), "sales": float("nan"), "bonus": 1}])
        assert ["missing-id", "missing-value"] == sorted(i.code for i in err.value.issues)
