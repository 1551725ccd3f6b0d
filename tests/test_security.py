"""The formula sandbox: every escape and denial-of-service trick is refused, quickly.

Modelled on simpleeval's own tests/test_security.py, plus the holes listed in
shared/research/engines-anchors.md (attribute escapes, generator frames,
format strings, huge powers, deep nesting).
"""

import time
from decimal import Decimal as D
from decimal import localcontext

import pytest

import perfrules as pr
from perfrules._compile import CONTEXT

NAMES = {"x": "number", "y": "number", "ok": "bool"}

ESCAPES = [
    "().__class__.__mro__[1].__subclasses__()",
    "x.__class__",
    "__import__('os').system('echo pwned')",
    "__builtins__",
    "_k0",
    "e['x']",
    "(lambda: 1)()",
    "[c for c in ()]",
    "{}.keys()",
    "(y := 1)",
    "'{0.__class__}'.format(x)",
    "f'{x.__class__}'",
    "'%s' % x",
    "(i for i in ()).gi_frame",
    "(i for i in ()).gi_frame.f_back.f_globals",
    "getattr(x, '__class__')",
    "type(x)",
    "eval('1')",
    "exec('1')",
    "open('/etc/passwd')",
    "globals()",
    "x[0]",
    "b'abc'",
    "...",
    "None",
    "1j",
    "{1, 2}",
    "(1, 2)",
    "await x",
    "x if ok else 'text'",
    "__class__",
    "x.real",
    "min(*[x])",
    "min(x=1)",
    "abs.__self__",
    "div(x, y, d=1)",
    # Qualified names (metrics.x) are resolved when checked; nothing else with a dot gets through.
    "metrics.__class__",
    "metrics.x.__class__",
    "metrics.x.real",
    "penalties.__dict__",
    "x.metrics",
    "(1).real",
    "metrics['x']",
    "prior(x.__class__, 1)",
    "team_avg(metrics.__class__)",
]

DOS = [
    "4000000 ** 4000000",
    "9 ** 9 ** 9",
    "x ** y",
    "x ** 101",
    "9" * 100,
    "1e999999999",
    "1" + "0" * 30,
    "-" * 2000 + "1",
    "(" * 500 + "1" + ")" * 500,
    " + ".join(["x"] * 600),
    "min(" + ", ".join(["x"] * 500) + ")",
    "x" + " + x" * 1500,
    "not " * 300 + "ok",
    "x " * 5000,
]


def _refused(text):
    start = time.perf_counter()
    with pytest.raises(pr.FormulaError) as err:
        pr.compile_formula(text, NAMES)
    elapsed = time.perf_counter() - start
    return err.value, elapsed


@pytest.mark.parametrize("text", ESCAPES)
def test_escapes_are_refused_quickly(text):
    err, elapsed = _refused(text)
    assert elapsed < 0.1
    assert err.message


@pytest.mark.parametrize("text", DOS)
def test_denial_of_service_refused_quickly(text):
    err, elapsed = _refused(text)
    assert elapsed < 0.1
    assert err.code in {
        "formula-power",
        "formula-literal",
        "formula-too-long",
        "formula-too-deep",
        "formula-too-large",
        "formula-syntax",
        "formula-type",
    }


def test_generated_code_has_no_builtins():
    f = pr.compile_formula("x + 1", NAMES)
    assert {} == f.fn.__globals__["__builtins__"]


def test_allowed_power_cannot_blow_up():
    # The largest exponent allowed on the largest literal allowed stays cheap: 28 digits of
    # precision, and a result above 10^99 traps Overflow (the context's exponent limit).
    f = pr.compile_formula("999999999999999999 ** 100", NAMES)
    start = time.perf_counter()
    with localcontext(CONTEXT), pytest.raises(ArithmeticError):
        f({})
    assert time.perf_counter() - start < 0.1
    with localcontext(CONTEXT):
        out = pr.compile_formula("99 ** 50", NAMES)({})
    assert len(out.as_tuple().digits) <= 28


@pytest.mark.parametrize("x", ["2", "999999999999999999", "0.0000001"])
def test_nested_allowed_powers_are_cheap_at_run_time(x):
    # Each ** is allowed (literal exponent <= 100); nesting them is bounded by
    # the 28-digit precision and the trapped exponent range, not by memory.
    f = pr.compile_formula("((x ** 100) ** 100) ** 100", NAMES)
    start = time.perf_counter()
    with localcontext(CONTEXT):
        try:
            out = f({"x": D(x)})
            assert len(out.as_tuple().digits) <= 28
        except ArithmeticError:
            pass
    assert time.perf_counter() - start < 0.1


