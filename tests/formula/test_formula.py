from decimal import Decimal as D
from decimal import localcontext

import pytest
from hypothesis import given
from hypothesis import strategies as st
from simpleeval import SimpleEval

import perfrules as pr
from perfrules._compile import CONTEXT

NAMES = {"x": "number", "y": "number", "z": "number", "sales_qtr": "number", "ok": "bool", "xs": "list"}


def run(text, env=None, want="number"):
    f = pr.compile_formula(text, NAMES, want=want)
    with localcontext(CONTEXT):
        return f({"x": D(2), "y": D("0.5"), "z": D(0), "ok": True, "xs": (D(3), D(12)), **(env or {})})


class TestExactness:
    """Literals and arithmetic are Decimal from the characters written."""

    def test_point_one_plus_point_two_reaches_point_three(self):
        assert run("0.1 + 0.2 >= 0.3", want="bool") is True
        assert D("0.3") == run("0.1 + 0.2")

    def test_literals_become_decimal_at_compile_time(self):
        f = pr.compile_formula("x * 0.35", NAMES)
        assert "_d_0_35" in f.source and "0.35" not in f.source

    def test_no_float_leaks(self):
        assert isinstance(run("x / 3"), D)


class TestFunctions:
    """Every documented function."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("min(x, 1, 5)", D(1)),
            ("max(x, 1, 5)", D(5)),
            ("clamp(x, 3, 5)", D(3)),
            ("clamp(x, 0, 1)", D(1)),
            ("abs(-x)", D(2)),
            ("round(2.345, 2)", D("2.35")),
            ("round(-2.345, 2)", D("-2.35")),
            ("floor(2.7)", D(2)),
            ("ceil(2.1)", D(3)),
            ("div(x, z, 7)", D(7)),
            ("div(x, y, 7)", D(4)),
            ("count(xs)", D(2)),
            ("total(xs)", D(15)),
            ("largest(xs)", D(12)),
            ("smallest(xs)", D(3)),
            ("count_over(xs, 3)", D(1)),
            ("count_over(xs, 12)", D(0)),
            ("count_under(xs, 12)", D(1)),
            ("count_under(xs, 3)", D(0)),
            ("x if ok else y", D(2)),
            ("x ** 2 + x ** -1", D("4.5")),
        ],
    )
    def test_values(self, text, expected):
        assert expected == run(text)

    def test_every_builtin_is_tested_above(self):
        tested = "min max clamp abs round floor ceil div count total largest smallest count_over count_under".split()
        assert sorted(tested) == sorted(pr.FUNCTIONS)


class TestErrors:
    """Problems are found at compile time, with the column and a suggestion."""

    def test_unknown_name_suggests(self):
        with pytest.raises(pr.FormulaError) as err:
            pr.compile_formula("sales_q * 2", NAMES)
        assert ("unknown-name", 1) == (err.value.code, err.value.column)
        assert "did you mean 'sales_qtr'?" in err.value.message

    def test_column_points_at_the_problem(self):
        with pytest.raises(pr.FormulaError) as err:
            pr.compile_formula("x + y + nope", NAMES)
        assert 9 == err.value.column

    @pytest.mark.parametrize(
        ("text", "code"),
        [
            ("ok + 1", "formula-type"),
            ("x and y", "formula-type"),
            ("x if x else y", "formula-type"),
            ("count(x)", "formula-type"),
            ("xs + 1", "formula-type"),
            ("min(x)", "formula-arity"),
            ("clamp(x, 1)", "formula-arity"),
            ("round(x, y)", "formula-literal"),
            ("x // 2", "formula-forbidden"),
            ("x % 2", "formula-forbidden"),
            ("x +", "formula-syntax"),
            ("", "formula-syntax"),
            ("frobnicate(x)", "unknown-function"),
            ("x", "formula-type"),  # want bool below
        ],
    )
    def test_codes(self, text, code):
        with pytest.raises(pr.FormulaError) as err:
            pr.compile_formula(text, NAMES, want="bool" if text == "x" else "number")
        assert code == err.value.code

    def test_division_by_zero_raises_at_evaluation(self):
        with pytest.raises(ArithmeticError):
            run("x / z")


# -- differential testing against simpleeval, the semantic reference ------------------------------------------


def _num(depth):
    leaf = st.one_of(
        st.sampled_from(["x", "y", "z"]).map(lambda n: (n, n)), st.integers(0, 99).map(lambda k: (str(k), f"D({k})"))
    )
    if depth == 0:
        return leaf
    sub, cond = _num(depth - 1), _bool(depth - 1)
    return st.one_of(
        leaf,
        st.tuples(sub, st.sampled_from(["+", "-", "*", "/"]), sub).map(
            lambda t: (f"({t[0][0]} {t[1]} {t[2][0]})", f"({t[0][1]} {t[1]} {t[2][1]})")
        ),
        sub.map(lambda a: (f"(-{a[0]})", f"(-{a[1]})")),
        st.tuples(st.sampled_from(["min", "max"]), sub, sub).map(
            lambda t: (f"{t[0]}({t[1][0]}, {t[2][0]})", f"{t[0]}({t[1][1]}, {t[2][1]})")
        ),
        sub.map(lambda a: (f"abs({a[0]})", f"abs({a[1]})")),
        st.tuples(cond, sub, sub).map(
            lambda t: (f"({t[1][0]} if {t[0][0]} else {t[2][0]})", f"({t[1][1]} if {t[0][1]} else {t[2][1]})")
        ),
    )


def _bool(depth):
    if depth == 0:
        return st.sampled_from([("True", "True"), ("ok", "ok")])
    sub = _num(depth - 1)
    return st.one_of(
        st.tuples(sub, st.sampled_from(["<", "<=", ">", ">=", "==", "!="]), sub).map(
            lambda t: (f"({t[0][0]} {t[1]} {t[2][0]})", f"({t[0][1]} {t[1]} {t[2][1]})")
        ),
        st.tuples(_bool(depth - 1), st.sampled_from(["and", "or"]), _bool(depth - 1)).map(
            lambda t: (f"({t[0][0]} {t[1]} {t[2][0]})", f"({t[0][1]} {t[1]} {t[2][1]})")
        ),
        _bool(depth - 1).map(lambda a: (f"(not {a[0]})", f"(not {a[1]})")),
    )


VALUES = st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False, allow_infinity=False)


class TestDifferential:
    """The compiled evaluator agrees with simpleeval on generated formulas."""

    @given(_num(3), VALUES, VALUES, VALUES, st.booleans())
    def test_numbers(self, pair, x, y, z, ok):
        self._same(pair, {"x": x, "y": y, "z": z, "ok": ok}, "number")

    @given(_bool(3), VALUES, VALUES, VALUES, st.booleans())
    def test_conditions(self, pair, x, y, z, ok):
        self._same(pair, {"x": x, "y": y, "z": z, "ok": ok}, "bool")

    def _same(self, pair, env, want):
        ours, theirs = pair
        ev = SimpleEval(names=dict(env), functions={"D": D, "min": min, "max": max, "abs": abs})
        with localcontext(CONTEXT):
            try:
                expected = ev.eval(theirs)
            except ArithmeticError:
                with pytest.raises(ArithmeticError):
                    pr.compile_formula(ours, NAMES, want=want)(env)
                return
            got = pr.compile_formula(ours, NAMES, want=want)(env)
        assert expected == got
        assert type(expected) is type(got)