def test_products_stay_bounded_by_precision():
    f = pr.compile_formula("x * x * x * x * x * x * x * x * x * x", NAMES)
    with localcontext(CONTEXT):
        out = f({"x": D("123456789.123456789")})
    assert len(out.as_tuple().digits) <= 28


def test_non_identifier_names_cannot_be_declared():
    for bad in ["__class__", "a.b", "1x", "import", "e['x']"]:
        with pytest.raises(ValueError):
            pr.Metric(bad)


def test_names_with_underscore_prefix_refused_even_if_declared():
    with pytest.raises(pr.FormulaError, match="starting with '_'"):
        pr.compile_formula("_secret + 1", {"_secret": "number"})


# ---------------------------------------------------------------------------
# Hardening (issue 9): every input has a budget, one arithmetic context, only
# the project's errors escape, one name grammar, no warnings on stderr.  Each
# case runs within 100 ms and 200 MB (tracemalloc peak), asserted by `bounded`.
# ---------------------------------------------------------------------------

import io  # noqa: E402
import json  # noqa: E402
import tracemalloc  # noqa: E402
import warnings  # noqa: E402
from contextlib import redirect_stderr, redirect_stdout  # noqa: E402

from perfrules._cli.main import main as cli  # noqa: E402
from perfrules._limits import LIMITS  # noqa: E402

MAX_SECONDS = 0.1
MAX_BYTES = 200 * 1024 * 1024


def bounded(fn, *args, **kwargs):
    """Run fn once for time and once under tracemalloc for memory; return what it raised (or returned)."""

    def once():
        try:
            return fn(*args, **kwargs)
        except pr.PerfrulesError as exc:
            return exc
        except ValueError as exc:  # the model's constructors, called from Python, refuse with ValueError
            return exc

    start = time.perf_counter()
    out = once()
    elapsed = time.perf_counter() - start
    tracemalloc.start()
    try:
        once()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed <= MAX_SECONDS, f"took {elapsed:.3f} s"
    assert peak <= MAX_BYTES, f"peak {peak / 1e6:.0f} MB"
    return out


def scheme_text(text):
    return pr.scheme_from_text(text).scheme


def plan_of(text):
    return pr.compile_scheme(scheme_text(text))


BASE = """name: t
metrics:
  a: {type: number}
  n: {type: number}
score:
  formula: "a + 1"
"""
SCHEDULE = "name: t\nmetrics: {c: number}\npenalties:\n  p: {count: c, schedule: [1, 2, 3]}\nscore: {base: 10}\n"


def codes(err):
    return {i.code for i in getattr(err, "issues", ())}


# -- 1. a budget for every input -----------------------------------------------


class TestBudget:
    def test_places_of_a_huge_number_is_refused_before_int(self):
        # main: int(Decimal("1e999999")) ran for 26 s
        err = bounded(scheme_text, "name: t\nmoney: {places: 1e999999}\nscore: {formula: '1'}\n")
        assert isinstance(err, pr.SchemeError) and "number-out-of-range" in codes(err)

    def test_places_from_data_is_refused_before_int(self):
        err = bounded(pr.scheme_from_data, {"name": "t", "money": {"places": D("1e999999")}})
        assert isinstance(err, pr.SchemeError) and "number-out-of-range" in codes(err)

    @pytest.mark.parametrize("cell", ["1e999999", "1e999999999", "9" * 5000])
    def test_huge_count_cell_on_a_schedule_is_refused(self, cell):
        # main: 1e999999 cost 40 s per employee, 1e999999999 never finished
        plan = plan_of(SCHEDULE.replace("number", "count"))
        err = bounded(pr.score, plan, [{"employee_id": "e", "c": cell}])
        assert isinstance(err, pr.InputError)
        assert err.issues[0].path == ("row 2", "c")

    @pytest.mark.parametrize("cell", ["1e999999999", "1e400", "-1e400", "1e-999999999", "1" + "0" * 18])
    def test_cells_outside_the_context_are_refused_without_max(self, cell):
        # main: 1e400 was accepted and scored 1E+400; 1e999999999 reached explain (3.8 GB)
        plan = plan_of(BASE)
        err = bounded(pr.score, plan, [{"employee_id": "e", "a": cell, "n": "1"}], trace=True)
        assert isinstance(err, pr.InputError) and err.issues[0].path == ("row 2", "a")

    def test_json_cells_hold_no_huge_integers_or_floats(self):
        plan = plan_of(BASE)
        for cell in (10**5000, 1e300, float("inf"), D("sNaN")):
            err = bounded(pr.score, plan, [{"employee_id": "e", "a": cell, "n": 1}])
            assert isinstance(err, pr.InputError)

    def test_tiny_literal_is_refused(self):
        # main: 1e-999999999 passed the literal checks
        err = bounded(pr.compile_formula, "x + 1e-999999999", NAMES)
        assert isinstance(err, pr.FormulaError) and err.code == "formula-literal"

    def test_long_formula_aliased_is_refused_before_analysis(self, tmp_path):
        # main: 29.6 s, 1.3 GB and 96 MB of errors
        big = ("a" + " + a" * 1_200_000)[:4_800_000]
        path = tmp_path / "big.yaml"
        path.write_text(
            "name: t\nmetrics: {a: number}\nf: &f '"
            + big
            + "'\nindicators:\n"
            + "".join(f"  i{k}: {{formula: *f}}\n" for k in range(20)),
            encoding="utf-8",
        )
        report = bounded(pr.check_file, path)
        assert not report.ok and "document-too-large" in {i.code for i in report.issues}
        # Under the document limit, the formula is refused by its own length before analysis sees it.
        path.write_text(
            "name: t\nmetrics: {a: number}\nf: &f '"
            + big[:900_000]
            + "'\nindicators:\n"
            + "".join(f"  i{k}: {{formula: *f}}\n" for k in range(20)),
            encoding="utf-8",
        )
        report = bounded(pr.check_file, path)
        assert not report.ok and "text-too-long" in {i.code for i in report.issues}
        assert len(report.render()) < 10_000

    def test_long_formula_built_in_python_is_refused_by_the_model(self):
        err = bounded(pr.Scheme, "t", metrics=(pr.Metric("a"), pr.Metric("b", formula="a + " * 600 + "a")))
        assert isinstance(err, ValueError) and "longer than" in str(err)

    @pytest.mark.parametrize(
        "text",
        [
            "name: t\nx: " + "[" * 600 + "]" * 600 + "\n",
            "name: t\nx: " + "[" * 100_000 + "]" * 100_000 + "\n",
            "name: t\nx: &a [*a]\n",
            "name: t\nx: &a {k: *a}\n",
            "a: &a [x, x, x, x, x, x, x, x, x]\n"
            + "".join(f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi")),
        ],
        ids=["nest-600", "nest-100000", "recursive-list", "recursive-map", "billion-laughs"],
    )
    def test_nesting_and_aliases_are_refused(self, text):
        # main: RecursionError for nesting >= 500 and for &a [*a]
        err = bounded(pr.scheme_from_text, text)
        assert isinstance(err, pr.SchemeError)
        assert codes(err) & {"document-too-deep", "document-too-large", "syntax"}  # libyaml's own depth limit: syntax

    def test_json_integer_over_4300_digits_is_refused(self):
        # main: ValueError from int()
        err = bounded(pr.scheme_from_text, '{"name": "t", "version": ' + "9" * 5000 + "}", fmt="json")
        assert isinstance(err, pr.SchemeError) and "number-out-of-range" in codes(err)

    def test_json_nesting_is_refused(self):
        err = bounded(pr.scheme_from_text, '{"name": "t", "x": ' + "[" * 5000 + "]" * 5000 + "}", fmt="json")
        assert isinstance(err, pr.SchemeError)

    def test_element_count_is_bounded(self):
        # One element more than the budget is refused before any element is converted.
        n = LIMITS.elements + 1
        data = {"name": "t", "metrics": {f"m{k}": {"formula": "1"} for k in range(n)}}
        err = bounded(pr.scheme_from_data, data)
        assert isinstance(err, pr.SchemeError) and "too-many" in codes(err)

    def test_a_long_reverse_chain_of_derived_metrics_compiles(self):
        # main: ~330 derived metrics chained in reverse order raised RecursionError in compile.
        chain = (
            "name: t\nmetrics:\n  m0: {type: number}\n"
            + "".join(f"  m{k}: {{formula: 'm{k - 1} + 1'}}\n" for k in range(400, 0, -1))
            + "score: {formula: 'm400'}\n"
        )
        plan = pr.compile_scheme(scheme_text(chain))
        assert bounded(pr.score, plan, [{"employee_id": "e", "m0": "1"}]).results[0].score == 401

    @pytest.mark.parametrize("cell", ["99999999999.99999999999999999", "0.0000000000000000000000000001", "-1E+17"])
    def test_explaining_the_largest_and_smallest_numbers_is_cheap(self, cell):
        # main: a cell 1e999999999 made explain format a 10^9-character string (3.8 GB)
        plan = plan_of(BASE.replace('"a + 1"', '"a ** 5 + a * 3"'))

        def explain_all():
            results = pr.score(plan, [{"employee_id": "e", "a": cell, "n": "1"}], trace=True)
            return pr.render_text(pr.explain(plan, results.results[0])) + pr.render_json(
                pr.explain(plan, results.results[0])
            )

        out = bounded(explain_all)
        assert isinstance(out, str | pr.EvaluationError)
        assert len(str(out)) < 20_000

    def test_population_rows_must_be_mappings(self):
        plan = plan_of(BASE)
        err = bounded(pr.score, plan, [["e1", "1"]])
        assert isinstance(err, pr.InputError) and codes(err) == {"bad-row"}
        assert isinstance(bounded(pr.score, plan, 7), pr.InputError)


# -- 2. one arithmetic context ------------------------------------------------------


class TestArithmetic:
    def test_context_traps_and_limits(self):
        assert CONTEXT.Emax == 99 and CONTEXT.Emin == -99 and CONTEXT.prec == 28
        with localcontext(CONTEXT):
            for bad in (lambda: D(1) / 0, lambda: D("1e99") * 10, lambda: D("1e-99") / D("1e28"), lambda: D(-1).sqrt()):
                with pytest.raises(ArithmeticError):
                    bad()

    def test_zero_to_a_negative_power_is_an_evaluation_error(self):
        # main: score Infinity, grade A, exit 0, period published
        plan = plan_of(BASE.replace('"a + 1"', '"a * n ** -1"'))
        err = bounded(pr.score, plan, [{"employee_id": "e7", "a": "2", "n": "0"}])
        assert isinstance(err, pr.EvaluationError)
        assert err.employee == "e7" and err.step == "score" and err.formula == "a * n ** -1"
        assert err.values == {"a": D(2), "n": D(0)}

    def test_non_finite_penalty_is_refused(self):
        text = "name: t\nmetrics: {n: number}\npenalties:\n  p: {count: 'n ** -2', amount: 1}\nscore: {base: 10}\n"
        err = bounded(pr.score, plan_of(text), [{"employee_id": "e", "n": "0"}])
        assert isinstance(err, pr.EvaluationError) and err.employee == "e"

    def test_nothing_is_written_or_published_when_a_value_is_not_finite(self, tmp_path):
        scheme = tmp_path / "s.yaml"
        scheme.write_text(BASE.replace('"a + 1"', '"a * n ** -1"'), encoding="utf-8")
        data = tmp_path / "d.csv"
        data.write_text("employee_id,a,n\ne1,1,0\n", encoding="utf-8")
        out, ledger = tmp_path / "out.csv", tmp_path / "ledger.db"
        with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()) as err:
            code = cli(
                ["score", str(scheme), str(data), "--period", "2026-04", "--out", str(out), "--ledger", str(ledger)]
            )
        assert code == 1 and "division by zero" in err.getvalue()  # 0 ** -1 never becomes Infinity
        assert not out.exists()
        if ledger.exists():
            with pr.Ledger(ledger) as book:
                assert book.periods() == []

    def test_huge_intermediate_overflows_to_an_evaluation_error(self):
        plan = plan_of(BASE.replace('"a + 1"', '"a ** 100"'))
        err = bounded(pr.score, plan, [{"employee_id": "e", "a": "99999", "n": "1"}], trace=True)
        assert isinstance(err, pr.EvaluationError) and "too large" in str(err)

    def test_infinity_inside_a_formula_is_refused_even_if_min_hides_it(self):
        # 0 ** -1 is Infinity without a signal; min(Infinity, 100) = 100 is stored as if nothing happened.
        plan = plan_of(BASE.replace('"a + 1"', '"min(n ** -1, 100)"'))
        with pytest.raises(pr.EvaluationError):
            pr.score(plan, [{"employee_id": "e", "a": "1", "n": "0"}])


# -- 3. only the project's errors escape --------------------------------------------


class TestOnlyProjectErrors:
    @pytest.mark.parametrize(
        "text",
        [
            "name: t\nmetrics: {a: number}\ntables:\n  tb:\n    tiers:\n      - {range: '[0, 1e999999999)', points: 1}\n"
            "score: {formula: 'tb(a)'}\n",
            "name: t\nmetrics: {a: number}\ntables:\n  tb:\n    tiers:\n      - {min: 0, max: 1e999999999, points: 1}\n"
            "score: {formula: 'tb(a)'}\n",
            "name: t\nmetrics: {a: number}\nindicators:\n  i1: {formula: 'a', weight: 9e999999}\n"
            "  i2: {formula: 'a', weight: 9e999999}\n",
            'name: t\nmetrics: {a: {type: number, label: "\\ud800"}}\nscore: {formula: "a"}\n',
            "name: t\nmetrics: {x: number}\nindicators:\n  i: {input: x, tiers: []}\n",
            "name: t\nmetrics: {x: number}\npenalties:\n  p: {count: x, tiers: []}\n",
            "name: t\npopulation: {role: r, roles: [a, a]}\nmetrics: {x: number}\nscore: {formula: 'x'}\n",
            "name: t\nmetrics: {c: number}\npenalties:\n  p: {count: c, schedule: []}\nscore: {base: 10}\n",
        ],
        ids=[
            "tier-range",
            "tier-max",
            "weights",
            "surrogate",
            "indicator-tiers",
            "penalty-tiers",
            "duplicate-roles",
            "empty-schedule",
        ],
    )
    def test_scheme_files_give_scheme_errors(self, text, tmp_path):
        # main: decimal.Overflow, UnicodeEncodeError, ValueError from validate() or compile or score
        err = bounded(pr.scheme_from_text, text)
        assert isinstance(err, pr.SchemeError)
        path = tmp_path / "s.yaml"
        path.write_text(text, encoding="utf-8")
        report = bounded(pr.check_file, path)
        assert not report.ok

    def test_python_built_schemes_cannot_hold_what_files_cannot(self):
        for build in (
            lambda: pr.Indicator("i", formula="1", weight=D("9e999999")),
            lambda: pr.Scheme("t", metrics=(pr.Metric("a", label="\ud800"),)),
            lambda: pr.Population(role="r", roles=("a", "a")),
            lambda: pr.Indicator("i", input="x", tiers=()),
        ):
            assert isinstance(bounded(build), ValueError)

    @pytest.mark.parametrize(
        "period", ["0000-01", "2026-13", "2026-02-30..2026-03-01", "junk", 202604, 2026.4, b"2026"]
    )
    def test_bad_periods_are_input_errors(self, period):
        # main: ValueError or AttributeError
        err = bounded(pr.score, plan_of(BASE), [{"employee_id": "e", "a": "1", "n": "1"}], period=period)
        assert isinstance(err, pr.InputError) and isinstance(err, ValueError)
        assert codes(err) == {"bad-period"}

    @pytest.mark.parametrize("emp", [D("sNaN"), D("NaN"), float("nan")])
    def test_nan_ids_are_missing_ids(self, emp):
        # found by the long fuzz: comparing a signalling NaN id (raw != raw) raised decimal.InvalidOperation
        err = bounded(pr.score, plan_of(BASE), [{"employee_id": emp, "a": "1", "n": "1"}])
        assert isinstance(err, pr.InputError) and "missing-id" in codes(err)

    def test_nan_text_cells_are_empty_cells(self):
        # found by the long fuzz: comparing a signalling NaN reason cell (row[k] == row[k]) raised InvalidOperation
        text = "name: t\nmetrics: {a: number}\nbonuses:\n  b: {count: a, amount: 1, reason: why}\nscore: {base: 1}\n"
        for cell in (D("sNaN"), D("NaN"), float("nan")):
            err = bounded(pr.score, plan_of(text), [{"employee_id": "e", "a": "1", "why": cell}])
            assert isinstance(err, pr.InputError) and "reason-required" in codes(err)

    def test_evaluate_inputs_cannot_override_the_employee(self):
        # main: the result belonged to "other"
        err = bounded(pr.evaluate, plan_of(BASE), {"a": "1", "n": "1", "employee_id": "other"}, employee="me")
        assert isinstance(err, pr.InputError) and codes(err) == {"bad-row"}
        same = pr.evaluate(plan_of(BASE), {"a": "1", "n": "1", "employee_id": "me"}, employee="me")
        assert same.employee == "me"
        assert isinstance(bounded(pr.evaluate, plan_of(BASE), [("a", 1)]), pr.InputError)

    @pytest.mark.parametrize("count", ["-1", "1.5", "-0.5"])
    def test_schedule_counts_are_whole_and_not_negative(self, count):
        # main: -1 on [1, 2, 3] charged 3 points; 1.5 was truncated to 1
        err = bounded(pr.score, plan_of(SCHEDULE), [{"employee_id": "e", "c": count}])
        assert isinstance(err, pr.InputError) and codes(err) == {"bad-count"}
        assert err.issues[0].path == ("row 2", "c")

    def test_computed_schedule_count_is_checked_too(self):
        text = SCHEDULE.replace("count: c,", "count: 'c - 5',")
        err = bounded(pr.score, plan_of(text), [{"employee_id": "e", "c": "4"}])
        assert isinstance(err, pr.EvaluationError) and err.employee == "e" and "whole number" in str(err)

    def test_cli_data_files_give_exit_codes(self, tmp_path):
        scheme = tmp_path / "s.yaml"
        scheme.write_text(BASE, encoding="utf-8")
        cases = {
            "big-int.json": json.dumps([{"employee_id": "e", "a": 1, "n": 1}]).replace('"a": 1', '"a": ' + "9" * 5000),
            "deep.json": "[" * 100_000 + "]" * 100_000,
            "wide.csv": "employee_id,a,n\ne," + "1" * 200_000 + ",1\n",
        }
        for name, text in cases.items():
            data = tmp_path / name
            data.write_text(text, encoding="utf-8", errors="surrogatepass")
            with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
                assert cli(["score", str(scheme), str(data), "--period", "2026-04"]) == 1, name
        # Bytes that are not UTF-8 (an encoded lone surrogate) are read in another encoding only
        # with a note saying which, or refused: never silently.
        data = tmp_path / "surrogate.csv"
        data.write_text("employee_id,a,n\n\ud800,1,1\n", encoding="utf-8", errors="surrogatepass")
        with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()) as err:
            code = cli(["score", str(scheme), str(data), "--period", "2026-04"])
        assert code == 1 or (code == 0 and "encoding" in err.getvalue()), err.getvalue()

    def test_cli_reports_formula_and_compile_errors_with_exit_1(self, tmp_path):
        scheme = tmp_path / "s.yaml"
        scheme.write_text(BASE.replace('"a + 1"', '"a +"'), encoding="utf-8")
        data = tmp_path / "d.csv"
        data.write_text("employee_id,a,n\ne,1,1\n", encoding="utf-8")
        with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
            assert cli(["score", str(scheme), str(data), "--period", "2026-04"]) == 1
        scheme.write_text(BASE, encoding="utf-8")
        out = str(tmp_path / "no" / "such" / "dir.csv")
        with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
            assert cli(["score", str(scheme), str(data), "--period", "2026-04", "--out", out]) == 1


# -- 4. names --------------------------------------------------------------------------


class TestNames:
    @pytest.mark.parametrize("name", ["p\n", "p\r", "p ", "é", "a" * 65, "", "p\x00"])
    def test_one_grammar_full_match(self, name):
        # main: "p\n" passed ($ matches before a final newline) and reached the generated source
        with pytest.raises(ValueError):
            pr.Metric(name)

    def test_name_with_newline_in_a_file_is_a_scheme_error(self):
        err = bounded(pr.scheme_from_text, 'name: t\nmetrics: {"p\\n": number}\nscore: {formula: "1"}\n')
        assert isinstance(err, pr.SchemeError) and "bad-value" in codes(err)

    def test_longest_name_is_accepted(self):
        assert pr.Metric("a" * LIMITS.name_chars).name == "a" * 64


# -- 5. no warnings on stderr -------------------------------------------------------------


class TestNoWarnings:
    @pytest.mark.parametrize("text", ["1if ok else 0", "1if ok else 2if ok else 3", "0x1for"])
    def test_python_syntax_warnings_are_not_printed(self, text):
        # main: "<unknown>:1: SyntaxWarning: invalid decimal literal" on stderr
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            bounded(pr.compile_formula, text, NAMES)
            scheme = scheme_text(BASE.replace('"a + 1"', json.dumps(text)))
            bounded(pr.validate, scheme)
            bounded(pr.compile_scheme, scheme)
        assert [] == [str(w.message) for w in seen]
